/**
 * The training loop on tiny generated data, on the wasm engine the backend uses: it learns (validation accuracy
 * clearly above chance in seconds, with only 6 steps an epoch: batch-norm statistics are refreshed before
 * validation), keeps the tensor count flat across epochs, stops within one batch when
 * cancelled, and a run resumed from an epoch's checkpoint ends with the same weights as the uninterrupted run.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { resolvePreference } from '../../server/engine/chooseBackend';
import { startEngine } from '../../server/engine/startEngine';
import { NO_AUGMENT } from '../../server/train/augment';
import { buildModel } from '../../server/train/models';
import { shapesData, SHAPES_SIZE as SIZE } from '../fixtures/shapes';
import { classWeightsOf, cosineLearningRate, trainModel, type EpochStats, type ResumeState, type TrainOptions } from '../../server/train/trainer';

const WASM_DIR = path.resolve(__dirname, '../../../dist/wasm');

const OPTS: TrainOptions = {
  size: SIZE, channels: 1, classes: 4, epochs: 6, batchSize: 16, learningRate: 3e-3,
  augment: NO_AUGMENT, seed: 7, patience: 0, classWeights: false, labelSmoothing: 0,
};

const model = () => buildModel({ name: 'compact', inputSize: SIZE, channels: 1, classes: 4, seed: 3 });

async function weightsOf(m: { getWeights(): tf.Tensor[] }): Promise<number[]> {
  const out: number[] = [];
  for (const w of m.getWeights()) for (const v of await w.data()) out.push(v);
  return out;
}

describe('trainModel', () => {
  before(async () => {
    await startEngine({ preference: resolvePreference({ flag: 'wasm' }), threads: 0, wasmDir: WASM_DIR });
  });

  it('learns the shapes, well above chance, with a flat tensor count', async () => {
    const train = shapesData(96, 1), val = shapesData(32, 2);
    const m = model();
    const counts: number[] = [];
    const t0 = performance.now();
    const outcome = await trainModel(m, train, val, OPTS, { onEpoch: () => { counts.push(tf.memory().numTensors); } });
    const seconds = (performance.now() - t0) / 1000;
    const last = outcome.history.at(-1)!;
    assert.equal(outcome.end, 'completed');
    assert.equal(outcome.history.length, 6);
    assert.ok(outcome.history[0]!.loss > last.loss, `training loss falls: ${outcome.history.map((h) => h.loss.toFixed(3)).join(' ')}`);
    const bestAcc = outcome.history[outcome.bestEpoch]!.valAcc;
    assert.ok(bestAcc >= 0.6, `validation accuracy ${bestAcc} at the best epoch (chance is 0.25); ${JSON.stringify(outcome.history)}`);
    // The tensor count after each epoch's callback: the same every epoch (the best-weights copy is replaced).
    assert.ok(counts.slice(1).every((c) => c === counts[1]), `tensors per epoch: ${counts.join(' ')}`);
    assert.ok(seconds < 60, `took ${seconds} s`);
    m.dispose();
  });

  it('stops within one batch when cancelled, and leaks nothing', async () => {
    const before = tf.memory().numTensors;
    const m = model();
    const withModel = tf.memory().numTensors;
    let batches = 0;
    const outcome = await trainModel(m, shapesData(64, 3), shapesData(16, 4), OPTS, {
      onBatch: () => { batches++; },
      isCancelled: () => batches >= 2,
    });
    assert.equal(outcome.end, 'cancelled');
    assert.equal(batches, 2);
    assert.equal(outcome.history.length, 0);
    assert.equal(tf.memory().numTensors, withModel);
    m.dispose();
    assert.equal(tf.memory().numTensors, before);
  });

  it('resumed from an epoch checkpoint, ends exactly where the uninterrupted run ends', async () => {
    const train = shapesData(48, 5), val = shapesData(16, 6);
    const opts = { ...OPTS, epochs: 3, augment: { ...NO_AUGMENT, flip: true, shift: 0.1 } };
    const full = model();
    await trainModel(full, train, val, opts);
    const expected = await weightsOf(full);
    full.dispose();

    // Run 1 stops after epoch 0 (as a crash would); the checkpoint copies what runFolder.ts would save.
    const first = model();
    let saved: ResumeState | undefined;
    await trainModel(first, train, val, { ...opts }, {
      onEpoch: (c) => {
        saved = {
          nextEpoch: c.stats.epoch + 1, history: [...c.history], bestEpoch: c.bestEpoch, bestValLoss: c.bestValLoss,
          bestWeights: null, optimizerWeights: c.optimizerWeights.map((w) => ({ name: w.name, tensor: tf.clone(w.tensor) })),
        };
      },
      isCancelled: () => saved !== undefined,
    });
    const lastWeights = first.getWeights().map((w) => tf.clone(w));
    first.dispose();
    assert.ok(saved);
    // The best-weights copy cannot be taken from the test's callback; a fresh copy of the last weights is as good
    // after epoch 0 (epoch 0 was the best so far).
    const resumed = model();
    resumed.setWeights(lastWeights);
    saved.bestWeights = lastWeights;
    const outcome = await trainModel(resumed, train, val, opts, {}, saved);
    tf.dispose(saved.optimizerWeights.map((w) => w.tensor));
    assert.equal(outcome.history.length, 3);
    const got = await weightsOf(resumed);
    resumed.dispose();
    const maxDiff = got.reduce((m, v, i) => Math.max(m, Math.abs(v - expected[i]!)), 0);
    assert.ok(maxDiff < 1e-5, `weights differ by ${maxDiff}`);
  });

  it('with the recipe (resnet, AdamW, warm-up cosine, EMA, intensity augmentation) learns, and resumes bit for bit', async () => {
    const train = shapesData(96, 11), val = shapesData(32, 12);
    const recipe: TrainOptions = { ...OPTS, epochs: 4, learningRate: 2e-3, weightDecay: 0.05, schedule: 'warmup-cosine', warmupEpochs: 1, ema: 0.9,
      augment: { ...NO_AUGMENT, flip: true, gamma: 0.3, noise: 0.02, blur: 1, lowRes: 0.3, biasField: 0.2 } };
    const resnet = () => buildModel({ name: 'resnet', inputSize: SIZE, channels: 1, classes: 4, seed: 3 });
    const full = resnet();
    const counts: number[] = [];
    const outcome = await trainModel(full, train, val, recipe, { onEpoch: () => { counts.push(tf.memory().numTensors); } });
    const bestAcc = outcome.history[outcome.bestEpoch]!.valAcc;
    assert.ok(bestAcc >= 0.6, `validation accuracy ${bestAcc} at the best epoch (chance 0.25); ${JSON.stringify(outcome.history)}`);
    assert.ok(counts.slice(1).every((c) => c === counts[1]), `tensors per epoch: ${counts.join(' ')}`);
    const lrs = outcome.history.map((h) => h.lr);
    assert.ok(lrs[0]! === 2e-3 && lrs.at(-1)! < 1e-9, `the rate peaks after warm-up and ends at zero: ${lrs.join(' ')}`);
    const expected = await weightsOf(full);
    full.dispose();

    // Stopped after epoch 1 as a crash would; the state is what runFolder.ts saves (optimiser, training weights, EMA).
    const first = resnet();
    let saved: ResumeState | undefined;
    await trainModel(first, train, val, recipe, {
      onEpoch: (c) => {
        if (c.stats.epoch < 1) return;
        assert.ok(c.optimizerWeights.some((w) => w.name === 'ema/0') && c.optimizerWeights.some((w) => w.name === 'train/0'));
        saved = {
          nextEpoch: c.stats.epoch + 1, history: [...c.history], bestEpoch: c.bestEpoch, bestValLoss: c.bestValLoss,
          // During the callback the model holds what validation scored: the best model when this epoch improved.
          bestWeights: c.improved ? first.getWeights().map((w) => tf.clone(w)) : null,
          optimizerWeights: c.optimizerWeights.map((w) => ({ name: w.name, tensor: tf.clone(w.tensor) })),
        };
      },
      isCancelled: () => saved !== undefined,
    });
    first.dispose();
    assert.ok(saved?.bestWeights, 'epoch 1 improved on epoch 0 (else pick another seed)');
    const resumed = resnet(); // fresh weights: the trainer restores the training weights from the state
    const again = await trainModel(resumed, train, val, recipe, {}, saved);
    tf.dispose(saved.optimizerWeights.map((w) => w.tensor));
    assert.equal(again.history.length, 4);
    const got = await weightsOf(resumed);
    assert.equal(got.length, expected.length);
    assert.ok(got.every((v, i) => v === expected[i]), 'bit-identical to the uninterrupted run');
    resumed.dispose();
  });

  it('has a cosine schedule and inverse-frequency class weights', () => {
    assert.equal(cosineLearningRate(1, 0, 10), 1);
    assert.ok(Math.abs(cosineLearningRate(1, 9, 10) - 0.05) < 1e-12);
    assert.deepEqual(classWeightsOf(Int32Array.from([0, 0, 0, 1]), 3), [4 / 9, 4 / 3, 1]);
  });
});

export type { EpochStats };
