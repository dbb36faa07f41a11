/**
 * The training loss for a mix of fine labels (glioma, meningioma, notumor, pituitary) and the coarse label
 * "a tumour of unknown type":
 *   fine label c:   cross-entropy, -sum_k t_k log p_k with the (smoothed) one-hot target t;
 *   coarse tumour:  the partial-label loss -log(p_glioma + p_meningioma + p_pituitary): it rewards "some tumour"
 *                   and is indifferent to how that probability is shared between the types, so coarse images teach
 *                   tumour vs none and leave the type to the finely labelled images.
 *
 * Both travel through tfjs's compile/trainOnBatch as one [n, K] target matrix (tfjs checks that targets have the
 * output's shape, so there is no room for a separate label column). A row of non-negative numbers is a fine
 * target distribution; a coarse row marks the classes of its set with a NEGATIVE number -a (a = the weight on
 * log P(set)) and may carry a non-negative weight b on the classes outside it (label smoothing, below).
 *
 * Label smoothing (epsilon) is the same idea for both: the target is mixed with the uniform distribution over the
 * K classes. For a coarse label the target lives on the partition {tumour classes, notumor}, so the uniform part
 * puts epsilon * 3/4 on the tumour set and epsilon/4 on notumor:
 *   loss = -(1 - epsilon/4) log P(tumour) - (epsilon/4) log p_notumor.
 * Class weights (trainer.ts, classWeightsOf) treat the coarse label as one more label group: each of the four
 * classes and the coarse group (when present) carries the same total weight; the weight scales the whole target
 * row, which scales the image's loss (the loss is linear in the target).
 */
import * as tf from '@tensorflow/tfjs-core';
import { CLASSES, COARSE_INDEX, TUMOUR_CLASSES } from '../data/classNames';

const K = CLASSES.length;
const IN_TUMOUR_SET = CLASSES.map((c) => (TUMOUR_CLASSES as readonly string[]).includes(c));
const EPS = 1e-7;

export interface TargetOptions {
  /** Label smoothing epsilon (0 = none). */
  smoothing: number;
  /** Classes of the model (default the four); coarse labels need the four, in CLASSES order. */
  classes?: number;
  /** Weight per label index (the K classes, then the coarse label); default 1 for all. */
  weights?: readonly number[];
}

/**
 * The [n, K] target rows for labels given as indices: 0..K-1 are the classes, COARSE_INDEX the coarse tumour
 * label. See the file comment for the encoding.
 */
export function encodeTargets(labels: ArrayLike<number>, opts: TargetOptions): Float32Array {
  const eps = opts.smoothing;
  const classes = opts.classes ?? K;
  if (classes !== K) return encodeFine(labels, eps, classes, opts.weights);
  const out = new Float32Array(labels.length * K);
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    const w = opts.weights?.[l] ?? 1;
    const row = out.subarray(i * K, (i + 1) * K);
    if (l === COARSE_INDEX) {
      const inSet = TUMOUR_CLASSES.length / K;
      for (let k = 0; k < K; k++) row[k] = IN_TUMOUR_SET[k] ? -w * (1 - eps + eps * inSet) : w * (eps / K);
    } else if (l >= 0 && l < K) {
      for (let k = 0; k < K; k++) row[k] = w * ((k === l ? 1 - eps : 0) + eps / K);
    } else {
      throw new Error(`label index ${l} is neither a class (0..${K - 1}) nor the coarse label (${COARSE_INDEX})`);
    }
  }
  return out;
}

/** Smoothed, weighted one-hot rows for a model with other classes than the four (no coarse label there). */
function encodeFine(labels: ArrayLike<number>, eps: number, classes: number, weights?: readonly number[]): Float32Array {
  const out = new Float32Array(labels.length * classes);
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    if (!(l >= 0 && l < classes)) throw new Error(`label index ${l} is not a class of a ${classes}-class model`);
    const w = weights?.[l] ?? 1;
    for (let k = 0; k < classes; k++) out[i * classes + k] = w * ((k === l ? 1 - eps : 0) + eps / classes);
  }
  return out;
}

/** Per-image loss [n] for targets made by encodeTargets and predicted probabilities [n, K]. */
export function partialLabelLoss(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const p = tf.clipByValue(yPred, EPS, 1);
    const fine = tf.neg(tf.sum(tf.mul(tf.relu(yTrue), tf.log(p)), 1));
    const setMask = tf.cast(tf.less(yTrue, 0), 'float32');
    const setWeight = tf.max(tf.relu(tf.neg(yTrue)), 1);
    const pSet = tf.clipByValue(tf.sum(tf.mul(setMask, yPred), 1), EPS, 1);
    return tf.sub(fine, tf.mul(setWeight, tf.log(pSet)));
  });
}

/**
 * Per-image hit [n] (1 or 0): a fine label is hit when the most likely class is it; a coarse tumour label when the
 * most likely class is any tumour type.
 */
export function partialLabelAccuracy(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const predicted = tf.argMax(yPred, 1);
    const coarse = tf.greater(tf.max(tf.neg(yTrue), 1), 0);
    const fineHit = tf.equal(predicted, tf.argMax(yTrue, 1));
    const setHit = tf.greater(tf.sum(tf.mul(tf.cast(tf.less(yTrue, 0), 'float32'), tf.oneHot(tf.cast(predicted, 'int32'), yPred.shape[1]!)), 1), 0);
    // Both branches as floats: the wasm engine's select on bool values returns zeros for the second branch.
    return tf.where(coarse, tf.cast(setHit, 'float32'), tf.cast(fineHit, 'float32'));
  });
}
