/**
 * The training loop (issue 4, in progress): seeded shuffling, on-the-fly augmentation, Adam with a cosine
 * learning-rate schedule, validation after every epoch, the best weights by validation loss kept (and restored
 * at the end), early stopping, progress per batch and epoch, and cancellation within one batch.
 * Run folders, checkpoints, resume and the UI come next; this module only trains and reports.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { seededRandom } from '../data/splitDataset';
import { augmentInto, type AugmentConfig } from './augment';

export interface TrainData {
  /** Preprocessed 8-bit pixels, [count, size, size, channels]. */
  pixels: Uint8Array;
  labels: Int32Array;
  count: number;
}

export interface TrainOptions {
  size: number;
  channels: number;
  classes: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  augment: AugmentConfig;
  seed: number;
  /** Epochs without a better validation loss before stopping; 0 = never stop early. */
  patience: number;
}

export interface EpochStats { epoch: number; loss: number; acc: number; valLoss: number; valAcc: number; lr: number; ms: number }

export interface TrainCallbacks {
  onBatch?(epoch: number, batch: number, batches: number, loss: number): void;
  onEpoch?(stats: EpochStats): void;
  isCancelled?(): boolean;
}

export interface TrainOutcome { history: EpochStats[]; bestEpoch: number; end: 'completed' | 'early-stopped' | 'cancelled' }

/** Cosine decay from the base rate to 5% of it over the run. */
export function cosineLearningRate(base: number, epoch: number, epochs: number): number {
  const t = epochs <= 1 ? 0 : epoch / (epochs - 1);
  return base * (0.05 + 0.95 * 0.5 * (1 + Math.cos(Math.PI * t)));
}

function batchTensors(data: TrainData, idx: number[], opts: TrainOptions, augment: AugmentConfig | null, rand: () => number): [tf.Tensor4D, tf.Tensor2D] {
  const per = opts.size * opts.size * opts.channels;
  const xs = new Float32Array(idx.length * per);
  idx.forEach((i, k) => {
    const src = data.pixels.subarray(i * per, (i + 1) * per);
    if (augment) augmentInto(src, opts.size, opts.channels, augment, rand, xs, k * per);
    else for (let j = 0; j < per; j++) xs[k * per + j] = src[j]! / 255;
  });
  const labels = Int32Array.from(idx, (i) => data.labels[i]!);
  return [tf.tensor4d(xs, [idx.length, opts.size, opts.size, opts.channels]), tf.oneHot(tf.tensor1d(labels, 'int32'), opts.classes) as tf.Tensor2D];
}

/** Mean loss and accuracy of `model` on `data`, without augmentation. */
export async function evaluateLoss(model: tfl.LayersModel, data: TrainData, opts: TrainOptions): Promise<{ loss: number; acc: number }> {
  let lossSum = 0, correct = 0;
  for (let start = 0; start < data.count; start += opts.batchSize) {
    const idx = Array.from({ length: Math.min(opts.batchSize, data.count - start) }, (_, k) => start + k);
    const [l, c] = tf.tidy(() => {
      const [x, y] = batchTensors(data, idx, opts, null, Math.random);
      const p = tf.clipByValue(model.predict(x) as tf.Tensor2D, 1e-7, 1);
      const loss = tf.sum(tf.neg(tf.sum(tf.mul(y, tf.log(p)), 1)));
      const hits = tf.sum(tf.cast(tf.equal(tf.argMax(p, 1), tf.argMax(y, 1)), 'float32'));
      return [loss, hits];
    });
    lossSum += (await l.data())[0]!;
    correct += (await c.data())[0]!;
    tf.dispose([l, c]);
  }
  return { loss: lossSum / data.count, acc: correct / data.count };
}

export async function trainModel(model: tfl.LayersModel, train: TrainData, val: TrainData, opts: TrainOptions, cb: TrainCallbacks = {}): Promise<TrainOutcome> {
  const rand = seededRandom(opts.seed);
  const optimizer = tf.train.adam(opts.learningRate);
  model.compile({ optimizer, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const history: EpochStats[] = [];
  let best: tf.Tensor[] | null = null;
  let bestLoss = Infinity;
  let bestEpoch = -1;
  let end: TrainOutcome['end'] = 'completed';
  const order = Array.from({ length: train.count }, (_, i) => i);
  const batches = Math.ceil(train.count / opts.batchSize);
  try {
    for (let epoch = 0; epoch < opts.epochs && end === 'completed'; epoch++) {
      const t0 = performance.now();
      const lr = cosineLearningRate(opts.learningRate, epoch, opts.epochs);
      (optimizer as unknown as { learningRate: number }).learningRate = lr;
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      let lossSum = 0, accSum = 0;
      for (let b = 0; b < batches; b++) {
        if (cb.isCancelled?.()) { end = 'cancelled'; break; }
        const idx = order.slice(b * opts.batchSize, (b + 1) * opts.batchSize);
        const [x, y] = batchTensors(train, idx, opts, opts.augment, rand);
        const out = await model.trainOnBatch(x, y) as number[];
        tf.dispose([x, y]);
        lossSum += out[0]! * idx.length;
        accSum += out[1]! * idx.length;
        cb.onBatch?.(epoch, b, batches, out[0]!);
      }
      if (end === 'cancelled') break;
      const v = await evaluateLoss(model, val, opts);
      const stats: EpochStats = { epoch, loss: lossSum / train.count, acc: accSum / train.count, valLoss: v.loss, valAcc: v.acc, lr, ms: performance.now() - t0 };
      history.push(stats);
      if (v.loss < bestLoss) {
        bestLoss = v.loss;
        bestEpoch = epoch;
        if (best) tf.dispose(best);
        best = model.getWeights().map((w) => tf.clone(w));
      } else if (opts.patience > 0 && epoch - bestEpoch >= opts.patience) {
        end = 'early-stopped';
      }
      cb.onEpoch?.(stats);
    }
    if (best) model.setWeights(best);
  } finally {
    if (best) tf.dispose(best);
  }
  return { history, bestEpoch, end };
}
