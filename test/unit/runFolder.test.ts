/**
 * Run folders and training settings: a saved model loads back with identical outputs, corrupt or missing files
 * give errors that name the file, the checkpoint survives a crash between its renames, settings are validated
 * with messages naming the setting, and the CLI's progress text reads well.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { resolvePreference } from '../../server/engine/chooseBackend';
import { startEngine } from '../../server/engine/startEngine';
import { buildModel } from '../../server/train/models';
import { createRunDir, hasCheckpoint, readCheckpoint, runSummary, saveCheckpoint } from '../../server/train/runFolder';
import { loadModel, saveModel } from '../../server/model/modelFiles';
import { DEFAULT_TRAIN_CONFIG, resolveTrainConfig } from '../../server/train/trainConfig';
import { checkTopology } from '../../server/model/topologyCheck';
import { formatTrainEnd, progressBar } from '../../server/cli/trainProgressText';
import { formatDuration } from '../../server/numberFormat';
import { parseFromTrainingView } from '../../extension/panels/trainingMessages';

const WASM_DIR = path.resolve(__dirname, '../../../dist/wasm');

describe('run folders', () => {
  let tmp: string;
  before(async () => {
    await startEngine({ preference: resolvePreference({ flag: 'wasm' }), threads: 0, wasmDir: WASM_DIR });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bt-run-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('creates unique run folders named by date and model', () => {
    const now = new Date('2026-11-30T10:20:30Z');
    const a = createRunDir(tmp, 'compact', now), b = createRunDir(tmp, 'compact', now);
    assert.equal(a.runId, '2026-11-30_10-20-30-compact');
    assert.equal(b.runId, '2026-11-30_10-20-30-compact-2');
    assert.ok(fs.statSync(b.runDir).isDirectory());
  });

  it('saves a model that loads back with identical predictions (seeded dropout layer included)', async () => {
    const dir = path.join(tmp, 'm1');
    const model = buildModel({ name: 'seed-cnn', inputSize: 64, channels: 1, classes: 4, seed: 1 });
    await saveModel(model, dir);
    const loaded = await loadModel(dir);
    const x = tf.randomUniform([2, 64, 64, 1], 0, 1, 'float32', 3);
    const [p, q] = [model.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor];
    assert.deepEqual(Array.from(await q.data()), Array.from(await p.data()));
    tf.dispose([x, p, q]);
    model.dispose();
    loaded.dispose();
  });

  it('names the file and the problem when a model folder is broken', async () => {
    const dir = path.join(tmp, 'm2');
    const model = buildModel({ name: 'compact', inputSize: 32, channels: 1, classes: 4 });
    await saveModel(model, dir);
    model.dispose();
    const weights = path.join(dir, 'weights.bin');
    fs.writeFileSync(weights, fs.readFileSync(weights).subarray(0, 100));
    await assert.rejects(loadModel(dir), /weights in .* are corrupt: 100 bytes, the manifest needs \d+/);
    fs.rmSync(weights);
    await assert.rejects(loadModel(dir), /weights file .*weights\.bin is missing/);
    fs.writeFileSync(path.join(dir, 'model.json'), '{"modelTopology": ');
    await assert.rejects(loadModel(dir), /model file is not valid JSON/);
    await assert.rejects(loadModel(path.join(tmp, 'none')), /model file is missing/);
  });

  it('refuses a manifest whose paths are not a list, and a weights file that links out of the model folder', async () => {
    const dir = path.join(tmp, 'm3');
    const model = buildModel({ name: 'compact', inputSize: 32, channels: 1, classes: 4 });
    await saveModel(model, dir);
    model.dispose();
    const jsonFile = path.join(dir, 'model.json');
    const json = JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as { weightsManifest: { paths: unknown }[] };
    json.weightsManifest[0]!.paths = 'weights.bin';
    fs.writeFileSync(jsonFile, JSON.stringify(json));
    await assert.rejects(loadModel(dir), /model\.json: weightsManifest\[0\]\.paths must be a list of file names, got "weights\.bin"/);
    json.weightsManifest[0]!.paths = ['weights.bin'];
    fs.writeFileSync(jsonFile, JSON.stringify(json));
    const outside = path.join(tmp, 'elsewhere.bin');
    fs.renameSync(path.join(dir, 'weights.bin'), outside);
    fs.symlinkSync(outside, path.join(dir, 'weights.bin'));
    await assert.rejects(loadModel(dir), /weights file .*weights\.bin links outside the model folder/);
  });

  it('checks a model.json against its manifest before tfjs allocates anything (issue 13, item 8)', async () => {
    // Every model of the zoo, and the bundled model, passes with its own manifest.
    for (const name of ['resnet', 'seed-cnn', 'compact'] as const) {
      const dir = path.join(tmp, `topo-${name}`);
      const model = buildModel({ name, inputSize: 64, channels: 1, classes: 4 });
      await saveModel(model, dir);
      const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8')) as { modelTopology: unknown; weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[] };
      assert.equal(checkTopology(json.modelTopology, json.weightsManifest[0]!.weights), model.countParams(), name);
      model.dispose();
    }
    const bundled = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../models/brain-tumor-cnn/model.json'), 'utf8')) as { modelTopology: unknown; weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[] };
    assert.ok(checkTopology(bundled.modelTopology, bundled.weightsManifest[0]!.weights) > 1e6);

    // A topology that claims a huge dense layer over the real (small) weights: refused, nothing allocated.
    const dir = path.join(tmp, 'topo-resnet');
    const file = path.join(dir, 'model.json');
    const original = fs.readFileSync(file, 'utf8');
    const edit = (f: (layers: { class_name: string; config: Record<string, unknown> }[], json: { weightsManifest: { weights: { name: string; shape: number[] }[] }[] }) => void) => {
      const json = JSON.parse(original) as { modelTopology: { config: { layers: { class_name: string; config: Record<string, unknown> }[] } }; weightsManifest: { weights: { name: string; shape: number[] }[] }[] };
      f(json.modelTopology.config.layers, json);
      fs.writeFileSync(file, JSON.stringify(json));
    };
    edit((layers) => { layers.find((l) => l.class_name === 'Dense')!.config.units = 60_000; });
    const bytes = tf.memory().numBytes, tensors = tf.memory().numTensors;
    await assert.rejects(loadModel(dir), /model\.json does not match its weights: layer dense_Dense\d+ needs dense_Dense\d+\/kernel of shape \[256,60000\]; the weights manifest has \[256,4\]/);
    edit((layers) => { layers.find((l) => l.class_name === 'Dense')!.config.units = 50_000_000; });
    await assert.rejects(loadModel(dir), /units must be a whole number from 1 to 65536, got 50000000/);
    assert.equal(tf.memory().numBytes, bytes);
    assert.equal(tf.memory().numTensors, tensors);
    edit((layers) => { layers[0]!.config.batch_input_shape = [null, 100000, 100000, 1]; });
    await assert.rejects(loadModel(dir), /input height must be a whole number from 1 to 1024, got 100000/);
    edit((layers) => { layers.find((l) => l.class_name === 'ReLU')!.class_name = 'Lambda'; });
    await assert.rejects(loadModel(dir), /is a Lambda, a layer type this product's models do not use/);
    fs.writeFileSync(file, original);
    const json = JSON.parse(original) as { modelTopology: unknown; weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[] };
    const specs = json.weightsManifest[0]!.weights;
    assert.throws(() => checkTopology(json.modelTopology, [...specs, { ...specs[0]!, name: 'stowaway/kernel' }]), /weights no layer uses: stowaway\/kernel/);
    (await loadModel(dir)).dispose();
  });

  it('swaps checkpoints whole, and reads the old one after a crash between the renames', async () => {
    const runDir = path.join(tmp, 'r1');
    fs.mkdirSync(runDir);
    assert.equal(hasCheckpoint(runDir), false);
    await assert.rejects(readCheckpoint(runDir), /no checkpoint to resume from/);
    const model = buildModel({ name: 'compact', inputSize: 32, channels: 1, classes: 4 });
    const opt = [{ name: 'iter', tensor: tf.scalar(7, 'int32') }, { name: 'm', tensor: tf.ones([3]) }];
    await saveCheckpoint(runDir, model, opt, { nextEpoch: 1, bestEpoch: 0, bestValLoss: 0.5 });
    await saveCheckpoint(runDir, model, opt, { nextEpoch: 2, bestEpoch: 1, bestValLoss: 0.4 });
    assert.deepEqual(fs.readdirSync(runDir).sort(), ['checkpoint', 'checkpoint.prev'], 'the epoch before is kept as a fallback');
    fs.rmSync(path.join(runDir, 'checkpoint.prev'), { recursive: true });
    fs.renameSync(path.join(runDir, 'checkpoint'), path.join(runDir, 'checkpoint.old')); // the crash (earlier versions' swap)
    const c = await readCheckpoint(runDir);
    assert.deepEqual(c.state, { nextEpoch: 2, bestEpoch: 1, bestValLoss: 0.4 });
    assert.deepEqual(c.optimizer.map((w) => w.name), ['iter', 'm']);
    assert.deepEqual(Array.from(await c.optimizer[1]!.tensor.data()), [1, 1, 1]);
    tf.dispose([...opt.map((w) => w.tensor), ...c.optimizer.map((w) => w.tensor)]);
    c.model.dispose();
    model.dispose();
  });

  it('passes over a damaged checkpoint to the epoch before, and says why a run cannot resume when none is intact', async () => {
    const runDir = path.join(tmp, 'r2');
    fs.mkdirSync(runDir);
    const model = buildModel({ name: 'compact', inputSize: 32, channels: 1, classes: 4 });
    await saveModel(model, runDir);
    const now = new Date().toISOString();
    fs.writeFileSync(path.join(runDir, 'metadata.json'), JSON.stringify({
      format: 'brain-tumor-run', formatVersion: 1, runId: 'r2', createdAt: now, updatedAt: now, status: 'interrupted',
      dataset: { root: '/data', fingerprint: 'f', counts: { train: 1, val: 1 }, perClass: {} }, config: { ...DEFAULT_TRAIN_CONFIG, epochs: 5 },
      backend: { kind: 'wasm', threads: 1, simd: true }, bestEpoch: 1,
    }));
    fs.writeFileSync(path.join(runDir, 'history.json'), JSON.stringify([{ epoch: 0 }, { epoch: 1 }]));
    const opt = [{ name: 'iter', tensor: tf.scalar(7, 'int32') }];
    await saveCheckpoint(runDir, model, opt, { nextEpoch: 1, bestEpoch: 0, bestValLoss: 0.5 });
    await saveCheckpoint(runDir, model, opt, { nextEpoch: 2, bestEpoch: 1, bestValLoss: 0.4 });
    const weights = path.join(runDir, 'checkpoint', 'weights.bin');
    fs.writeFileSync(weights, fs.readFileSync(weights).subarray(0, 64)); // a damaged last checkpoint
    const c = await readCheckpoint(runDir);
    assert.equal(c.state.nextEpoch, 1, 'resumes from the epoch before');
    assert.deepEqual(c.problems, ['checkpoint: its weights.bin is truncated or damaged']);
    c.model.dispose();
    tf.dispose(c.optimizer.map((w) => w.tensor));
    assert.equal(runSummary(runDir).resumable, true);
    // With the fallback damaged too, the run is not resumable, and says why.
    fs.rmSync(path.join(runDir, 'checkpoint.prev', 'optimizer.bin'));
    const s = runSummary(runDir);
    assert.equal(s.resumable, false);
    assert.match(s.resumeProblem ?? '', /checkpoint is damaged \(checkpoint: its weights\.bin is truncated or damaged; checkpoint\.prev: a file is missing \(optimizer\.bin\)\)/);
    await assert.rejects(readCheckpoint(runDir), /cannot be resumed: its checkpoint is damaged/);
    // The CLI's end text no longer says "Resume with" for it.
    const end = { runId: 'r2', runDir, outcome: 'failed' as const, message: 'x', bestEpoch: -1, bestValAcc: null, epochsRun: 2, ms: 0 };
    const text = formatTrainEnd(end, [], { resumable: s.resumable, problem: s.resumeProblem });
    assert.match(text, /Not resumable: its checkpoint is damaged/);
    assert.doesNotMatch(text, /Resume with/);
    tf.dispose(opt.map((w) => w.tensor));
    model.dispose();
  });
});

describe('training settings', () => {
  it('fills in the defaults and keeps what is given', () => {
    assert.deepEqual(resolveTrainConfig(undefined), DEFAULT_TRAIN_CONFIG);
    const c = resolveTrainConfig({ model: 'seed-cnn', epochs: 3, augment: { rotateDeg: 5 } });
    assert.equal(c.model, 'seed-cnn');
    assert.equal(c.epochs, 3);
    assert.equal(c.augment.rotateDeg, 5);
    assert.equal(c.augment.flip, DEFAULT_TRAIN_CONFIG.augment.flip);
    assert.equal(resolveTrainConfig({ augment: false }).augment.rotateDeg, 0);
  });

  it('rejects bad values naming the setting, the range and the value', () => {
    const cases: [unknown, RegExp][] = [
      [{ epochs: 0 }, /epochs must be an integer from 1 to 1000; got 0/],
      [{ epochs: 2.5 }, /epochs must be an integer/],
      [{ learningRate: 'fast' }, /learningRate must be a number from 0.000001 to 1; got "fast"/],
      [{ model: 'resnet50' }, /model must be one of resnet, seed-cnn, compact; got "resnet50"/],
      [{ channels: 2 }, /channels must be 1 \(greyscale\) or 3 \(RGB\)/],
      [{ epochz: 3 }, /unknown setting "epochz"/],
      [{ augment: { spin: 1 } }, /unknown augment setting "spin"/],
      [{ augment: { zoom: 2 } }, /augment.zoom must be a number from 0 to 0.5; got 2/],
      [[], /config must be an object/],
      // Inherited names are not settings (an `in` check let them through).
      [{ constructor: 1 }, /unknown setting "constructor"/],
      [{ toString: 'x' }, /unknown setting "toString"/],
      [{ augment: { hasOwnProperty: true } }, /unknown augment setting "hasOwnProperty"/],
    ];
    for (const [raw, re] of cases) assert.throws(() => resolveTrainConfig(raw), re, JSON.stringify(raw));
  });
});

describe('training text and messages', () => {
  it('formats durations and a progress bar that fits the terminal', () => {
    assert.equal(formatDuration(75), '1:15');
    assert.equal(formatDuration(3725), '1:02:05');
    assert.equal(formatDuration(null), '--:--');
    const line = progressBar({ runId: 'r', phase: 'training', epoch: 2, epochs: 30, batch: 76, batches: 152, loss: 0.5321, acc: 0.812, imgPerSec: 21.4, etaSec: 754 }, 100);
    assert.match(line, /^epoch 3\/30 \[#+\.+\] 76\/152 loss 0\.532 acc 81\.2% 21\.4 img\/s ETA 12:34$/);
    assert.ok(line.length <= 100, `${line.length} columns`);
  });

  it('accepts only well-formed Training panel messages', () => {
    assert.deepEqual(parseFromTrainingView({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parseFromTrainingView({ type: 'cancel', runId: 'r1' }), { type: 'cancel', runId: 'r1' });
    assert.deepEqual(parseFromTrainingView({ type: 'resume', runDir: '/w/runs/r1' }), { type: 'resume', runDir: '/w/runs/r1' });
    assert.deepEqual(parseFromTrainingView({ type: 'showMetrics', runDir: '/w/runs/r1' }), { type: 'showMetrics', runDir: '/w/runs/r1' });
    for (const bad of [null, 'ready', { type: 'cancel' }, { type: 'resume', runDir: 'relative/dir' }, { type: 'openFolder', runDir: '/a\0b' }, { type: 'eval' }]) {
      assert.equal(parseFromTrainingView(bad), undefined, JSON.stringify(bad));
    }
  });
});
