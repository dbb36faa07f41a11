/**
 * The training loop: seeded shuffling, on-the-fly augmentation, AdamW (adamW.ts) with a per-step warm-up and
 * cosine learning-rate schedule, optional class weights, an exponential moving average of the weights (EMA) that
 * validation scores, the best weights by validation loss kept (and restored at the end), early stopping, progress
 * per batch and epoch, cancellation within one batch, and resumption from a checkpoint taken at the end of any
 * epoch.
 *
 * It knows nothing of files: the run folder (runFolder.ts) saves what `onEpoch` hands it, and a resumed run
 * passes the saved state back in `resume`. Every epoch's randomness is seeded by (seed, epoch), so a run resumed
 * from epoch k continues exactly as the uninterrupted run would have.
 */
import * as l10n from '@vscode/l10n';
import { CancelledError, throwIfCancelled } from '../cancelled';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { seededRandom } from '../data/splitDataset';
import type { NamedTensor } from '@tensorflow/tfjs-core/dist/tensor_types';
import type { EpochStats, LrSchedule } from '../protocol';
import { AdamW } from './adamW';
import { augmentInto, type AugmentConfig } from './augment';
import { encodeTargets, partialLabelAccuracy, partialLabelLoss } from './partialLabelLoss';
import { setDropoutStep } from '../model/stepDropout';
import { yieldToEventLoop } from '../engine/yieldToEventLoop';

export interface TrainData {
  /** Preprocessed 8-bit pixels, [count, size, size, channels]. */
  pixels: Uint8Array;
  /** Class index per image, or COARSE_INDEX (= classes) for "a tumour of unknown type" (partialLabelLoss.ts). */
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
  /** Weigh each class's loss by total / (classes * count): for imbalanced data. */
  classWeights: boolean;
  /** Label smoothing of the training targets (0 = none). */
  labelSmoothing: number;
  /** Decoupled weight decay (0 = Adam). */
  weightDecay?: number;
  schedule?: LrSchedule;
  warmupEpochs?: number;
  /** Per-step EMA decay of the weights (0 = off). */
  ema?: number;
}

export type { EpochStats };

/** Where a resumed run picks up: the epoch to run next and what the run had learnt so far. */
export interface ResumeState {
  nextEpoch: number;
  history: EpochStats[];
  bestEpoch: number;
  bestValLoss: number;
  /** The best weights so far (model order); the model itself holds the last epoch's weights. */
  bestWeights: tf.Tensor[] | null;
  /** The optimiser's state, then (with EMA) the training weights and the EMA (see Checkpoint.optimizerWeights). */
  optimizerWeights: NamedTensor[];
}

export interface Checkpoint {
  stats: EpochStats;
  improved: boolean;
  bestEpoch: number;
  bestValLoss: number;
  history: readonly EpochStats[];
  /**
   * The optimiser's step count and moments, valid during the callback only. With EMA, followed by the training
   * weights ("train/i") and the moving average ("ema/i"): during the callback the model holds the weights
   * validation scored (the EMA), so saving the model saves those, and these entries let a resume continue exactly.
   */
  optimizerWeights: NamedTensor[];
}

export interface TrainCallbacks {
  onBatch?(epoch: number, batch: number, batches: number, loss: number, acc: number): void;
  /** Called after each epoch's validation; awaited, so a checkpoint can be written before the next epoch. */
  onEpoch?(checkpoint: Checkpoint): Promise<void> | void;
  isCancelled?(): boolean;
}

export interface TrainOutcome { history: EpochStats[]; bestEpoch: number; end: 'completed' | 'early-stopped' | 'cancelled' }

/** Cosine decay from the base rate to 5% of it over the run, per epoch (`cosine-epochs`, runs before the recipe). */
export function cosineLearningRate(base: number, epoch: number, epochs: number): number {
  const t = epochs <= 1 ? 0 : epoch / (epochs - 1);
  return base * (0.05 + 0.95 * 0.5 * (1 + Math.cos(Math.PI * t)));
}

/**
 * `warmup-cosine`, per optimiser step: linear warm-up to the base rate over `warmupSteps`, then a cosine to zero
 * at the last step. A short warm-up keeps Adam's first, badly estimated steps from wrecking batch-norm nets; the
 * decay to zero is what lets a few-epoch run converge (one-cycle style).
 */
export function warmupCosineRate(base: number, step: number, totalSteps: number, warmupSteps: number): number {
  if (step < warmupSteps) return (base * (step + 1)) / warmupSteps;
  const t = totalSteps - warmupSteps <= 1 ? 1 : (step - warmupSteps) / (totalSteps - warmupSteps - 1);
  return base * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, t)));
}

/**
 * Exponential moving average of a model's weights: after each step ema <- d * ema + (1 - d) * w, with the decay
 * ramped in, min(d, (1 + n) / (10 + n)) at update n, so the average does not drag the random start along.
 */
export class WeightAverage {
  private readonly vars: tf.Variable[];
  constructor(private readonly decay: number, start: readonly tf.Tensor[], private updates = 0) {
    this.vars = start.map((w) => tf.variable(w, false));
  }
  get count(): number { return this.updates; }
  update(weights: readonly tf.Tensor[]): void {
    const d = Math.min(this.decay, (1 + this.updates) / (10 + this.updates));
    tf.tidy(() => this.vars.forEach((v, i) => v.assign(tf.add(tf.mul(v, d), tf.mul(weights[i]!, 1 - d)))));
    this.updates++;
  }
  weights(): tf.Tensor[] { return this.vars; }
  dispose(): void { tf.dispose(this.vars); }
}

/**
 * Loss weights per label index, total / (groups * count), 1 for a group with no examples. The groups are the
 * classes, plus the coarse tumour label (index `classes`) when the data have any: a coarse image is weighed as a
 * member of its own group, so a large coarse source does not drown the typed classes, nor they it.
 */
export function classWeightsOf(labels: Int32Array, classes: number): number[] {
  const counts = new Array<number>(classes + 1).fill(0);
  for (const l of labels) counts[l]!++;
  const groups = counts[classes]! > 0 ? classes + 1 : classes;
  const weights = counts.map((n) => (n === 0 ? 1 : labels.length / (groups * n)));
  return counts[classes]! > 0 ? weights : weights.slice(0, classes);
}

function batchTensors(data: TrainData, idx: readonly number[], opts: TrainOptions, augment: AugmentConfig | null, rand: () => number): { x: tf.Tensor4D; labels: Int32Array } {
  const per = opts.size * opts.size * opts.channels;
  const xs = new Float32Array(idx.length * per);
  idx.forEach((i, k) => {
    const src = data.pixels.subarray(i * per, (i + 1) * per);
    if (augment) augmentInto(src, opts.size, opts.channels, augment, rand, xs, k * per);
    else for (let j = 0; j < per; j++) xs[k * per + j] = src[j]! / 255;
  });
  return {
    x: tf.tensor4d(xs, [idx.length, opts.size, opts.size, opts.channels]),
    labels: Int32Array.from(idx, (i) => data.labels[i]!),
  };
}

/**
 * Re-estimates batch normalisation's moving statistics for the current weights, before validation: forward
 * passes in training mode over up to `maxBatches` batches of (unaugmented) training images, no weight update.
 * Why: the moving averages trail the weights by ~1/(1 - momentum) steps, so on a small dataset (a few steps per
 * epoch) validation would score stale statistics (measured: chance-level validation accuracy on a 40-image set
 * with 100% training accuracy). On the Kaggle set it costs ~2% of an epoch. No-op for models without BN.
 */
export async function refreshBatchNorm(model: tfl.LayersModel, data: TrainData, opts: Pick<TrainOptions, 'size' | 'channels' | 'batchSize'>,
  isCancelled: () => boolean = () => false, maxBatches = 30): Promise<void> {
  if (!model.layers.some((l) => l.getClassName() === 'BatchNormalization') || data.count === 0) return;
  const o = opts as TrainOptions;
  // Small sets are cycled through: the averages need ~30 updates to forget their old values (momentum 0.9).
  for (let b = 0; b < maxBatches; b++) {
    throwIfCancelled(isCancelled, 'Training');
    const idx = Array.from({ length: Math.min(opts.batchSize, data.count) }, (_, k) => (b * opts.batchSize + k) % data.count);
    tf.tidy(() => {
      const { x } = batchTensors(data, idx, o, null, Math.random);
      model.apply(x, { training: true });
    });
    await yieldToEventLoop(4);
  }
}

/**
 * Mean loss and accuracy of `model` on `data`, without augmentation, dropout or label smoothing: cross-entropy for
 * fine labels, the partial-label loss for coarse ones (accuracy: any tumour type counts for a coarse label).
 */
export async function evaluateLoss(model: tfl.LayersModel, data: TrainData, opts: Pick<TrainOptions, 'size' | 'channels' | 'classes' | 'batchSize'>,
  isCancelled: () => boolean = () => false): Promise<{ loss: number; acc: number }> {
  if (data.count === 0) return { loss: NaN, acc: NaN };
  let lossSum = 0, correct = 0;
  const o = opts as TrainOptions;
  for (let start = 0; start < data.count; start += opts.batchSize) {
    throwIfCancelled(isCancelled, 'Training');
    const idx = Array.from({ length: Math.min(opts.batchSize, data.count - start) }, (_, k) => start + k);
    const sums = tf.tidy(() => {
      const { x, labels } = batchTensors(data, idx, o, null, Math.random);
      const p = model.predict(x) as tf.Tensor2D;
      const y = tf.tensor2d(encodeTargets(labels, { smoothing: 0, classes: opts.classes }), [idx.length, opts.classes]);
      return tf.stack([tf.sum(partialLabelLoss(y, p)), tf.sum(partialLabelAccuracy(y, p))]);
    });
    const [l, c] = await sums.data();
    sums.dispose();
    await yieldToEventLoop(2);
    lossSum += l!;
    correct += c!;
  }
  return { loss: lossSum / data.count, acc: correct / data.count };
}

/** A checkpoint's state tensors sorted out: the optimiser's own, and (with EMA) the training weights and the EMA. */
function splitTrainerState(all: readonly NamedTensor[]): { optimizer: NamedTensor[]; train: tf.Tensor[]; ema: tf.Tensor[] } {
  const byPrefix = (p: string) => all.filter((w) => w.name.startsWith(p))
    .sort((a, b) => Number(a.name.slice(p.length)) - Number(b.name.slice(p.length))).map((w) => w.tensor);
  return { optimizer: all.filter((w) => !/^(train|ema)\//.test(w.name)), train: byPrefix('train/'), ema: byPrefix('ema/') };
}

export async function trainModel(model: tfl.LayersModel, train: TrainData, val: TrainData, opts: TrainOptions,
  cb: TrainCallbacks = {}, resume?: ResumeState): Promise<TrainOutcome> {
  if (train.count === 0) throw new Error(l10n.t('No training images.'));
  const optimizer = new AdamW(opts.learningRate, opts.weightDecay ?? 0);
  const schedule = opts.schedule ?? 'cosine-epochs';
  const emaDecay = opts.ema ?? 0;
  let ema: WeightAverage | null = null;
  const weights = opts.classWeights ? classWeightsOf(train.labels, opts.classes) : undefined;
  const history: EpochStats[] = resume ? [...resume.history] : [];
  let best: tf.Tensor[] | null = resume?.bestWeights ?? null;
  let bestLoss = resume?.bestValLoss ?? Infinity;
  let bestEpoch = resume?.bestEpoch ?? -1;
  let end: TrainOutcome['end'] = 'completed';
  const batches = Math.ceil(train.count / opts.batchSize);

  /**
   * Targets for one batch: smoothed, and scaled by the class weight; coarse labels as partialLabelLoss.ts encodes
   * them. The loss is linear in its target, so scaling the target weighs the image's loss (tfjs's trainOnBatch
   * takes no class weights), and neither changes what the accuracy metric reads.
   */
  const targets = (labels: Int32Array): tf.Tensor2D =>
    tf.tensor2d(encodeTargets(labels, { smoothing: opts.labelSmoothing, weights, classes: opts.classes }), [labels.length, opts.classes]);
  // trainOnBatch runs the graph with training=true (dropout on, batch-norm statistics updated); model.apply
  // does not pass that flag through a functional model's layers.
  model.compile({ optimizer, loss: partialLabelLoss, metrics: [partialLabelAccuracy] });

  try {
    const state = splitTrainerState(resume?.optimizerWeights ?? []);
    if (resume) {
      // The step count first, then the moments in variable order; Adam copies them into fresh variables.
      await optimizer.setWeights(state.optimizer);
      if (state.train.length) model.setWeights(state.train);
    }
    if (emaDecay > 0) {
      ema = state.ema.length ? new WeightAverage(emaDecay, state.ema, (resume?.nextEpoch ?? 0) * batches)
        : new WeightAverage(emaDecay, model.getWeights());
    }
    const totalSteps = opts.epochs * batches;
    const warmupSteps = Math.round((opts.warmupEpochs ?? 0) * batches);
    for (let epoch = resume?.nextEpoch ?? 0; epoch < opts.epochs && end === 'completed'; epoch++) {
      const t0 = performance.now();
      const rand = seededRandom((opts.seed * 1_000_003 + epoch * 7_919) >>> 0);
      let lr = cosineLearningRate(opts.learningRate, epoch, opts.epochs);
      optimizer.setLearningRate(lr);
      const order = Array.from({ length: train.count }, (_, i) => i);
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      let lossSum = 0, accSum = 0;
      for (let b = 0; b < batches; b++) {
        if (cb.isCancelled?.()) { end = 'cancelled'; break; }
        const idx = order.slice(b * opts.batchSize, (b + 1) * opts.batchSize);
        const { x, labels } = batchTensors(train, idx, opts, opts.augment, rand);
        const step = epoch * batches + b;
        setDropoutStep(step);
        if (schedule === 'warmup-cosine') {
          lr = warmupCosineRate(opts.learningRate, step, totalSteps, warmupSteps);
          optimizer.setLearningRate(lr);
        }
        const y = targets(labels);
        const [loss, acc] = await model.trainOnBatch(x, y) as number[];
        tf.dispose([x, y]);
        ema?.update(model.getWeights());
        lossSum += loss! * idx.length;
        accSum += acc! * idx.length;
        cb.onBatch?.(epoch, b, batches, loss!, acc!);
        await yieldToEventLoop(); // requests, notifications and a cancel get through between batches
      }
      if (end === 'cancelled') break;
      // With EMA, the average is what validation scores and what the best model keeps; the training weights are
      // put back after the checkpoint (they ride in it as "train/i").
      const trainingWeights = ema ? model.getWeights().map((w) => tf.clone(w)) : null;
      if (ema) model.setWeights(ema.weights());
      const restoreTraining = () => {
        if (trainingWeights) { model.setWeights(trainingWeights); tf.dispose(trainingWeights); }
      };
      // A cancel during the end-of-epoch work drops this epoch: the last checkpoint is the previous epoch's.
      let v: { loss: number; acc: number };
      try {
        const cancelled = () => cb.isCancelled?.() ?? false;
        await refreshBatchNorm(model, train, opts, cancelled);
        v = await evaluateLoss(model, val, opts, cancelled);
      } catch (e) {
        restoreTraining();
        if (!(e instanceof CancelledError)) throw e;
        end = 'cancelled';
        break;
      }
      const stats: EpochStats = { epoch, loss: lossSum / train.count, acc: accSum / train.count, valLoss: v.loss, valAcc: v.acc, lr, ms: performance.now() - t0 };
      history.push(stats);
      // With no validation data, the latest weights count as the best.
      const improved = val.count === 0 || v.loss < bestLoss;
      if (improved) {
        bestLoss = val.count === 0 ? stats.loss : v.loss;
        bestEpoch = epoch;
        if (best) tf.dispose(best);
        best = model.getWeights().map((w) => tf.clone(w));
      } else if (opts.patience > 0 && epoch - bestEpoch >= opts.patience) {
        end = 'early-stopped';
      }
      try {
        if (cb.onEpoch) {
          // The moments are the optimiser's live variables; only the step-count scalar is made for the caller.
          const optimizerWeights = await optimizer.getWeights();
          if (ema && trainingWeights) {
            optimizerWeights.push(...trainingWeights.map((tensor, i) => ({ name: `train/${i}`, tensor })),
              ...ema.weights().map((tensor, i) => ({ name: `ema/${i}`, tensor })));
          }
          try {
            await cb.onEpoch({ stats, improved, bestEpoch, bestValLoss: bestLoss, history, optimizerWeights });
          } finally {
            optimizerWeights[0]?.tensor.dispose();
          }
        }
      } finally {
        restoreTraining();
      }
    }
    if (best) model.setWeights(best);
  } finally {
    if (best) tf.dispose(best);
    ema?.dispose();
    optimizer.dispose();
  }
  return { history, bestEpoch, end };
}
