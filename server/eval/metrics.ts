/**
 * Evaluation metrics of a K-class classifier, on plain arrays: confusion matrix, precision / recall / F1 (per class,
 * macro, weighted), one-vs-rest ROC AUC and ROC curves, calibration (ECE, reliability diagram), negative
 * log-likelihood and temperature scaling.
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

export type Labels = Int32Array | readonly number[];
export type Probs = Float32Array | readonly (readonly number[])[];

/** How far a probability row may sum from 1: float32 softmax outputs are off by ~1e-7, a bug by far more. */
const ROW_SUM_TOLERANCE = 1e-3;

// ---------------------------------------------------------------------------------------------
// Input validation: one flat row-major view of the matrix, whichever shape it came in

/** N rows of K values, row-major. */
interface Matrix { n: number; k: number; data: ArrayLike<number> }

function fail(fn: string, message: string): never {
  throw new Error(`${fn}: ${message}`);
}

/**
 * Reads number[][] or a flat Float32Array as an N x K matrix. A flat array has no row boundaries of its own, so
 * its shape comes from `shape`: K when given, else N (the number of labels).
 */
function readMatrix(fn: string, what: string, values: Probs, shape: { n?: number; k?: number }): Matrix {
  if (shape.k !== undefined && !(Number.isInteger(shape.k) && shape.k >= 2)) {
    fail(fn, `need an integer number of classes K >= 2, got ${shape.k}`);
  }
  if (values instanceof Float32Array) {
    const k = shape.k ?? (shape.n ? values.length / shape.n : NaN);
    const n = values.length / k;
    if (!Number.isInteger(k) || !Number.isInteger(n)) {
      fail(fn, `a flat ${what} array of ${values.length} values is not ${shape.n ?? 'N'} rows of ${shape.k ?? 'K'}`);
    }
    return checkShape(fn, what, { n, k, data: values }, shape);
  }
  const n = values.length;
  const k = shape.k ?? values[0]?.length ?? 0;
  const data = new Float64Array(n * k);
  values.forEach((row, i) => {
    if (row.length !== k) fail(fn, `${what} row ${i} has ${row.length} values, expected ${k}`);
    data.set(row, i * k);
  });
  return checkShape(fn, what, { n, k, data }, shape);
}

function checkShape(fn: string, what: string, m: Matrix, shape: { n?: number }): Matrix {
  if (m.k < 2) fail(fn, `need K >= 2 classes, got rows of ${m.k}`);
  if (shape.n !== undefined && m.n !== shape.n) fail(fn, `${shape.n} labels but ${m.n} ${what} rows`);
  return m;
}

/** Rejects NaN and infinities, which would otherwise turn every average they touch into NaN silently. */
function checkFinite(fn: string, what: string, m: Matrix): void {
  for (let i = 0; i < m.data.length; i++) {
    if (!Number.isFinite(m.data[i])) fail(fn, `${what} row ${Math.floor(i / m.k)} has a non-finite value ${m.data[i]}`);
  }
}

function checkProbabilities(fn: string, m: Matrix): void {
  checkFinite(fn, 'probs', m);
  for (let i = 0; i < m.n; i++) {
    let sum = 0;
    for (let j = 0; j < m.k; j++) {
      const p = at(m, i, j);
      if (p < 0 || p > 1) fail(fn, `probs row ${i} has ${p}, outside [0, 1]`);
      sum += p;
    }
    if (Math.abs(sum - 1) > ROW_SUM_TOLERANCE) fail(fn, `probs row ${i} sums to ${sum}, not 1`);
  }
}

function checkLabels(fn: string, labels: Labels, k: number, what = 'label'): void {
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i]!;
    if (!Number.isInteger(y) || y < 0 || y >= k) fail(fn, `${what} ${i} is ${y}, not a class index in 0..${k - 1}`);
  }
}

/** The shared prelude: labels and probability rows that match, with at least one image and two classes. */
function readLabelledProbs(fn: string, labels: Labels, probs: Probs, k?: number): Matrix {
  if (labels.length === 0) fail(fn, 'no labels: need at least one image');
  const m = readMatrix(fn, 'probs', probs, { n: labels.length, k });
  checkProbabilities(fn, m);
  checkLabels(fn, labels, m.k);
  return m;
}

function at(m: Matrix, i: number, j: number): number {
  return m.data[i * m.k + j]!;
}

/** Class of the largest value of row i; ties go to the lowest index. */
function argmaxRow(m: Matrix, i: number): number {
  let best = 0;
  for (let j = 1; j < m.k; j++) if (at(m, i, j) > at(m, i, best)) best = j;
  return best;
}

function argmaxAll(m: Matrix): Int32Array {
  const preds = new Int32Array(m.n);
  for (let i = 0; i < m.n; i++) preds[i] = argmaxRow(m, i);
  return preds;
}

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

// ---------------------------------------------------------------------------------------------
// Negative log-likelihood and temperature scaling

/**
 * Probabilities are clipped to at least this before the log (scikit-learn's historical log_loss eps): a float32
 * softmax can round a confident miss to exactly 0, and one Infinity would hide every other image's loss.
 */
export const NLL_EPSILON = 1e-15;

/** Mean over images of -ln p(true class), with p clipped to [NLL_EPSILON, 1]. */
export function negativeLogLikelihood(labels: Labels, probs: Probs): number {
  const m = readLabelledProbs('negativeLogLikelihood', labels, probs);
  let sum = 0;
  for (let i = 0; i < m.n; i++) sum -= Math.log(Math.max(at(m, i, labels[i]!), NLL_EPSILON));
  return sum / m.n;
}

export interface TemperatureOptions {
  /** Search range of T; defaults 0.05 and 20. */
  minTemperature?: number;
  maxTemperature?: number;
  /** Width of the final bracket on ln T; default 1e-6 (T to about 1e-6 relative). */
  tolerance?: number;
}

export interface TemperatureFit {
  temperature: number;
  /** Mean NLL of softmax(logits), i.e. at T = 1. */
  nllBefore: number;
  /** Mean NLL of softmax(logits / temperature). */
  nllAfter: number;
}

/**
 * Temperature scaling (Guo et al. 2017): the T > 0 minimising the mean NLL of softmax(logits / T) over the labelled
 * images. Fit it on held-out data (validation), never on the test set it is then evaluated on.
 *
 * `logits` may be raw logits or log-probabilities (they differ by a constant per row, which softmax ignores), as
 * number[][] or a flat Float32Array; they must be finite, so clip probabilities before taking their log.
 * The NLL is convex in 1/T, hence unimodal in ln T, so a golden-section search on ln T over
 * [minTemperature, maxTemperature] finds it deterministically. When the optimum lies outside the range (e.g. a
 * perfectly separated set, whose NLL keeps falling as T -> 0) the result is the nearest end of the range.
 */
export function fitTemperature(labels: Labels, logits: Probs, opts: TemperatureOptions = {}): TemperatureFit {
  const fn = 'fitTemperature';
  const { minTemperature = 0.05, maxTemperature = 20, tolerance = 1e-6 } = opts;
  if (!(minTemperature > 0 && maxTemperature > minTemperature && Number.isFinite(maxTemperature))) {
    fail(fn, `need 0 < minTemperature < maxTemperature < Infinity, got ${minTemperature} and ${maxTemperature}`);
  }
  if (!(tolerance > 0)) fail(fn, `tolerance must be positive, got ${tolerance}`);
  if (labels.length === 0) fail(fn, 'no labels: need at least one image');
  const m = readMatrix(fn, 'logits', logits, { n: labels.length });
  checkFinite(fn, 'logits', m);
  checkLabels(fn, labels, m.k);
  const nllAt = (t: number) => logitsNll(labels, m, t);
  const logT = goldenSectionMinimum((u) => nllAt(Math.exp(u)), Math.log(minTemperature), Math.log(maxTemperature), tolerance);
  const temperature = Math.exp(logT);
  return { temperature, nllBefore: nllAt(1), nllAfter: nllAt(temperature) };
}

/** Mean NLL of softmax(logits / t), through log-sum-exp so that large logits do not overflow. */
function logitsNll(labels: Labels, m: Matrix, t: number): number {
  let sum = 0;
  for (let i = 0; i < m.n; i++) {
    let max = -Infinity;
    for (let j = 0; j < m.k; j++) max = Math.max(max, at(m, i, j) / t);
    let z = 0;
    for (let j = 0; j < m.k; j++) z += Math.exp(at(m, i, j) / t - max);
    sum += max + Math.log(z) - at(m, i, labels[i]!) / t;
  }
  return sum / m.n;
}

/** Minimum of a unimodal f on [lo, hi], to a bracket narrower than tol; one new evaluation per step. */
function goldenSectionMinimum(f: (x: number) => number, lo: number, hi: number, tol: number): number {
  const g = (Math.sqrt(5) - 1) / 2;
  let a = lo, b = hi;
  let c = b - g * (b - a), d = a + g * (b - a);
  let fc = f(c), fd = f(d);
  while (b - a > tol) {
    if (fc <= fd) {
      b = d; d = c; fd = fc;
      c = b - g * (b - a); fc = f(c);
    } else {
      a = c; c = d; fc = fd;
      d = a + g * (b - a); fd = f(d);
    }
  }
  return (a + b) / 2;
}

/**
 * Rescales probability vectors by a temperature: softmax(ln p / T), i.e. p^(1/T) renormalised. T > 1 softens,
 * T < 1 sharpens, T = 1 changes nothing; a zero probability stays 0. Returns the shape it was given; a flat
 * Float32Array needs `k` to be cut into rows.
 */
/** Test-time augmentation's mean of two views' probabilities, element by element. */
export function averageProbs(a: Float32Array, b: Float32Array): Float32Array {
  return a.map((v, i) => (v + b[i]!) / 2);
}

/**
 * Bias-corrected temperature scaling (Alexandari et al., ICML 2020; "vector scaling" with one shared scale, Guo et
 * al. 2017): the temperature T and one bias per class minimising the mean NLL of softmax(logits / T + b) over
 * held-out labelled images. The NLL is convex in (1/T, b) (a multinomial logistic model on fixed inputs), so plain
 * gradient descent with a backtracking step finds the optimum; b is centred (softmax ignores a shared shift).
 * Why: a model can rank classes well (high one-vs-rest AUC) yet put its decision boundary in the wrong place for
 * one class, e.g. when a coarsely labelled second source pulls "some tumour" mass towards one type; a bias per
 * class, fitted on validation, moves the boundaries back. Fit it on validation, never on the test set.
 */
export function fitTemperatureAndBias(labels: Labels, logits: Probs, iterations = 2000): TemperatureFit & { bias: number[] } {
  const fn = 'fitTemperatureAndBias';
  if (labels.length === 0) fail(fn, 'no labels: need at least one image');
  const m = readMatrix(fn, 'logits', logits, { n: labels.length });
  checkFinite(fn, 'logits', m);
  checkLabels(fn, labels, m.k);
  const k = m.k;
  // Start from the best temperature alone, so the result is never worse than temperature scaling.
  const start = fitTemperature(labels, logits);
  let a = 1 / start.temperature;
  let b = new Array<number>(k).fill(0);
  const nll = (a: number, b: readonly number[]): number => {
    let sum = 0;
    for (let i = 0; i < m.n; i++) {
      let max = -Infinity;
      for (let j = 0; j < k; j++) max = Math.max(max, a * at(m, i, j) + b[j]!);
      let z = 0;
      for (let j = 0; j < k; j++) z += Math.exp(a * at(m, i, j) + b[j]! - max);
      sum += max + Math.log(z) - (a * at(m, i, labels[i]!) + b[labels[i]!]!);
    }
    return sum / m.n;
  };
  let f = nll(a, b);
  let step = 1;
  for (let it = 0; it < iterations; it++) {
    let ga = 0;
    const gb = new Array<number>(k).fill(0);
    for (let i = 0; i < m.n; i++) {
      let max = -Infinity;
      for (let j = 0; j < k; j++) max = Math.max(max, a * at(m, i, j) + b[j]!);
      let z = 0;
      const e = new Array<number>(k);
      for (let j = 0; j < k; j++) { e[j] = Math.exp(a * at(m, i, j) + b[j]! - max); z += e[j]!; }
      for (let j = 0; j < k; j++) {
        const d = e[j]! / z - (j === labels[i] ? 1 : 0);
        ga += d * at(m, i, j);
        gb[j]! += d;
      }
    }
    ga /= m.n;
    for (let j = 0; j < k; j++) gb[j]! /= m.n;
    const norm = Math.hypot(ga, ...gb);
    if (norm < 1e-7) break;
    // Backtracking: halve the step until the NLL falls; grow it again after a success.
    let improved = false;
    while (step > 1e-10) {
      const a2 = a - step * ga, b2 = b.map((v, j) => v - step * gb[j]!);
      const f2 = a2 > 0 ? nll(a2, b2) : Infinity;
      if (f2 < f) { a = a2; b = b2; f = f2; improved = true; step *= 1.5; break; }
      step /= 2;
    }
    if (!improved) break;
  }
  const mean = b.reduce((s, v) => s + v, 0) / k;
  return { temperature: 1 / a, bias: b.map((v) => v - mean), nllBefore: start.nllBefore, nllAfter: f };
}

/** softmax(ln p / t + bias), row by row: temperature scaling, with the class biases of fitTemperatureAndBias. */
export function applyTemperature(probs: Float32Array, t: number, k: number, bias?: readonly number[] | null): Float32Array;
export function applyTemperature(probs: readonly (readonly number[])[], t: number): number[][];
export function applyTemperature(probs: Probs, t: number, k?: number, bias?: readonly number[] | null): Float32Array | number[][] {
  const fn = 'applyTemperature';
  if (!(t > 0 && Number.isFinite(t))) fail(fn, `temperature must be positive and finite, got ${t}`);
  if (probs instanceof Float32Array && k === undefined) fail(fn, 'a flat Float32Array needs k, the number of classes');
  const m = readMatrix(fn, 'probs', probs, { k });
  checkProbabilities(fn, m);
  if (bias && (bias.length !== m.k || !bias.every(Number.isFinite))) fail(fn, `bias must be ${m.k} finite numbers, got ${JSON.stringify(bias)}`);
  const out = new Float64Array(m.n * m.k);
  for (let i = 0; i < m.n; i++) temperedRow(m, i, t, out.subarray(i * m.k, (i + 1) * m.k), bias ?? null);
  if (probs instanceof Float32Array) return Float32Array.from(out);
  return Array.from({ length: m.n }, (_, i) => Array.from(out.subarray(i * m.k, (i + 1) * m.k)));
}

/** softmax(ln p / t) of row i into `out`, shifted by the row maximum (ln 0 = -Infinity gives exp = 0). */
function temperedRow(m: Matrix, i: number, t: number, out: Float64Array, bias: readonly number[] | null): void {
  let max = -Infinity;
  const b = (j: number) => (bias ? bias[j]! : 0);
  for (let j = 0; j < m.k; j++) max = Math.max(max, Math.log(at(m, i, j)) / t + b(j));
  let z = 0;
  for (let j = 0; j < m.k; j++) {
    out[j] = Math.exp(Math.log(at(m, i, j)) / t + b(j) - max);
    z += out[j]!;
  }
  for (let j = 0; j < m.k; j++) out[j]! /= z;
}
