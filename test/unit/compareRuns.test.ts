/**
 * Compare Runs, extension side: which runs the command's arguments name, a run's row from its summary and
 * evaluation, the table as CSV, and the validation of the panel's messages and saved state.
 */
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EvaluationReport, RunSummary } from '../../server/protocol';
import type { CompareRun } from '../../webview/protocol';
import { compareRunFrom, MAX_COMPARED, runDirsFromArgs, runsCsv, settingsText } from '../../extension/compare/compareRuns';
import { isCompareRun, parseCompareViewState, parseFromCompareView } from '../../extension/panels/compareMessages';

const CONFIG = {
  model: 'resnet', inputSize: 128, channels: 1, epochs: 3, batchSize: 32, learningRate: 0.002, valFraction: 0.15, seed: 42, patience: 0,
  classWeights: false, labelSmoothing: 0.05, augment: {}, weightDecay: 0.05, schedule: 'warmup-cosine', warmupEpochs: 1, ema: 0.998,
} as unknown as RunSummary['config'];

function summary(over: Partial<RunSummary> = {}): RunSummary {
  return {
    runId: '2026-12-04-resnet', runDir: '/ws/.brain-tumor/runs/2026-12-04-resnet', status: 'completed', config: CONFIG, dataRoot: '/data', sources: [],
    backend: { kind: 'wasm', threads: 2, simd: true }, counts: { train: 10, val: 2 },
    history: [
      { epoch: 0, loss: 1.2, acc: 0.4, valLoss: 1.1, valAcc: 0.5, lr: 0.002, ms: 1500 },
      { epoch: 1, loss: 0.9, acc: 0.6, valLoss: 0.8, valAcc: 0.75, lr: 0.001, ms: 2500 },
    ],
    bestEpoch: 1, resumable: false, createdAt: '2026-12-04T10:00:00Z',
    evaluation: { official: { accuracy: 0.8, macroF1: 0.79, ece: 0.05, count: 12 }, deduplicated: { accuracy: 0.7, macroF1: 0.69, ece: 0.06, count: 10 } },
    ...over,
  };
}

const report = (external: { name: string; sensitivity: number | null }[]) => ({
  splits: [{ key: 'official', accuracy: 0.8125 }, { key: 'deduplicated', accuracy: 0.75 }], external,
}) as unknown as EvaluationReport;

describe('Compare Runs: the command\'s arguments', () => {
  it('takes paths, the Runs view\'s items and VS Code\'s (item, selection) pair', () => {
    assert.deepEqual(runDirsFromArgs(['/r/a', '/r/b']), ['/r/a', '/r/b']);
    assert.deepEqual(runDirsFromArgs('/r/a'), ['/r/a']);
    assert.deepEqual(runDirsFromArgs({ runDir: '/r/a', contextValue: 'run.completed' }), ['/r/a']);
    // A multi-selection: the clicked item comes first, then every selected item (it among them).
    assert.deepEqual(runDirsFromArgs({ runDir: '/r/b' }, [{ runDir: '/r/a' }, { runDir: '/r/b' }]), ['/r/a', '/r/b']);
    assert.deepEqual(runDirsFromArgs({ fsPath: '/r/c' }), ['/r/c']);
  });

  it('drops repeats and relative or unusable entries; nothing usable means "ask"', () => {
    assert.deepEqual(runDirsFromArgs(['/r/a', '/r/a/', 'relative', 42, null, { runDir: 7 }]), ['/r/a']);
    assert.equal(runDirsFromArgs(undefined), undefined);
    assert.equal(runDirsFromArgs([]), undefined);
    assert.equal(runDirsFromArgs(['x', 'y']), undefined);
  });
});

describe('Compare Runs: a run\'s row', () => {
  it('takes the curves, the best validation accuracy, the time and the evaluation\'s figures', () => {
    const r = compareRunFrom(summary(), report([{ name: 'br35h', sensitivity: 0.9 }, { name: 'other', sensitivity: null }]));
    assert.equal(r.model, 'resnet');
    assert.equal(r.epochs, 2);
    assert.equal(r.plannedEpochs, 3);
    assert.equal(r.seconds, 4);
    assert.equal(r.bestValAcc, 0.75);
    assert.equal(r.official, 0.8125, 'the full evaluation wins over the headline in metadata.json');
    assert.equal(r.deduplicated, 0.75);
    assert.deepEqual(r.external, [{ name: 'br35h', sensitivity: 0.9 }, { name: 'other', sensitivity: null }]);
    assert.deepEqual(r.history[1], { epoch: 1, loss: 0.9, acc: 0.6, valLoss: 0.8, valAcc: 0.75 });
    assert.equal(r.settings, '128 px greyscale, batch 32, lr 0.002, seed 42, wd 0.05, EMA 0.998, smoothing 0.05');
    assert.ok(isCompareRun(r), 'a built row passes the saved-state check');
  });

  it('without an evaluation file uses the metadata headline, and without either leaves the Testing columns empty', () => {
    assert.equal(compareRunFrom(summary(), null).official, 0.8);
    const none = compareRunFrom(summary({ evaluation: null }), null);
    assert.equal(none.official, null);
    assert.equal(none.deduplicated, null);
    assert.deepEqual(none.external, []);
  });

  it('leaves out epochs with figures that are not numbers, and refuses a summary that is not a run', () => {
    const bad = summary();
    bad.history = [...bad.history, { epoch: 2, loss: 'x', acc: null } as unknown as RunSummary['history'][number]];
    assert.equal(compareRunFrom(bad, null).epochs, 2);
    assert.throws(() => compareRunFrom({ runId: 'x' } as unknown as RunSummary, null), /not a run of this product/);
  });

  it('says the settings in words (RGB, class weights, no EMA)', () => {
    assert.equal(settingsText({ ...CONFIG, channels: 3, ema: 0, weightDecay: 0, labelSmoothing: 0, classWeights: true }),
      '128 px RGB, batch 32, lr 0.002, seed 42, class weights');
  });
});

describe('Compare Runs: CSV', () => {
  const a = compareRunFrom(summary(), report([{ name: 'br35h', sensitivity: 0.9 }]));
  const b: CompareRun = { ...compareRunFrom(summary({ evaluation: null }), null), runId: '=cmd|"x",y', runDir: '/r/b', settings: 'a, b' };

  it('writes a header and one row per run in the given order, fractions and seconds, CRLF line ends', () => {
    const lines = runsCsv([a, b]).split('\r\n');
    assert.equal(lines[0], 'run,folder,status,model,settings,epochs,planned_epochs,training_seconds,best_val_accuracy,testing_official_accuracy,' +
      'testing_deduplicated_accuracy,external_sensitivity');
    assert.equal(lines[1], '2026-12-04-resnet,/ws/.brain-tumor/runs/2026-12-04-resnet,completed,resnet,' +
      '"128 px greyscale, batch 32, lr 0.002, seed 42, wd 0.05, EMA 0.998, smoothing 0.05",2,3,4,0.75,0.8125,0.75,br35h: 0.9000');
    // Quotes doubled, a formula defused, missing figures empty.
    assert.equal(lines[2], `"'=cmd|""x"",y",/r/b,completed,resnet,"a, b",2,3,4,0.75,,,`);
    assert.equal(lines[3], '', 'ends with a line break');
    assert.equal(lines.length, 4);
  });

  it('writes only the header for no runs', () => {
    assert.equal(runsCsv([]).split('\r\n').length, 2);
  });
});

describe('Compare Runs panel messages', () => {
  it('accepts ready, CSV export with absolute run folders, and chart images', () => {
    assert.deepEqual(parseFromCompareView({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parseFromCompareView({ type: 'exportCsv', order: ['/r/a', '/r/b'], extra: 1 }), { type: 'exportCsv', order: ['/r/a', '/r/b'] });
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"></svg>';
    assert.deepEqual(parseFromCompareView({ type: 'exportChart', format: 'svg', name: 'compare-loss', data: svg }),
      { type: 'exportChart', format: 'svg', name: 'compare-loss', data: svg });
  });

  it('refuses anything else', () => {
    for (const m of [null, 'ready', [], { type: 'nope' }, { type: 'exportCsv' }, { type: 'exportCsv', order: ['relative'] },
      { type: 'exportCsv', order: [7] }, { type: 'exportCsv', order: Array.from({ length: MAX_COMPARED + 1 }, (_, i) => `/r/${i}`) },
      { type: 'exportChart', format: 'svg', name: 'x', data: '<svg xmlns="http://www.w3.org/2000/svg"><script>1</script></svg>' }]) {
      assert.equal(parseFromCompareView(m), undefined, JSON.stringify(m));
    }
  });

  it('restores saved runs and sort; refuses state without a valid run', () => {
    const run = compareRunFrom(summary(), null);
    assert.deepEqual(parseCompareViewState({ runs: [run], problems: ['x cannot be compared', 3], sort: { key: 'official', dir: 'asc' } }),
      { runs: [run], problems: ['x cannot be compared'], sort: { key: 'official', dir: 'asc' } });
    assert.deepEqual(parseCompareViewState({ runs: [run], sort: { key: 'bogus', dir: 'asc' } })?.sort, { key: 'bestValAcc', dir: 'desc' });
    assert.equal(parseCompareViewState({ runs: [] }), undefined);
    assert.equal(parseCompareViewState(undefined), undefined);
    assert.equal(parseCompareViewState({ runs: [{ ...run, history: [{ epoch: 0, loss: 'NaN' }] }] }), undefined);
    assert.equal(parseCompareViewState({ runs: [{ ...run, runDir: 'relative' }] }), undefined);
    assert.equal(parseCompareViewState({ runs: [{ ...run, official: '80%' }] }), undefined);
  });
});
