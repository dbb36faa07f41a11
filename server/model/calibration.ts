/**
 * Calibration of a classifier's probabilities: the negative log-likelihood, temperature scaling (with per-class
 * biases), and applying a fitted calibration. Evaluation fits it, classification and training apply it, so it lives
 * below all three. Pure (no tfjs, no I/O); checked against hand computations in test/unit/metrics.test.ts.
 */
import { at, checkFinite, checkLabels, checkProbabilities, fail, type Labels, type Matrix, type Probs, readLabelledProbs, readMatrix } from './probabilityMatrix';

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
