/**
 * The partial-label loss for coarse "tumour, type unknown" labels, on hand-computed cases: its value, its gradient
 * (equal for every tumour type: it never prefers one type over another), label smoothing and class weights, a
 * batch mixing fine and coarse labels, the accuracy it reports, no tensor left behind; and a short training on
 * generated fine + coarse data that learns both tumour vs none and the types.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { COARSE_INDEX } from '../../server/data/classNames';
import { seededRandom } from '../../server/data/splitDataset';
import { resolvePreference } from '../../server/engine/chooseBackend';
import { startEngine } from '../../server/engine/startEngine';
import { NO_AUGMENT } from '../../server/train/augment';
import { buildModel } from '../../server/train/models';
import { encodeTargets, partialLabelAccuracy, partialLabelLoss } from '../../server/train/partialLabelLoss';
import { classWeightsOf, trainModel, type TrainData } from '../../server/train/trainer';

const WASM_DIR = path.resolve(__dirname, '../../../dist/wasm');
// Class order: glioma, meningioma, notumor, pituitary.
const P = [0.1, 0.2, 0.6, 0.1];
const close = (a: number, b: number, tol = 1e-5) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

async function lossOf(labels: number[], probs: number[][], smoothing = 0, weights?: number[]): Promise<number[]> {
  const y = tf.tensor2d(encodeTargets(labels, { smoothing, weights }), [labels.length, 4]);
  const p = tf.tensor2d(probs);
  const l = partialLabelLoss(y, p);
  const out = Array.from(await l.data());
  tf.dispose([y, p, l]);
  return out;
}

// One engine for the file: with a second startEngine in the other suite's hook the training test hung (seen twice;
// the cause is not known: two calls in a row alone are fine).
before(async () => {
  await startEngine({ preference: resolvePreference({ flag: 'wasm' }), threads: 0, wasmDir: WASM_DIR });
});

describe('partialLabelLoss', () => {
  it('is cross-entropy for fine labels and -log P(tumour) for coarse ones', async () => {
    const [glioma, notumor, coarse] = await lossOf([0, 2, COARSE_INDEX], [P, P, P]);
    close(glioma!, -Math.log(0.1));
    close(notumor!, -Math.log(0.6));
    close(coarse!, -Math.log(0.1 + 0.2 + 0.1));
  });

  it('does not care how the tumour probability is shared between the types', async () => {
    const [a, b, c] = await lossOf([COARSE_INDEX, COARSE_INDEX, COARSE_INDEX], [P, [0.38, 0.01, 0.6, 0.01], [0, 0, 0.6, 0.4]]);
    close(a!, b!);
    close(a!, c!);
  });

  it('has the same gradient for every tumour type and none for notumor (in probability space)', async () => {
    const y = tf.tensor2d(encodeTargets([COARSE_INDEX], { smoothing: 0 }), [1, 4]);
    const g = tf.grad((p: tf.Tensor) => tf.sum(partialLabelLoss(y, p)))(tf.tensor2d([P]));
    const [dg, dm, dn, dp] = Array.from(await g.data());
    close(dg!, -1 / 0.4, 1e-4);
    close(dm!, dg!, 1e-6);
    close(dp!, dg!, 1e-6);
    close(dn!, 0);
    tf.dispose([y, g]);
  });

  it('through the softmax, the logit gradient is p_j - p_j / P(tumour) for the types and p_notumor for notumor', async () => {
    const logits = tf.tensor2d([[0.3, -0.2, 1.1, 0.4]]);
    const p = Array.from(await tf.softmax(logits).data());
    const pt = p[0]! + p[1]! + p[3]!;
    const y = tf.tensor2d(encodeTargets([COARSE_INDEX], { smoothing: 0 }), [1, 4]);
    const g = tf.grad((z: tf.Tensor) => tf.sum(partialLabelLoss(y, tf.softmax(z))))(logits);
    const got = Array.from(await g.data());
    [0, 1, 3].forEach((j) => close(got[j]!, p[j]! - p[j]! / pt, 1e-5));
    close(got[2]!, p[2]!, 1e-5);
    // The gradient is proportional to each type's probability: a step raises every type by the same factor.
    close(got[0]! / p[0]!, got[1]! / p[1]!, 1e-4);
    tf.dispose([logits, y, g]);
  });

  it('smooths a coarse label over the partition {tumour types, notumor}', async () => {
    const eps = 0.2;
    const [coarse, fine] = await lossOf([COARSE_INDEX, 1], [P, P], eps);
    close(coarse!, -(1 - eps / 4) * Math.log(0.4) - (eps / 4) * Math.log(0.6));
    close(fine!, -[0.1, 0.2, 0.6, 0.1].reduce((s, p, k) => s + ((k === 1 ? 1 - eps : 0) + eps / 4) * Math.log(p), 0));
  });

  it('weighs each row by its label group, in a batch mixing fine and coarse labels', async () => {
    const weights = [2, 1, 0.5, 1, 3];
    const mixed = await lossOf([0, COARSE_INDEX, 2, COARSE_INDEX], [P, P, P, [0.7, 0.1, 0.1, 0.1]], 0, weights);
    close(mixed[0]!, 2 * -Math.log(0.1));
    close(mixed[1]!, 3 * -Math.log(0.4));
    close(mixed[2]!, 0.5 * -Math.log(0.6));
    close(mixed[3]!, 3 * -Math.log(0.9));
  });

  it('counts a coarse label as hit when any tumour type is the most likely class', async () => {
    const y = tf.tensor2d(encodeTargets([COARSE_INDEX, COARSE_INDEX, 2, 1], { smoothing: 0.1, weights: [1, 1, 1, 1, 4] }), [4, 4]);
    const p = tf.tensor2d([[0.1, 0.5, 0.3, 0.1], P, P, P]);
    const acc = partialLabelAccuracy(y, p);
    assert.deepEqual(Array.from(await acc.data()), [1, 0, 1, 0]);
    tf.dispose([y, p, acc]);
  });

  it('leaves no tensor behind', async () => {
    const before = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) await lossOf([0, COARSE_INDEX], [P, P], 0.05);
    assert.equal(tf.memory().numTensors, before);
  });

  it('rejects a label index that is neither a class nor the coarse label', () => {
    assert.throws(() => encodeTargets([7], { smoothing: 0 }), /neither a class/);
  });
});

describe('classWeightsOf with coarse labels', () => {
  it('makes the coarse label a group of its own, each group carrying the same total weight', () => {
    // 8 images: 2 glioma, 2 notumor, 4 coarse; meningioma and pituitary absent.
    const labels = Int32Array.from([0, 0, 2, 2, 4, 4, 4, 4]);
    const w = classWeightsOf(labels, 4);
    assert.deepEqual(w, [8 / 10, 1, 8 / 10, 1, 8 / 20]);
  });
  it('is unchanged for fine labels only', () => {
    assert.deepEqual(classWeightsOf(Int32Array.from([0, 0, 0, 1]), 3), [4 / 9, 4 / 3, 1]);
  });
});

/**
 * Generated slices: notumor shows nothing, the three tumour types a square, a horizontal or a vertical bar.
 * `coarseShare` of the tumour images carry only the coarse label.
 */
function fineAndCoarse(count: number, seed: number, coarseShare: number): TrainData & { types: Int32Array } {
  const S = 32;
  const rand = seededRandom(seed);
  const pixels = new Uint8Array(count * S * S);
  const labels = new Int32Array(count);
  const types = new Int32Array(count);
  for (let n = 0; n < count; n++) {
    const type = [0, 1, 2, 3][n % 4]!; // glioma square, meningioma h-bar, notumor nothing, pituitary v-bar
    types[n] = type;
    labels[n] = type !== 2 && rand() < coarseShare ? COARSE_INDEX : type;
    const img = pixels.subarray(n * S * S, (n + 1) * S * S);
    for (let i = 0; i < img.length; i++) img[i] = Math.floor(rand() * 60);
    const cx = 8 + Math.floor(rand() * 16), cy = 8 + Math.floor(rand() * 16);
    const [hw, hh] = type === 0 ? [4, 4] : type === 1 ? [7, 2] : type === 3 ? [2, 7] : [0, 0];
    for (let y = cy - hh; y < cy + hh; y++) for (let x = cx - hw; x < cx + hw; x++) img[y * S + x] = 230;
  }
  return { pixels, labels, count, types };
}

describe('training on fine + coarse labels', () => {
  it('learns tumour vs none from the coarse images and the types from the fine ones', async () => {
    // Two thirds of the tumour images have only the coarse label.
    const train = fineAndCoarse(128, 11, 2 / 3);
    const valAll = fineAndCoarse(64, 12, 0); // all fine: the truth for both questions
    const m = buildModel({ name: 'compact', inputSize: 32, channels: 1, classes: 4, seed: 5 });
    const before = tf.memory().numTensors;
    const outcome = await trainModel(m, train, valAll, {
      size: 32, channels: 1, classes: 4, epochs: 8, batchSize: 16, learningRate: 3e-3, augment: NO_AUGMENT, seed: 3,
      patience: 0, classWeights: true, labelSmoothing: 0.05,
    });
    assert.equal(outcome.end, 'completed');
    const x = tf.tidy(() => tf.div(tf.tensor4d(valAll.pixels, [valAll.count, 32, 32, 1], 'float32'), 255));
    const probs = m.predict(x) as tf.Tensor;
    const predicted = Array.from(await tf.argMax(probs, 1).data());
    tf.dispose([x, probs]);
    let detectHits = 0, typeHits = 0, tumours = 0;
    predicted.forEach((p, i) => {
      const t = valAll.types[i]!;
      if ((p === 2) === (t === 2)) detectHits++;
      if (t !== 2) { tumours++; if (p === t) typeHits++; }
    });
    const detection = detectHits / valAll.count, typeAcc = typeHits / tumours;
    assert.ok(detection >= 0.9, `tumour vs none ${detection} (history ${JSON.stringify(outcome.history.map((h) => h.valAcc))})`);
    assert.ok(typeAcc >= 0.5, `type accuracy among tumours ${typeAcc} (chance 1/3)`);
    m.dispose();
    assert.ok(tf.memory().numTensors <= before, 'training leaves no tensor behind');
  });

  it('trains a usable detector from yes/no data alone (every tumour coarse)', async () => {
    const train = fineAndCoarse(96, 21, 1);
    const val = fineAndCoarse(48, 22, 1);
    const m = buildModel({ name: 'compact', inputSize: 32, channels: 1, classes: 4, seed: 6 });
    const outcome = await trainModel(m, train, val, {
      size: 32, channels: 1, classes: 4, epochs: 6, batchSize: 16, learningRate: 3e-3, augment: NO_AUGMENT, seed: 4,
      patience: 0, classWeights: false, labelSmoothing: 0.05,
    });
    // Validation accuracy on coarse labels is tumour vs none (any tumour type counts for a coarse image).
    const best = outcome.history[outcome.bestEpoch]!.valAcc;
    assert.ok(best >= 0.9, `tumour vs none on yes/no validation: ${best}`);
    m.dispose();
  });
});
