/**
 * Grad-CAM (server/infer/gradCam.ts) on the wasm engine the backend uses: a small convnet trained in seconds to
 * tell an 8x8 square from a 16x4 bar of the same brightness points at the square for "square" and at the bar
 * for "bar", in an image that holds both; explaining leaks no tensors; the product's model zoo is understood;
 * a model without a spatial feature map, or not a chain, gets an error that says so. Also the upsampling and
 * colouring helpers.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { seededRandom } from '../../server/data/splitDataset';
import { resolvePreference } from '../../server/engine/chooseBackend';
import { startEngine } from '../../server/engine/startEngine';
import { heatmapToRgba, prepareGradCam, upsampleHeatmap, type GradCam } from '../../server/infer/gradCam';
import { NO_AUGMENT } from '../../server/train/augment';
import { buildModel } from '../../server/train/models';
import { trainModel, type TrainData } from '../../server/train/trainer';

const WASM_DIR = path.resolve(__dirname, '../../../dist/wasm');
const SIZE = 32;
const BAR = 0, SQUARE = 1;

interface Box { x: number; y: number; w: number; h: number }
const boxOf = (kind: number, x: number, y: number): Box => (kind === SQUARE ? { x, y, w: 8, h: 8 } : { x, y, w: 16, h: 4 });

/** Dark noise (0..59) with bright (230) boxes drawn in. */
function drawImage(rand: () => number, boxes: Box[]): Uint8Array {
  const img = new Uint8Array(SIZE * SIZE);
  for (let i = 0; i < img.length; i++) img[i] = Math.floor(rand() * 60);
  for (const b of boxes) for (let y = b.y; y < b.y + b.h; y++) for (let x = b.x; x < b.x + b.w; x++) img[y * SIZE + x] = 230;
  return img;
}

/** Alternating bars and squares at random places: the same bright area, so only the shape tells them apart. */
function barsAndSquares(count: number, seed: number): TrainData {
  const rand = seededRandom(seed);
  const pixels = new Uint8Array(count * SIZE * SIZE);
  const labels = new Int32Array(count);
  for (let n = 0; n < count; n++) {
    const kind = n % 2;
    const b = boxOf(kind, 0, 0);
    b.x = Math.floor(rand() * (SIZE - b.w + 1));
    b.y = Math.floor(rand() * (SIZE - b.h + 1));
    pixels.set(drawImage(rand, [b]), n * SIZE * SIZE);
    labels[n] = kind;
  }
  return { pixels, labels, count };
}

/** conv-pool-conv-pool-conv (an 8x8 map at 32 px), global average pooling, softmax: a chain like ours. */
function shapeClassifier(): tfl.LayersModel {
  const init = (k: number) => tfl.initializers.glorotUniform({ seed: 100 + k });
  const input = tfl.input({ shape: [SIZE, SIZE, 1] });
  let x = input;
  [8, 16, 16].forEach((filters, i) => {
    if (i > 0) x = tfl.layers.maxPooling2d({ poolSize: 2 }).apply(x) as tfl.SymbolicTensor;
    x = tfl.layers.conv2d({ filters, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(i), name: `conv${i}` })
      .apply(x) as tfl.SymbolicTensor;
  });
  x = tfl.layers.globalAveragePooling2d({}).apply(x) as tfl.SymbolicTensor;
  const out = tfl.layers.dense({ units: 2, activation: 'softmax', kernelInitializer: init(9) }).apply(x) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out });
}

const toInput = (img: Uint8Array) => tf.tensor4d(Float32Array.from(img, (v) => v / 255), [1, SIZE, SIZE, 1]);

/** The input pixel at the centre of the map's hottest cell. */
function peakOf(r: { width: number; height: number; values: Float32Array }): { x: number; y: number } {
  let best = 0;
  r.values.forEach((v, i) => { if (v > r.values[best]!) best = i; });
  return { x: ((best % r.width) + 0.5) * (SIZE / r.width), y: (Math.floor(best / r.width) + 0.5) * (SIZE / r.height) };
}

/** Inside the box, give or take `margin` pixels. */
const inside = (p: { x: number; y: number }, b: Box, margin: number) =>
  p.x >= b.x - margin && p.x <= b.x + b.w + margin && p.y >= b.y - margin && p.y <= b.y + b.h + margin;

describe('Grad-CAM', () => {
  let model: tfl.LayersModel;
  let cam: GradCam;

  before(async () => {
    await startEngine({ preference: resolvePreference({ flag: 'wasm' }), threads: 0, wasmDir: WASM_DIR });
    model = shapeClassifier();
    const t0 = performance.now();
    const outcome = await trainModel(model, barsAndSquares(192, 1), barsAndSquares(48, 2), {
      size: SIZE, channels: 1, classes: 2, epochs: 8, batchSize: 16, learningRate: 1e-2,
      augment: NO_AUGMENT, seed: 5, patience: 0, classWeights: false, labelSmoothing: 0,
    });
    const best = outcome.history[outcome.bestEpoch]!;
    // The map is only meaningful for a model that learnt the task.
    assert.ok(best.valAcc >= 0.95, `validation accuracy ${best.valAcc} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    cam = prepareGradCam(model);
  });

  it('on a model trained to respond to a bright square, the heat-map peak falls inside the square', () => {
    assert.equal(cam.layer, 'conv2');
    // The square and a bar (the other class) in one image, in several arrangements.
    const scenes: [Box, Box][] = [
      [boxOf(SQUARE, 3, 20), boxOf(BAR, 14, 4)],
      [boxOf(SQUARE, 21, 2), boxOf(BAR, 2, 24)],
      [boxOf(SQUARE, 12, 12), boxOf(BAR, 1, 1)],
    ];
    const cell = SIZE / 8;
    scenes.forEach(([square, bar], k) => {
      const x = toInput(drawImage(seededRandom(50 + k), [square, bar]));
      const forSquare = cam.explain(x, SQUARE), forBar = cam.explain(x, BAR);
      x.dispose();
      assert.deepEqual([forSquare.width, forSquare.height, forSquare.layer, forSquare.classIndex], [8, 8, 'conv2', SQUARE]);
      assert.equal(Math.max(...forSquare.values), 1);
      assert.ok(forSquare.values.every((v) => v >= 0 && v <= 1));
      const p = peakOf(forSquare), q = peakOf(forBar);
      assert.ok(inside(p, square, cell), `scene ${k}: square peak at (${p.x}, ${p.y}), square ${JSON.stringify(square)}`);
      assert.ok(inside(q, bar, cell), `scene ${k}: bar peak at (${q.x}, ${q.y}), bar ${JSON.stringify(bar)}`);
    });
  });

  it('leaks no tensors over 20 explanations, and leaves the model intact', () => {
    const x = toInput(drawImage(seededRandom(9), [boxOf(SQUARE, 5, 5)]));
    const predict = () => tf.tidy(() => (model.predict(x) as tf.Tensor).dataSync().slice());
    const expected = predict();
    cam.explain(x, SQUARE); // warm-up: anything created once per model is not a leak
    const count = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) cam.explain(x, i % 2);
    assert.equal(tf.memory().numTensors, count);
    assert.deepEqual(predict(), expected);
    x.dispose();
  });

  it('rejects an image of the wrong shape and a class the model does not have', () => {
    const wrong = tf.zeros<tf.Rank.R4>([1, 16, 16, 1]);
    assert.throws(() => cam.explain(wrong, 0), /one image shaped \[1, 32, 32, 1\]; got \[1, 16, 16, 1\]/);
    wrong.dispose();
    const x = tf.zeros<tf.Rank.R4>([1, SIZE, SIZE, 1]);
    assert.throws(() => cam.explain(x, 2), /class index 2 is out of range \(the model has 2 classes\)/);
    x.dispose();
  });

  it('explains the model zoo at the last map before the final pooling (twice its resolution), without leaks', () => {
    for (const name of ['seed-cnn', 'compact'] as const) {
      const m = buildModel({ name, inputSize: 64, channels: 1, classes: 4, seed: 1 });
      const gc = prepareGradCam(m);
      const x = tf.randomUniform<tf.Rank.R4>([1, 64, 64, 1], 0, 1, 'float32', 3);
      const count = tf.memory().numTensors;
      for (let c = 0; c < 4; c++) {
        const r = gc.explain(x, c);
        assert.deepEqual([r.width, r.height], [4, 4], name);
        assert.ok(r.values.every((v) => v >= 0 && v <= 1 && Number.isFinite(v)), name);
      }
      assert.equal(tf.memory().numTensors, count, name);
      assert.match(gc.layer, name === 'seed-cnn' ? /^conv2d/ : /^re_lu/, name);
      x.dispose();
      m.dispose();
    }
  });

  it('explains a residual network (resnet) at the output of its last block, without leaks', () => {
    const m = buildModel({ name: 'resnet', inputSize: 128, channels: 1, classes: 4, seed: 1 });
    const gc = prepareGradCam(m);
    assert.match(gc.layer, /^re_lu/, 'the ReLU after the last residual Add: every path to the output goes through it');
    const x = tf.randomUniform<tf.Rank.R4>([1, 128, 128, 1], 0, 1, 'float32', 3);
    gc.explain(x, 0);
    const count = tf.memory().numTensors;
    for (let c = 0; c < 4; c++) {
      const r = gc.explain(x, c);
      assert.deepEqual([r.width, r.height], [4, 4]);
      assert.ok(r.values.every((v) => v >= 0 && v <= 1 && Number.isFinite(v)));
    }
    assert.equal(tf.memory().numTensors, count);
    x.dispose();
    m.dispose();
  });

  it('explains why it cannot handle a model without a spatial feature map, and explains a branching one at its merge', () => {
    const input = tfl.input({ shape: [16] });
    const dense = tfl.layers.dense({ units: 3, activation: 'softmax' }).apply(input) as tfl.SymbolicTensor;
    assert.throws(() => prepareGradCam(tfl.model({ inputs: input, outputs: dense, name: 'flat' })),
      /model "flat" has no layer with a 4-D output larger than 1x1/);

    const img = tfl.input({ shape: [8, 8, 1] });
    const a = tfl.layers.conv2d({ filters: 2, kernelSize: 3, padding: 'same' }).apply(img) as tfl.SymbolicTensor;
    const b = tfl.layers.conv2d({ filters: 2, kernelSize: 1 }).apply(img) as tfl.SymbolicTensor;
    const joined = tfl.layers.concatenate().apply([a, b]) as tfl.SymbolicTensor;
    const head = tfl.layers.dense({ units: 2 }).apply(tfl.layers.flatten().apply(joined)) as tfl.SymbolicTensor;
    const branchy = prepareGradCam(tfl.model({ inputs: img, outputs: head, name: 'branchy' }));
    assert.match(branchy.layer, /^concatenate/, 'the merge is the last point every path goes through');
    const x = tf.zeros<tf.Rank.R4>([1, 8, 8, 1]);
    assert.deepEqual([branchy.explain(x, 0).width, branchy.explain(x, 0).height], [8, 8]);
    x.dispose();
  });
});

describe('heat-map helpers', () => {
  it('upsamples bilinearly with each cell centred on its tile', () => {
    assert.deepEqual([...upsampleHeatmap(Float32Array.of(0, 1), 2, 1, 4, 1)], [0, 0.25, 0.75, 1]);
    const map = Float32Array.of(0.1, 0.2, 0.3, 0.4, 0.5, 0.6);
    assert.deepEqual(upsampleHeatmap(map, 3, 2, 3, 2), map, 'the same size is a copy');
    // A single hot cell of a 4x4 map stays hottest over its own 8x8 tile of a 32x32 image.
    const hot = new Float32Array(16);
    hot[2 * 4 + 1] = 1;
    const up = upsampleHeatmap(hot, 4, 4, 32, 32);
    const peak = up.indexOf(Math.max(...up));
    assert.ok(peak % 32 >= 8 && peak % 32 < 16 && Math.floor(peak / 32) >= 16 && Math.floor(peak / 32) < 24);
    assert.throws(() => upsampleHeatmap(map, 2, 2, 4, 4), /6 values for a 2x2 map/);
  });

  it('colours a map from transparent blue to opaque red', () => {
    const rgba = heatmapToRgba(Float32Array.of(0, 0.5, 1), 0.8);
    assert.deepEqual([...rgba.subarray(0, 4)], [0, 0, 128, 0]);
    assert.deepEqual([...rgba.subarray(4, 8)], [128, 255, 128, 102]);
    assert.deepEqual([...rgba.subarray(8, 12)], [128, 0, 0, 204]);
  });
});
