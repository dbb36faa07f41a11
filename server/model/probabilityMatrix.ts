/**
 * Labels and probability matrices as the metrics and the calibration read them: one flat row-major view whichever
 * shape the input came in (number[][] or a flat Float32Array from `dataSync()`), validated once, with errors that
 * name the calling function and the problem. Argmax ties go to the lowest class index (as numpy's argmax).
 */

export type Labels = Int32Array | readonly number[];
export type Probs = Float32Array | readonly (readonly number[])[];

/** How far a probability row may sum from 1: float32 softmax outputs are off by ~1e-7, a bug by far more. */
export const ROW_SUM_TOLERANCE = 1e-3;

// ---------------------------------------------------------------------------------------------
// Input validation: one flat row-major view of the matrix, whichever shape it came in

/** N rows of K values, row-major. */
export interface Matrix { n: number; k: number; data: ArrayLike<number> }

export function fail(fn: string, message: string): never {
  throw new Error(`${fn}: ${message}`);
}

/**
 * Reads number[][] or a flat Float32Array as an N x K matrix. A flat array has no row boundaries of its own, so
 * its shape comes from `shape`: K when given, else N (the number of labels).
 */
export function readMatrix(fn: string, what: string, values: Probs, shape: { n?: number; k?: number }): Matrix {
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

export function checkShape(fn: string, what: string, m: Matrix, shape: { n?: number }): Matrix {
  if (m.k < 2) fail(fn, `need K >= 2 classes, got rows of ${m.k}`);
  if (shape.n !== undefined && m.n !== shape.n) fail(fn, `${shape.n} labels but ${m.n} ${what} rows`);
  return m;
}

/** Rejects NaN and infinities, which would otherwise turn every average they touch into NaN silently. */
export function checkFinite(fn: string, what: string, m: Matrix): void {
  for (let i = 0; i < m.data.length; i++) {
    if (!Number.isFinite(m.data[i])) fail(fn, `${what} row ${Math.floor(i / m.k)} has a non-finite value ${m.data[i]}`);
  }
}

export function checkProbabilities(fn: string, m: Matrix): void {
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

export function checkLabels(fn: string, labels: Labels, k: number, what = 'label'): void {
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i]!;
    if (!Number.isInteger(y) || y < 0 || y >= k) fail(fn, `${what} ${i} is ${y}, not a class index in 0..${k - 1}`);
  }
}

/** The shared prelude: labels and probability rows that match, with at least one image and two classes. */
export function readLabelledProbs(fn: string, labels: Labels, probs: Probs, k?: number): Matrix {
  if (labels.length === 0) fail(fn, 'no labels: need at least one image');
  const m = readMatrix(fn, 'probs', probs, { n: labels.length, k });
  checkProbabilities(fn, m);
  checkLabels(fn, labels, m.k);
  return m;
}

export function at(m: Matrix, i: number, j: number): number {
  return m.data[i * m.k + j]!;
}

/** Class of the largest value of row i; ties go to the lowest index. */
export function argmaxRow(m: Matrix, i: number): number {
  let best = 0;
  for (let j = 1; j < m.k; j++) if (at(m, i, j) > at(m, i, best)) best = j;
  return best;
}

export function argmaxAll(m: Matrix): Int32Array {
  const preds = new Int32Array(m.n);
  for (let i = 0; i < m.n; i++) preds[i] = argmaxRow(m, i);
  return preds;
}

