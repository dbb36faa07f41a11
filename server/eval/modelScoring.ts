/**
 * What every evaluation shares: a model's probabilities on preprocessed images in batches (cancellable, yielding
 * to other requests), and a set of labelled predictions scored with every metric of metrics.ts. Used for the
 * Testing splits (evaluate.ts), external sets (externalSets.ts) and perturbed Testing (robustness.ts).
 */
import { throwIfCancelled } from '../cancelled';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type * as P from '../protocol';
import { CLASSES } from '../data/classNames';
import type { PreprocessPolicy } from '../data/preprocess';
import { yieldToEventLoop } from '../engine/yieldToEventLoop';
import { detectionScores } from './detection';
import { averageProbs, negativeLogLikelihood } from '../model/calibration';
import { classificationReport, expectedCalibrationError, rocAucOneVsRest, rocCurve } from './metrics';

export class EvaluationError extends Error {}

/** The dataset has no usable Testing images: the evaluation after training skips it, other callers report it. */
export class NoTestingSplitError extends EvaluationError {}

const ROC_POINTS = 200;
const BATCH = 64;

/** Probabilities [n, K] for n preprocessed images, in batches; with `mirror`, of the left-right mirrored images. */
export async function predictProbs(model: tfl.LayersModel, pixels: Uint8Array, n: number, policy: PreprocessPolicy, mirror = false,
  onBatch?: (done: number) => void, isCancelled?: () => boolean): Promise<Float32Array> {
  const k = CLASSES.length;
  const per = policy.size * policy.size * policy.channels;
  const out = new Float32Array(n * k);
  for (let start = 0; start < n; start += BATCH) {
    throwIfCancelled(isCancelled, 'Evaluation');
    const m = Math.min(BATCH, n - start);
    const p = tf.tidy(() => {
      let x: tf.Tensor4D = tf.div(tf.tensor4d(pixels.subarray(start * per, (start + m) * per), [m, policy.size, policy.size, policy.channels], 'float32'), 255);
      if (mirror) x = tf.reverse(x, 2);
      return model.predict(x) as tf.Tensor2D;
    });
    out.set(await p.data(), start * k);
    p.dispose();
    onBatch?.(start + m);
    await yieldToEventLoop(); // other requests and the cancel get through
  }
  return out;
}

function downsampleRoc(points: { fpr: number; tpr: number }[] | null): { fpr: number[]; tpr: number[] } | null {
  if (!points) return null;
  const step = Math.max(1, Math.ceil(points.length / ROC_POINTS));
  const kept = points.filter((_, i) => i % step === 0 || i === points.length - 1);
  return { fpr: kept.map((p) => round(p.fpr)), tpr: kept.map((p) => round(p.tpr)) };
}

export { averageProbs };

export const round = (v: number, d = 5) => Math.round(v * 10 ** d) / 10 ** d;

/** The rows `idx` of an [n, K] probability matrix. */
export function rowsOf(probs: Float32Array, idx: readonly number[]): Float32Array {
  const k = CLASSES.length;
  const out = new Float32Array(idx.length * k);
  idx.forEach((i, j) => out.set(probs.subarray(i * k, (i + 1) * k), j * k));
  return out;
}


/**
 * Every metric of one split. `labels` are class indices; coarse labels (COARSE_INDEX) must be left out by the caller
 * (they have no class to score), except in `detectionLabels`, the labels of the tumour vs none figures when given.
 */
export function scoreSplit(key: P.SplitScores['key'], label: string, labels: Int32Array, probs: Float32Array, ttaProbs: Float32Array | null,
  detection?: { labels: Int32Array; probs: Float32Array; threshold: number }): P.SplitScores {
  const k = CLASSES.length;
  const r = classificationReport(labels, probs, CLASSES);
  const auc = rocAucOneVsRest(labels, probs, k);
  const cal = expectedCalibrationError(labels, probs, 15);
  let tta: P.SplitScores['tta'] = null;
  if (ttaProbs) {
    const t = classificationReport(labels, ttaProbs, CLASSES);
    tta = { accuracy: round(t.accuracy), macroF1: round(t.macro.f1), ece: round(expectedCalibrationError(labels, ttaProbs, 15).ece) };
  }
  return {
    key, label, count: labels.length, accuracy: round(r.accuracy),
    macro: { precision: round(r.macro.precision), recall: round(r.macro.recall), f1: round(r.macro.f1) },
    weighted: { precision: round(r.weighted.precision), recall: round(r.weighted.recall), f1: round(r.weighted.f1) },
    perClass: r.perClass.map((c, i) => ({ name: CLASSES[i]!, precision: round(c.precision), recall: round(c.recall), f1: round(c.f1),
      support: c.support, predicted: c.predicted, auc: auc.perClass[i] === null ? null : round(auc.perClass[i]!) })),
    confusion: r.confusion, rocAucMacro: auc.macro === null ? null : round(auc.macro),
    roc: CLASSES.map((_, c) => downsampleRoc(rocCurve(labels, probs, c))),
    ece: round(cal.ece), maxCalibrationError: round(cal.maxCalibrationError),
    calibrationBins: cal.bins.map((b) => ({ lower: round(b.lower), upper: round(b.upper), count: b.count,
      accuracy: b.accuracy === null ? null : round(b.accuracy), confidence: b.confidence === null ? null : round(b.confidence) })),
    nll: round(negativeLogLikelihood(labels, probs)), tta,
    ...(detection ? { detection: detectionScores(detection.labels, detection.probs, detection.threshold) } : {}),
  };
}
