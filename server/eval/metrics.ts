/**
 * Evaluation metrics of a K-class classifier, on plain arrays: confusion matrix, precision / recall / F1 (per class,
 * macro, weighted), one-vs-rest ROC AUC and ROC curves, calibration (ECE, reliability diagram);
 * negative log-likelihood and temperature scaling live in model/calibration.ts (classification applies them too).
 *
 * Pure on purpose (no tfjs, no I/O): every number here is checked against hand computations in
 * test/unit/metrics.test.ts, and the same code serves the backend, the CLI and the panels.
 *
 * Inputs, everywhere:
 *   labels  the true class index of each image: Int32Array or number[], integers in 0..K-1.
 *   probs   one probability vector of length K per image: number[][] (N rows), or a flat row-major Float32Array of
 *           N * K values (what `dataSync()` of an [N, K] tensor gives). Entries in [0, 1], rows summing to 1.
 * Predicted class = argmax of the row; a tie goes to the lowest class index (as numpy's argmax), so results do not
 * depend on the order of floating-point noise.
 * Every function validates its input and throws an Error that names the function and the problem.
 */

import { argmaxAll, argmaxRow, at, checkFinite, checkLabels, fail, type Labels, type Matrix, type Probs, readLabelledProbs, readMatrix } from '../model/probabilityMatrix';

export type { Labels, Probs } from '../model/probabilityMatrix';

// ---------------------------------------------------------------------------------------------
// Predictions, confusion matrix, precision / recall / F1

/** Predicted class per row of `probs` (argmax; ties to the lowest index). `k` is needed to cut a flat array. */
export function argmaxPredictions(probs: Probs, k: number): Int32Array {
  const m = readMatrix('argmaxPredictions', 'probs', probs, { k });
  checkFinite('argmaxPredictions', 'probs', m);
  return argmaxAll(m);
}

/** K x K counts: rows are the true class, columns the predicted one (scikit-learn's orientation). */
export function confusionMatrix(labels: Labels, preds: Labels, k: number): number[][] {
  const fn = 'confusionMatrix';
  if (!Number.isInteger(k) || k < 2) fail(fn, `need an integer number of classes K >= 2, got ${k}`);
  if (labels.length !== preds.length) fail(fn, `${labels.length} labels but ${preds.length} predictions`);
  checkLabels(fn, labels, k);
  checkLabels(fn, preds, k, 'prediction');
  return countConfusion(labels, preds, k);
}

function countConfusion(labels: Labels, preds: Labels, k: number): number[][] {
  const cm = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < labels.length; i++) cm[labels[i]!]![preds[i]!]! += 1;
  return cm;
}

export interface ClassMetrics {
  name: string;
  precision: number;
  recall: number;
  f1: number;
  /** Images whose true class is this one. */
  support: number;
  /** Images predicted as this class. */
  predicted: number;
  /** Whether the class counts in the macro average: it appears in the labels or in the predictions. */
  inMacroAverage: boolean;
}

export interface AveragedMetrics { precision: number; recall: number; f1: number }

export interface ClassificationReport {
  /** Fraction of images whose predicted class is the true one. */
  accuracy: number;
  /** One entry per class name, in class-index order, including classes that appear nowhere. */
  perClass: ClassMetrics[];
  macro: AveragedMetrics;
  weighted: AveragedMetrics;
  /** K x K counts, rows = true class, columns = predicted class. */
  confusion: number[][];
  /** Number of images. */
  count: number;
}

/**
 * Accuracy, per-class precision / recall / F1 with their macro and weighted averages, and the confusion matrix.
 *
 * Conventions (scikit-learn's `zero_division=0`, without its warnings):
 * - a class never predicted has precision 0;
 * - a class absent from the labels has support 0 and recall 0;
 * - F1 = 2 TP / (2 TP + FP + FN), 0 when that denominator is 0 (the harmonic mean of precision and recall
 *   whenever both are defined);
 * - macro = unweighted mean over the classes that appear in the labels OR in the predictions, which is what
 *   scikit-learn averages over when `labels=` is not given. A class that appears in neither (e.g. no pituitary
 *   image in a small test set and none predicted) would only drag the mean towards 0 for no information, so it is
 *   listed in perClass with `inMacroAverage: false` but left out of the mean;
 * - weighted = mean weighted by support, so absent classes weigh nothing and weighted recall equals accuracy.
 */
export function classificationReport(labels: Labels, probs: Probs, classNames: readonly string[]): ClassificationReport {
  const m = readLabelledProbs('classificationReport', labels, probs, classNames.length);
  const confusion = countConfusion(labels, argmaxAll(m), m.k);
  const perClass = classNames.map((name, c) => classMetrics(name, confusion, c));
  const correct = confusion.reduce((s, row, c) => s + row[c]!, 0);
  return {
    accuracy: correct / m.n,
    perClass,
    macro: average(perClass.filter((c) => c.inMacroAverage), () => 1),
    weighted: average(perClass, (c) => c.support),
    confusion,
    count: m.n,
  };
}

function classMetrics(name: string, confusion: number[][], c: number): ClassMetrics {
  const tp = confusion[c]![c]!;
  const support = confusion[c]!.reduce((s, v) => s + v, 0);
  const predicted = confusion.reduce((s, row) => s + row[c]!, 0);
  const fp = predicted - tp, fn = support - tp;
  return {
    name,
    precision: safeRatio(tp, predicted),
    recall: safeRatio(tp, support),
    f1: safeRatio(2 * tp, 2 * tp + fp + fn),
    support,
    predicted,
    inMacroAverage: support > 0 || predicted > 0,
  };
}

/** a / b, and 0 for 0 / 0 (the zero_division=0 convention). */
function safeRatio(a: number, b: number): number {
  return b === 0 ? 0 : a / b;
}

function average(classes: readonly ClassMetrics[], weight: (c: ClassMetrics) => number): AveragedMetrics {
  const total = classes.reduce((s, c) => s + weight(c), 0);
  const mean = (key: keyof AveragedMetrics) => safeRatio(classes.reduce((s, c) => s + weight(c) * c[key], 0), total);
  return { precision: mean('precision'), recall: mean('recall'), f1: mean('f1') };
}

// ---------------------------------------------------------------------------------------------
// ROC: one class against the rest, scored by that class's probability

export interface RocAuc {
  /**
   * AUC per class, or null when it is undefined: the class is absent from the labels (no positives) or is the only
   * class present (no negatives).
   */
  perClass: (number | null)[];
  /** Unweighted mean over the classes whose AUC is defined; null when none is. */
  macro: number | null;
}

/**
 * One-vs-rest ROC AUC of each class, exactly, by the rank statistic (Mann-Whitney U): AUC is the probability that a
 * random image of the class scores higher than a random image of another class, ties counting one half. Tied
 * scores share their average rank, which gives that one half (constant scores give exactly 0.5) and equals the
 * trapezoidal area under `rocCurve`.
 */
export function rocAucOneVsRest(labels: Labels, probs: Probs, k: number): RocAuc {
  const m = readLabelledProbs('rocAucOneVsRest', labels, probs, k);
  const perClass = Array.from({ length: m.k }, (_, c) => rankAuc(column(m, c), positivesOf(labels, c)));
  const defined = perClass.filter((a): a is number => a !== null);
  return { perClass, macro: defined.length ? defined.reduce((s, a) => s + a, 0) / defined.length : null };
}

export interface RocPoint { fpr: number; tpr: number; threshold: number }

/**
 * The ROC curve of class `c` against the rest, one point per distinct score (scikit-learn's `roc_curve` with
 * `drop_intermediate=False`): the point of threshold t counts the images scoring >= t as positive. It starts at
 * (0, 0) with threshold Infinity (nothing predicted positive; note JSON.stringify writes Infinity as null) and ends
 * at (1, 1) with the lowest score. Null when the curve is undefined (no positives or no negatives), like the AUC.
 */
export function rocCurve(labels: Labels, probs: Probs, c: number): RocPoint[] | null {
  const fn = 'rocCurve';
  const m = readLabelledProbs(fn, labels, probs);
  if (!Number.isInteger(c) || c < 0 || c >= m.k) fail(fn, `class ${c} is not a class index in 0..${m.k - 1}`);
  const scores = column(m, c), positive = positivesOf(labels, c);
  const nPos = positive.reduce((s, v) => s + v, 0), nNeg = m.n - nPos;
  if (nPos === 0 || nNeg === 0) return null;
  const order = sortedIndices(scores).reverse(); // highest score first
  const points: RocPoint[] = [{ fpr: 0, tpr: 0, threshold: Infinity }];
  let tp = 0, fp = 0;
  forEachTieGroup(scores, order, (start, end) => {
    for (let r = start; r < end; r++) {
      if (positive[order[r]!]) tp++;
      else fp++;
    }
    points.push({ fpr: fp / nNeg, tpr: tp / nPos, threshold: scores[order[start]!]! });
  });
  return points;
}

/** AUC = (sum of the positives' ranks - nPos (nPos + 1) / 2) / (nPos nNeg), ranks ascending, ties averaged. */
function rankAuc(scores: Float64Array, positive: Uint8Array): number | null {
  const nPos = positive.reduce((s, v) => s + v, 0), nNeg = scores.length - nPos;
  if (nPos === 0 || nNeg === 0) return null;
  const order = sortedIndices(scores);
  let rankSum = 0;
  forEachTieGroup(scores, order, (start, end) => {
    const rank = (start + 1 + end) / 2; // the mean of the 1-based ranks start+1 .. end
    for (let r = start; r < end; r++) if (positive[order[r]!]) rankSum += rank;
  });
  return (rankSum - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

/** Calls `visit(start, end)` for each run order[start..end) of equal scores. */
function forEachTieGroup(scores: Float64Array, order: Int32Array, visit: (start: number, end: number) => void): void {
  for (let start = 0; start < order.length;) {
    let end = start + 1;
    while (end < order.length && scores[order[end]!] === scores[order[start]!]) end++;
    visit(start, end);
    start = end;
  }
}

function sortedIndices(scores: Float64Array): Int32Array {
  return Int32Array.from(scores.keys()).sort((a, b) => scores[a]! - scores[b]!);
}

function column(m: Matrix, c: number): Float64Array {
  return Float64Array.from({ length: m.n }, (_, i) => at(m, i, c));
}

/** 1 where the label is class c, else 0 (a byte array, so that the counts are plain sums). */
function positivesOf(labels: Labels, c: number): Uint8Array {
  return Uint8Array.from({ length: labels.length }, (_, i) => (labels[i] === c ? 1 : 0));
}

// ---------------------------------------------------------------------------------------------
// Calibration: is a 90 % confident prediction right 90 % of the time?

export interface CalibrationBin {
  /** Confidences c with lower <= c < upper fall in this bin; the last bin also takes c = 1. */
  lower: number;
  upper: number;
  count: number;
  /** Fraction of the bin's predictions that are right; null for an empty bin. */
  accuracy: number | null;
  /** Mean top-class confidence in the bin; null for an empty bin. */
  confidence: number | null;
}

export interface Calibration {
  /** Expected calibration error: sum over bins of (count / N) |accuracy - confidence|. */
  ece: number;
  /** The largest |accuracy - confidence| of a non-empty bin. */
  maxCalibrationError: number;
  /** Every bin, empty ones included: the data of a reliability diagram. */
  bins: CalibrationBin[];
}

/**
 * Expected calibration error of the top-class confidence (Guo et al. 2017) over `bins` equal-width bins of [0, 1].
 * A flat Float32Array is cut into rows of probs.length / labels.length.
 */
export function expectedCalibrationError(labels: Labels, probs: Probs, bins = 15): Calibration {
  const fn = 'expectedCalibrationError';
  if (!Number.isInteger(bins) || bins < 1) fail(fn, `bins must be a positive integer, got ${bins}`);
  const m = readLabelledProbs(fn, labels, probs);
  const count = new Array<number>(bins).fill(0), correct = count.slice(), confSum = count.slice();
  for (let i = 0; i < m.n; i++) {
    const pred = argmaxRow(m, i), conf = at(m, i, pred), b = binOf(conf, bins);
    count[b]! += 1;
    confSum[b]! += conf;
    if (pred === labels[i]) correct[b]! += 1;
  }
  const result: Calibration = { ece: 0, maxCalibrationError: 0, bins: [] };
  for (let b = 0; b < bins; b++) {
    const n = count[b]!, accuracy = n ? correct[b]! / n : null, confidence = n ? confSum[b]! / n : null;
    result.bins.push({ lower: b / bins, upper: (b + 1) / bins, count: n, accuracy, confidence });
    if (accuracy === null || confidence === null) continue;
    const gap = Math.abs(accuracy - confidence);
    result.ece += (n / m.n) * gap;
    result.maxCalibrationError = Math.max(result.maxCalibrationError, gap);
  }
  return result;
}

/**
 * The bin of confidence c: floor(c * bins), then nudged so that it agrees with the edges b / bins reported in the
 * result (c * bins can round across an edge, e.g. a float32 confidence just below 0.6).
 */
function binOf(c: number, bins: number): number {
  let b = Math.min(Math.floor(c * bins), bins - 1);
  if (b > 0 && c < b / bins) b--;
  else if (b < bins - 1 && c >= (b + 1) / bins) b++;
  return b;
}

