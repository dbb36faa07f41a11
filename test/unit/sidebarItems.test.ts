/** The sidebar's pure parts: run records read from run folders on disk, how items are drawn, the context keys, the training status text. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { isReadable, readRunRecord, runRecordFrom, type RunProbe, type RunRecord } from '../../extension/views/runRecords';
import { contextKeys, datasetItemView, modelItemView, runItemView, runLabel, trainingStatusText, unreadableItemView } from '../../extension/views/treeItemViews';

const probe = (live: boolean, files: string[] = []): RunProbe => ({ lockIsLive: () => live, exists: (f) => files.some((x) => f.endsWith(x)) });

const meta = (over: Record<string, unknown> = {}) => ({
  format: 'brain-tumor-run', formatVersion: 1, runId: '2026-12-04-resnet', createdAt: '2026-12-04T10:00:00Z', updatedAt: '2026-12-04T10:05:00Z',
  status: 'completed', config: { model: 'resnet', epochs: 3 }, dataset: { root: '/data/kaggle' }, bestValAcc: 0.8123,
  evaluation: { official: { accuracy: 0.9012 }, deduplicated: { accuracy: 0.88 }, at: 'x' }, ...over,
});

const record = (over: Partial<RunRecord> = {}): RunRecord => ({
  runDir: '/runs/r1', runId: 'r1', state: 'completed', model: 'resnet', epochsDone: 3, epochs: 3, bestValAcc: 0.8, testAcc: null, dedupAcc: null,
  createdAt: '', updatedAt: '', dataRoots: ['/data'], resumable: false, hasModel: true, ...over,
});

describe('run records from run folders', () => {
  it('reads status, epochs, accuracies and data folders from metadata.json and history.json', () => {
    const r = runRecordFrom('/runs/a', meta(), [{}, {}, {}], undefined, probe(false, ['/runs/a/model.json']));
    assert.ok(isReadable(r));
    assert.deepEqual({ state: r.state, epochsDone: r.epochsDone, epochs: r.epochs, best: r.bestValAcc, test: r.testAcc, dedup: r.dedupAcc, roots: r.dataRoots, resumable: r.resumable, model: r.hasModel },
      { state: 'completed', epochsDone: 3, epochs: 3, best: 0.8123, test: 0.9012, dedup: 0.88, roots: ['/data/kaggle'], resumable: false, model: true });
  });

  it('a "running" run whose trainer is gone is interrupted, and resumable with a checkpoint', () => {
    const lock = { pid: 123, host: 'here', startedAt: '' };
    const gone = runRecordFrom('/runs/a', meta({ status: 'running' }), [{}], lock, probe(false, ['checkpoint/state.json']));
    assert.ok(isReadable(gone));
    assert.equal(gone.state, 'interrupted');
    assert.equal(gone.resumable, true);
    const live = runRecordFrom('/runs/a', meta({ status: 'running' }), [{}], lock, probe(true, ['checkpoint/state.json']));
    assert.ok(isReadable(live));
    assert.equal(live.state, 'running');
    assert.equal(live.resumable, false, 'a run that trains now is not offered for resuming');
    const noLock = runRecordFrom('/runs/a', meta({ status: 'running' }), [], undefined, probe(true));
    assert.ok(isReadable(noLock) && noLock.state === 'interrupted' && !noLock.resumable, 'no checkpoint: nothing to resume');
  });

  it('cancelled with the previous checkpoint only is resumable; finished runs never are', () => {
    const c = runRecordFrom('/r', meta({ status: 'cancelled' }), [{}], undefined, probe(false, ['checkpoint.prev/state.json']));
    assert.ok(isReadable(c) && c.resumable);
    const done = runRecordFrom('/r', meta({ status: 'early-stopped' }), [{}], undefined, probe(false, ['checkpoint/state.json']));
    assert.ok(isReadable(done) && !done.resumable);
  });

  it('lists every source of a several-source run', () => {
    const r = runRecordFrom('/r', meta({ sources: [{ root: '/a' }, { root: '/b' }, { nope: 1 }] }), [], undefined, probe(false));
    assert.ok(isReadable(r));
    assert.deepEqual(r.dataRoots, ['/a', '/b']);
  });

  it('turns folders it cannot read into an error, never a throw', () => {
    for (const bad of [null, 7, [], {}, meta({ format: 'other' }), meta({ status: 'weird' }), meta({ config: {} })]) {
      const r = runRecordFrom('/r', bad, undefined, undefined, probe(false));
      assert.ok(!isReadable(r), JSON.stringify(bad));
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bt-runrec-'));
    try {
      fs.writeFileSync(path.join(dir, 'metadata.json'), '{ not json');
      const r = readRunRecord(dir);
      assert.ok(!isReadable(r) && /metadata\.json/.test(r.error));
      fs.writeFileSync(path.join(dir, 'metadata.json'), JSON.stringify(meta()));
      fs.writeFileSync(path.join(dir, 'history.json'), JSON.stringify([{ epoch: 0 }, { epoch: 1 }]));
      fs.writeFileSync(path.join(dir, 'model.json'), '{}');
      const ok = readRunRecord(dir);
      assert.ok(isReadable(ok) && ok.epochsDone === 2 && ok.hasModel);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('sidebar items', () => {
  it('a run shows its status, best validation and Testing accuracy, and a context value starting with run.<status>', () => {
    const v = runItemView(record({ testAcc: 0.9, bestValAcc: 0.81 }), false);
    assert.equal(v.label, 'r1');
    assert.equal(v.description, 'val 81.0% · test 90.0% · completed', 'a finished run: its figures first, where a narrow sidebar does not cut them');
    assert.equal(v.contextValue, 'run.completed.model');
    assert.equal(v.icon, 'pass');
    assert.ok(v.tooltip.some((l) => l.includes('resnet, 3 of 3 epochs')) && v.tooltip.includes('/runs/r1'));
  });

  it('names a run by its date, time and model without the year', () => {
    assert.equal(runLabel('2026-12-04_11-33-21-resnet'), '12-04 11:33:21 resnet');
    assert.equal(runLabel('2026-12-04_11-33-21-seed-cnn'), '12-04 11:33:21 seed-cnn');
    assert.equal(runLabel('my-run'), 'my-run');
  });

  it('a cancelled run that can be resumed says how far it got, and carries .resumable', () => {
    const v = runItemView(record({ state: 'cancelled', epochsDone: 1, resumable: true }), true);
    assert.equal(v.contextValue, 'run.cancelled.resumable.model');
    assert.match(v.description, /^val 80\.0% · cancelled 1\/3 · active$/);
    assert.ok(v.tooltip[0]!.includes('can be resumed'));
    assert.equal(runItemView(record({ state: 'running', epochsDone: 0, bestValAcc: null, hasModel: false }), false).contextValue, 'run.running');
    assert.equal(runItemView(record({ state: 'running', epochsDone: 2, bestValAcc: 0.5 }), false).description, 'training 2/3 · val 50.0%', 'a live run: its progress first');
    assert.equal(runItemView(record({ state: 'running' }), false).icon, 'sync~spin');
    assert.equal(unreadableItemView('/runs/x', 'bad').contextValue, 'run.unreadable');
  });

  it('models: the active one is marked, the bundled one named', () => {
    const b = modelItemView('bundled', '/ext/models/brain-tumor-cnn', true, 0.95);
    assert.equal(b.label, 'Bundled model');
    assert.equal(b.contextValue, 'model.bundled.active');
    assert.match(b.description, /^active · test 95\.0%/);
    assert.equal(modelItemView('run', '/runs/r1', false, null).contextValue, 'model.run');
    assert.equal(modelItemView('run', '/runs/r1', false, null, 0.5).description, 'val 50.0%', 'not evaluated: the validation accuracy');
    assert.equal(modelItemView('run', '/runs/r1', false, 0.9, 0.5).description, 'test 90.0%');
    assert.equal(modelItemView('folder', '/m/export', false, null).label, 'export');
  });

  it('datasets: counts of the last scan, or that it was not scanned', () => {
    assert.equal(datasetItemView('/d/kaggle', undefined).description, 'not scanned yet');
    assert.equal(datasetItemView('/d/kaggle', { splits: [{ split: 'Training', usable: 5712 }, { split: 'Testing', usable: 1311 }], scannedAt: 'now' }).description,
      'Training 5712, Testing 1311');
  });
});

describe('context keys', () => {
  it('follow the backend, the live run and the runs on disk', () => {
    const none = contextKeys({ backendState: 'stopped', trainingLive: false, runs: [] });
    assert.deepEqual(none, { 'brainTumor.backendRunning': false, 'brainTumor.trainingRunning': false, 'brainTumor.hasResumableRun': false,
      'brainTumor.hasRuns': false, 'brainTumor.hasTrainedModel': false });
    const runs = [record({ state: 'cancelled', resumable: true, epochsDone: 1 })];
    const idle = contextKeys({ backendState: 'running', trainingLive: false, runs });
    assert.equal(idle['brainTumor.backendRunning'], true);
    assert.equal(idle['brainTumor.hasResumableRun'], true);
    assert.equal(idle['brainTumor.hasTrainedModel'], true);
    const busy = contextKeys({ backendState: 'running', trainingLive: true, runs });
    assert.equal(busy['brainTumor.trainingRunning'], true);
    assert.equal(busy['brainTumor.hasResumableRun'], false, 'one run at a time: nothing to resume while one trains');
  });
});

describe('training status bar text', () => {
  const progress = { runId: 'r', phase: 'training' as const, epoch: 1, epochs: 5, batch: 3, batches: 10, loss: 1, acc: 0.5, imgPerSec: 10, etaSec: 95 };
  it('says the epoch and the time left', () => {
    assert.equal(trainingStatusText({ progress }), '$(sync~spin) Epoch 2/5, ETA 1:35');
    assert.equal(trainingStatusText({ progress: { ...progress, etaSec: null } }), '$(sync~spin) Epoch 2/5');
    assert.equal(trainingStatusText({ progress: null }), '$(sync~spin) Training: loading images');
    assert.equal(trainingStatusText({ progress: { ...progress, phase: 'evaluating' } }), '$(sync~spin) Training: evaluating');
  });
});
