/**
 * The one table from the server's expected failures to protocol codes (server/errorCodes.ts) and the CLI's exit
 * codes that follow from it, and the one CancelledError: a cancel deep inside a job (the scan an evaluation starts
 * with) reaches the caller as a cancel, not as an internal error.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ResponseError } from 'vscode-languageserver-protocol';
import { ErrorCodes } from '../../server/protocol';
import { CancelledError } from '../../server/cancelled';
import { errorCodeOf, toProtocolError } from '../../server/errorCodes';
import { exitFor, UsageError } from '../../server/cli/exitCodes';
import { DatasetStore } from '../../server/data/datasetStore';
import { DatasetLayoutError } from '../../server/data/walkDataset';
import { evaluateModel } from '../../server/eval/evaluate';
import { EvaluationError } from '../../server/eval/modelScoring';
import { ClassifyError } from '../../server/infer/classifyImages';
import { ModelError } from '../../server/infer/modelStore';
import { IncompatibleModelError } from '../../server/model/metadata';
import { RunFolderError } from '../../server/model/folderFiles';
import { ConfigError } from '../../server/train/trainConfig';
import { TrainingBusyError } from '../../server/train/trainingService';
import { writeTrainingSet } from '../fixtures/images';

const BUNDLED = path.resolve(__dirname, '../../../models/brain-tumor-cnn');

describe('expected failures to codes', () => {
  it('maps each expected failure to its protocol code, and leaves anything else an internal error', () => {
    const cases: [Error, number][] = [
      [new CancelledError('Scan'), ErrorCodes.Cancelled],
      [new TrainingBusyError('busy'), ErrorCodes.TrainingBusy],
      [new RunFolderError('no run'), ErrorCodes.RunFolder],
      [new ConfigError('bad epochs'), ErrorCodes.InvalidParams],
      [new ClassifyError('too many'), ErrorCodes.InvalidParams],
      [new DatasetLayoutError('no layout'), ErrorCodes.DatasetLayout],
      [new EvaluationError('no Testing'), ErrorCodes.DatasetLayout],
      [new IncompatibleModelError('classes differ'), ErrorCodes.IncompatibleModel],
      [new ModelError('classes differ', 'incompatible'), ErrorCodes.IncompatibleModel],
      [new ModelError('gone', 'missing'), ErrorCodes.RunFolder],
    ];
    for (const [e, code] of cases) {
      assert.equal(errorCodeOf(e), code, e.constructor.name);
      const r = toProtocolError(e);
      assert.ok(r instanceof ResponseError && r.code === code, e.constructor.name);
    }
    assert.equal((toProtocolError(new ConfigError('epochs must be positive')) as ResponseError<void>).message, 'train: epochs must be positive');
    const bug = new TypeError('x is undefined');
    assert.equal(errorCodeOf(bug), undefined);
    assert.equal(toProtocolError(bug), bug);
  });

  it('gives the CLI one exit code per failure: 130 for a cancel in every command, 2 for what the command line names, 1 else', () => {
    assert.deepEqual(exitFor(new CancelledError('Scan'), 'scan'), { code: 130, text: 'scan cancelled; files inspected so far are cached for the next scan.' });
    assert.deepEqual(exitFor(new CancelledError('Scan'), 'evaluate'), { code: 130, text: null });
    assert.deepEqual(exitFor(new CancelledError('Classification'), 'classify'), { code: 130, text: null });
    assert.deepEqual(exitFor(new UsageError('--near must be an integer'), 'scan'), { code: 2, text: '--near must be an integer' });
    assert.equal(exitFor(new DatasetLayoutError('No dataset layout found'), 'train').code, 2);
    assert.equal(exitFor(new IncompatibleModelError('classes differ'), 'evaluate').code, 2);
    assert.equal(exitFor(new TrainingBusyError('busy'), 'train').code, 1);
    assert.deepEqual(exitFor(new Error('disk on fire'), 'train'), { code: 1, text: 'disk on fire' });
  });
});

describe('a cancel inside a job', () => {
  let tmp: string, data: string;
  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bt-cancel-'));
    data = await writeTrainingSet(path.join(tmp, 'data'), 2, 2);
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('reaches the caller of an evaluation as a cancel when it lands in the scan the evaluation starts with', async () => {
    // Before one CancelledError, the scan's own error class escaped the evaluation's mapping: an internal error.
    const e = await evaluateModel(BUNDLED, {
      datasets: new DatasetStore(), cacheDir: null, dataRoot: data, isCancelled: () => true,
      backend: { kind: 'cpu', threads: 1, simd: null, initMs: 0, reason: 'test', tried: [] } as never,
    }).then(() => null, (err: unknown) => err);
    assert.ok(e instanceof CancelledError, String(e));
    assert.equal(e.message, 'Scan cancelled.');
    assert.equal(errorCodeOf(e), ErrorCodes.Cancelled);
  });
});
