/**
 * The evaluation metrics against small cases computed by hand (the arithmetic is in the comments), plus a few
 * properties on generated data: the ROC area by trapezoids equals the rank statistic, and temperature scaling
 * recovers the temperature the labels were drawn with.
 */
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  argmaxPredictions, classificationReport, confusionMatrix, type Probs,
} from '../../server/eval/metrics';

const NAMES = ['glioma', 'meningioma', 'notumor', 'pituitary'] as const;

/** Asserts |actual - expected| <= tol, with both numbers in the message. */
function near(actual: number | null | undefined, expected: number, tol = 1e-12, what = ''): void {
  assert.ok(actual != null && Math.abs(actual - expected) <= tol, `${what} expected ${expected}, got ${actual}`);
}

/** Probability rows whose argmax is `preds`: 0.7 on the predicted class, the rest shared equally. */
function probsFor(preds: readonly number[], k: number): number[][] {
  return preds.map((p) => Array.from({ length: k }, (_, j) => (j === p ? 0.7 : 0.3 / (k - 1))));
}

describe('argmaxPredictions', () => {
  it('takes the largest entry of each row, ties going to the lowest index', () => {
    assert.deepEqual(argmaxPredictions([[0.1, 0.9], [0.5, 0.5], [0.6, 0.4]], 2), Int32Array.from([1, 0, 0]));
  });

  it('cuts a flat Float32Array into rows of k', () => {
    const flat = Float32Array.from([0.1, 0.2, 0.7, /* row 1 */ 0.5, 0.3, 0.2]);
    assert.deepEqual(argmaxPredictions(flat, 3), Int32Array.from([2, 0]));
  });
});

describe('confusionMatrix', () => {
  it('counts true classes in rows and predicted classes in columns', () => {
    // (true, pred) pairs: (0,0) (0,1) (1,1) (2,0) (2,0) -> row 0 [1,1,0], row 1 [0,1,0], row 2 [2,0,0]
    assert.deepEqual(confusionMatrix([0, 0, 1, 2, 2], [0, 1, 1, 0, 0], 3), [[1, 1, 0], [0, 1, 0], [2, 0, 0]]);
  });

  it('accepts Int32Arrays', () => {
    assert.deepEqual(confusionMatrix(Int32Array.from([1, 0]), Int32Array.from([1, 1]), 2), [[0, 1], [0, 1]]);
  });
});

describe('classificationReport', () => {
  it('handles a class never predicted and a class absent from the labels (zero_division = 0)', () => {
    // 4 classes; notumor (2) is never a true label, pituitary (3) is never predicted.
    const labels = [0, 0, 0, 0, 1, 1, 3, 3];
    const preds = [0, 0, 0, 1, 1, 2, 0, 0];
    const r = classificationReport(labels, probsFor(preds, 4), NAMES);
    // Confusion (rows true, columns predicted):
    //   glioma      [3, 1, 0, 0]
    //   meningioma  [0, 1, 1, 0]
    //   notumor     [0, 0, 0, 0]
    //   pituitary   [2, 0, 0, 0]
    assert.deepEqual(r.confusion, [[3, 1, 0, 0], [0, 1, 1, 0], [0, 0, 0, 0], [2, 0, 0, 0]]);
    assert.equal(r.count, 8);
    near(r.accuracy, 4 / 8); // diagonal 3 + 1 = 4 of 8
    // support = row sums [4, 2, 0, 2]; predicted = column sums [5, 2, 1, 0]
    assert.deepEqual(r.perClass.map((c) => c.support), [4, 2, 0, 2]);
    assert.deepEqual(r.perClass.map((c) => c.predicted), [5, 2, 1, 0]);
    const [g, m, n, p] = r.perClass;
    // glioma: TP 3, FP 2, FN 1 -> P 3/5, R 3/4, F1 2*3 / (2*3 + 2 + 1) = 6/9
    near(g?.precision, 3 / 5); near(g?.recall, 3 / 4); near(g?.f1, 6 / 9);
    // meningioma: TP 1, FP 1, FN 1 -> P 1/2, R 1/2, F1 2 / (2 + 1 + 1) = 1/2
    near(m?.precision, 1 / 2); near(m?.recall, 1 / 2); near(m?.f1, 1 / 2);
    // notumor: TP 0 of 1 prediction -> P 0; support 0 -> R 0 (0/0 -> 0); F1 0 / (0 + 1 + 0) = 0
    near(n?.precision, 0); near(n?.recall, 0); near(n?.f1, 0);
    // pituitary: never predicted -> P 0 (0/0 -> 0); TP 0 of 2 -> R 0; F1 0 / (0 + 0 + 2) = 0
    near(p?.precision, 0); near(p?.recall, 0); near(p?.f1, 0);
    // All four appear in the labels or the predictions, so macro averages all four:
    //   P (3/5 + 1/2 + 0 + 0) / 4 = 1.1 / 4 = 0.275;  R (3/4 + 1/2) / 4 = 0.3125;  F1 (2/3 + 1/2) / 4 = 7/24
    assert.deepEqual(r.perClass.map((c) => c.inMacroAverage), [true, true, true, true]);
    near(r.macro.precision, 0.275); near(r.macro.recall, 0.3125); near(r.macro.f1, 7 / 24);
    // weighted by support [4, 2, 0, 2] / 8:
    //   P (4*3/5 + 2*1/2) / 8 = 3.4 / 8 = 0.425;  R (4*3/4 + 2*1/2) / 8 = 4/8 = accuracy;  F1 (4*2/3 + 2*1/2) / 8 = 11/24
    near(r.weighted.precision, 0.425); near(r.weighted.recall, 0.5); near(r.weighted.f1, 11 / 24);
    assert.deepEqual(r.perClass.map((c) => c.name), [...NAMES]);
  });

  it('leaves a class out of the macro average when it is neither a label nor a prediction', () => {
    // 3 classes, class 2 appears nowhere. Confusion [[1, 1, 0], [0, 2, 0], [0, 0, 0]].
    const r = classificationReport([0, 1, 0, 1], probsFor([0, 1, 1, 1], 3), ['a', 'b', 'c']);
    // a: TP 1, FP 0, FN 1 -> P 1, R 1/2, F1 2 / (2 + 0 + 1) = 2/3
    // b: TP 2, FP 1, FN 0 -> P 2/3, R 1, F1 4 / (4 + 1 + 0) = 4/5
    // macro over {a, b}: P (1 + 2/3) / 2 = 5/6, R (1/2 + 1) / 2 = 3/4, F1 (2/3 + 4/5) / 2 = 11/15
    assert.deepEqual(r.perClass.map((c) => c.inMacroAverage), [true, true, false]);
    near(r.macro.precision, 5 / 6); near(r.macro.recall, 3 / 4); near(r.macro.f1, 11 / 15);
    const c = r.perClass[2];
    assert.deepEqual([c?.precision, c?.recall, c?.f1, c?.support, c?.predicted], [0, 0, 0, 0, 0]);
  });

  it('gives 1 everywhere for perfect predictions', () => {
    const labels = [0, 1, 2, 3, 3, 2];
    const r = classificationReport(labels, probsFor(labels, 4), NAMES);
    assert.equal(r.accuracy, 1);
    for (const c of r.perClass) assert.deepEqual([c.precision, c.recall, c.f1], [1, 1, 1]);
    assert.deepEqual(r.macro, { precision: 1, recall: 1, f1: 1 });
    assert.deepEqual(r.weighted, { precision: 1, recall: 1, f1: 1 });
  });

  it('gives 0 everywhere when every prediction is wrong', () => {
    // each image predicted as the next class: TP = 0 for every class
    const labels = [0, 1, 2, 3, 0];
    const r = classificationReport(labels, probsFor(labels.map((y) => (y + 1) % 4), 4), NAMES);
    assert.equal(r.accuracy, 0);
    assert.deepEqual(r.macro, { precision: 0, recall: 0, f1: 0 });
    assert.deepEqual(r.weighted, { precision: 0, recall: 0, f1: 0 });
  });

  it('reads a flat Float32Array of N x K probabilities like the rows', () => {
    const rows = probsFor([0, 1, 1], 2);
    const flat = Float32Array.from(rows.flat());
    const a = classificationReport([0, 1, 0], rows, ['x', 'y']), b = classificationReport([0, 1, 0], flat, ['x', 'y']);
    assert.deepEqual(b.confusion, a.confusion);
    assert.deepEqual(b.macro, a.macro);
  });
});

describe('input validation', () => {
  const ok: Probs = [[0.9, 0.1], [0.2, 0.8]];
  const cases: [string, () => unknown, RegExp][] = [
    ['lengths differ', () => classificationReport([0, 1, 1], ok, ['a', 'b']), /3 labels but 2 probs rows/],
    ['no images', () => classificationReport([], [], ['a', 'b']), /at least one image/],
    ['one class', () => classificationReport([0], [[1]], ['a']), /at least 2 classes/],
    ['label out of range', () => classificationReport([0, 2], ok, ['a', 'b']), /label 1 is 2, not a class index in 0\.\.1/],
    ['non-integer label', () => classificationReport([0, 0.5], ok, ['a', 'b']), /label 1 is 0\.5/],
    ['NaN probability', () => classificationReport([0, 1], [[NaN, 1], [0.2, 0.8]], ['a', 'b']), /row 0 has a non-finite value NaN/],
    ['row not summing to 1', () => classificationReport([0, 1], [[0.5, 0.1], [0.2, 0.8]], ['a', 'b']), /row 0 sums to 0\.6/],
    ['negative probability', () => classificationReport([0, 1], [[1.5, -0.5], [0.2, 0.8]], ['a', 'b']), /outside \[0, 1\]/],
    ['ragged rows', () => classificationReport([0, 1], [[0.5, 0.5], [1]], ['a', 'b']), /row 1 has 1 values, expected 2/],
    ['rows longer than the class names', () => classificationReport([0], [[0.2, 0.3, 0.5]], ['a', 'b']), /row 0 has 3 values, expected 2/],
    ['flat array of the wrong size', () => classificationReport([0, 1], new Float32Array(5), ['a', 'b']), /5 values is not 2 rows of 2/],
    ['confusion lengths differ', () => confusionMatrix([0, 1], [0], 2), /2 labels but 1 predictions/],
    ['prediction out of range', () => confusionMatrix([0, 1], [0, -1], 2), /prediction 1 is -1/],
  ];
  for (const [what, call, message] of cases) {
    it(`throws when ${what}`, () => assert.throws(call, message));
  }
});
