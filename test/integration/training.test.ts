/**
 * Training through the real extension and backend: Train Model on a generated dataset streams progress and
 * epochs, opens the Training panel, is cancelled, refuses a second run while one goes, resumes from the last
 * finished epoch and completes, leaving a full run folder.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { BrainTumorApi } from '../../extension/main';
import type { TrainEvent } from '../../extension/backendClient';
import type { EvaluationReport, TrainConfig, TrainEnd, TrainStarted } from '../../server/protocol';
import { ErrorCodes } from '../../server/protocol';
import { api, tabsOnceOpen } from './extensionApi';

const WORKSPACE = process.env.BRAIN_TUMOR_TEST_WORKSPACE ?? '';

/** Resolves with the first training event `pick` accepts (and rejects after a timeout naming what it waited for). */
function nextEvent<T>(a: BrainTumorApi, what: string, pick: (e: TrainEvent) => T | undefined, timeoutMs = 120_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { sub.dispose(); reject(new Error(`timed out waiting for ${what}`)); }, timeoutMs);
    const sub = a.onTrainEvent((e) => {
      const v = pick(e);
      if (v !== undefined) { clearTimeout(timer); sub.dispose(); resolve(v); }
    });
  });
}

const endOf = (runId: string) => (e: TrainEvent): TrainEnd | undefined => (e.kind === 'end' && e.end.runId === runId ? e.end : undefined);

describe('Training in VS Code', () => {
  const dataRoot = path.join(WORKSPACE, 'train-set');
  const config: Partial<TrainConfig> = { model: 'compact', inputSize: 32, epochs: 6, batchSize: 4, patience: 0 };
  let started: TrainStarted;

  it('Train Model starts a run that streams progress and epochs, and opens the Training panel', async () => {
    const a = await api();
    assert.ok(fs.existsSync(path.join(dataRoot, 'Training', 'glioma')), 'the generated training set is in the workspace');
    const training = nextEvent(a, 'a training progress notification', (e) => (e.kind === 'progress' && e.progress.phase === 'training' ? e.progress : undefined));
    const firstEpoch = nextEvent(a, 'the first epoch', (e) => (e.kind === 'epoch' && e.epoch.stats.epoch === 0 ? e.epoch : undefined));
    started = await vscode.commands.executeCommand<TrainStarted>('brainTumor.trainModel', { dataRoot, config });
    assert.ok(started?.runId, 'the command returns the started run');
    assert.equal(path.dirname(started.runDir), path.join(WORKSPACE, '.brain-tumor', 'runs'), 'runs go to the workspace');
    const p = await training;
    // Requests keep being answered while a run trains (the trainer yields between batches).
    const t0 = Date.now();
    const status = await a.status();
    assert.ok(Date.now() - t0 < 10_000, `status answered in ${Date.now() - t0} ms during training`);
    assert.ok(status.numTensors > 0);
    assert.equal(p.runId, started.runId);
    assert.equal(p.epochs, 6);
    assert.ok(p.batches >= 1 && p.batch >= 1 && p.batch <= p.batches);
    const e = await firstEpoch;
    assert.ok(Number.isFinite(e.stats.loss) && Number.isFinite(e.stats.valAcc), JSON.stringify(e.stats));
    const tabs = await tabsOnceOpen('Training');
    assert.ok(tabs.some((l) => l.startsWith('Training')), `a Training tab is open: ${tabs.join(', ')}`);
  });

  it('refuses a second run while one is going', async () => {
    const a = await api();
    await assert.rejects(a.train({ dataRoot, runsDir: path.join(WORKSPACE, '.brain-tumor', 'runs'), config }),
      (e: { code?: number; message: string }) => e.code === ErrorCodes.TrainingBusy && e.message.includes(started.runId));
  });

  it('cancels within a batch and keeps the finished epochs resumable', async () => {
    const a = await api();
    const ended = nextEvent(a, 'the end of the cancelled run', endOf(started.runId));
    await vscode.commands.executeCommand('brainTumor.cancelTraining');
    const end = await ended;
    assert.equal(end.outcome, 'cancelled', end.message);
    assert.ok(end.epochsRun >= 1 && end.epochsRun < 6, `epochs run: ${end.epochsRun}`);
    for (const f of ['model.json', 'weights.bin', 'metadata.json', 'history.json', 'split.json', 'checkpoint/state.json', 'checkpoint/optimizer.bin']) {
      assert.ok(fs.existsSync(path.join(started.runDir, f)), `${f} is in the run folder`);
    }
    const meta = JSON.parse(fs.readFileSync(path.join(started.runDir, 'metadata.json'), 'utf8')) as { status: string; classes: string[]; dataset: { fingerprint: string } };
    assert.equal(meta.status, 'cancelled');
    assert.deepEqual(meta.classes, ['glioma', 'meningioma', 'notumor', 'pituitary']);
    assert.match(meta.dataset.fingerprint, /^[0-9a-f]{64}$/);
  });

  it('resumes from the last finished epoch and completes', async () => {
    const a = await api();
    const before = (JSON.parse(fs.readFileSync(path.join(started.runDir, 'history.json'), 'utf8')) as unknown[]).length;
    const resumedEpoch = nextEvent(a, 'an epoch of the resumed run', (e) => (e.kind === 'epoch' && e.epoch.runId === started.runId ? e.epoch : undefined));
    const ended = nextEvent(a, 'the end of the resumed run', endOf(started.runId), 180_000);
    const resumed = await vscode.commands.executeCommand<TrainStarted>('brainTumor.resumeTraining', started.runDir);
    assert.equal(resumed?.runId, started.runId);
    assert.equal(resumed.resumedFromEpoch, before);
    assert.equal((await resumedEpoch).stats.epoch, before, 'the first epoch after resuming is the one after the last finished');
    const end = await ended;
    assert.equal(end.outcome, 'completed', end.message);
    // A finished run is evaluated on the dataset's Testing split at once.
    assert.equal(end.evaluation?.official?.count, 12, JSON.stringify(end.evaluation));
    assert.ok(fs.existsSync(path.join(started.runDir, 'evaluation.json')));
    const history = JSON.parse(fs.readFileSync(path.join(started.runDir, 'history.json'), 'utf8')) as { epoch: number }[];
    assert.deepEqual(history.map((h) => h.epoch), [0, 1, 2, 3, 4, 5]);
    const state = await a.trainingState();
    assert.equal(state?.end?.outcome, 'completed');
    assert.equal(state?.history.length, 6);
  });
});

describe('Evaluation in VS Code', () => {
  it('Evaluate Model scores a trained run on both Testing splits and opens the Metrics panel', async () => {
    const runs = path.join(WORKSPACE, '.brain-tumor', 'runs');
    const runDir = fs.readdirSync(runs).map((d) => path.join(runs, d)).find((d) => fs.existsSync(path.join(d, 'model.json')));
    assert.ok(runDir, 'a trained run from the training tests');
    const report = await vscode.commands.executeCommand<EvaluationReport>('brainTumor.evaluateModel', { modelDir: runDir, tta: true });
    assert.ok(report, 'the command returns the report');
    assert.deepEqual(report.splits.map((s) => s.key), ['official', 'deduplicated']);
    assert.equal(report.splits[0]!.count, 12);
    for (const s of report.splits) {
      assert.equal(s.confusion.flat().reduce((a, b) => a + b, 0), s.count);
      assert.ok(s.tta, 'test-time augmentation is reported separately');
      assert.equal(s.perClass.length, 4);
    }
    const saved = JSON.parse(fs.readFileSync(path.join(runDir, 'evaluation.json'), 'utf8')) as EvaluationReport;
    assert.equal(saved.createdAt, report.createdAt, 'the report is saved with the run');
    const tabs = await tabsOnceOpen('Metrics');
    assert.ok(tabs.some((l) => l.startsWith('Metrics')), `a Metrics tab is open: ${tabs.join(', ')}`);
  });

});
