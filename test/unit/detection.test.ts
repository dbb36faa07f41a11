/**
 * Tumour vs no tumour from four-class probabilities, on hand-computed cases: sensitivity, specificity, the confident
 * misses and false alarms at the review threshold, coarse labels, failed rows, the AUC of P(tumour).
 */
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { COARSE_INDEX } from '../../server/data/classNames';
import { detectionScores, predictedCounts } from '../../server/eval/detection';

// Class order: glioma 0, meningioma 1, notumor 2, pituitary 3.
const rows = (r: number[][]) => Float32Array.from(r.flat());

describe('detectionScores', () => {
  it('counts sensitivity, specificity and the confident errors by hand', () => {
    const labels = [0, 1, COARSE_INDEX, COARSE_INDEX, 3, 2, 2, 2];
    const probs = rows([
      [0.8, 0.1, 0.05, 0.05], // glioma found
      [0.1, 0.2, 0.65, 0.05], // meningioma missed, notumor 0.65 < 0.7: flagged as uncertain, not a confident miss
      [0.05, 0.05, 0.85, 0.05], // coarse tumour missed at 0.85: a confident miss
      [0.3, 0.3, 0.1, 0.3], // coarse tumour found (any type is right)
      [0.02, 0.02, 0.9, 0.06], // pituitary missed at 0.9: confident miss
      [0.0, 0.0, 1.0, 0.0], // notumor cleared
      [0.75, 0.05, 0.15, 0.05], // notumor called glioma at 0.75: confident false alarm
      [0.1, 0.5, 0.3, 0.1], // notumor called meningioma at 0.5: a false alarm, but flagged
    ]);
    const d = detectionScores(labels, probs, 0.7);
    assert.equal(d.count, 8);
    assert.equal(d.tumour, 5);
    assert.equal(d.notumor, 3);
    assert.equal(d.sensitivity, 0.4); // 2 of 5
    assert.equal(d.specificity, 0.33333); // 1 of 3
    assert.deepEqual(d.confidentMisses, { count: 2, of: 5, rate: 0.4 });
    assert.deepEqual(d.confidentFalseAlarms, { count: 1, of: 3, rate: 0.33333 });
    assert.ok(d.auc !== null && d.auc > 0 && d.auc < 1);
  });

  it('gives the AUC of P(tumour) = 1 - P(notumor): 1 when the ranking is perfect', () => {
    const d = detectionScores([0, 2, 1, 2], rows([[0.6, 0, 0.4, 0], [0.1, 0, 0.9, 0], [0, 0.3, 0.7, 0], [0, 0, 0.95, 0.05]]), 0.7);
    assert.equal(d.auc, 1);
    assert.equal(d.sensitivity, 0.5);
  });

  it('has no specificity without notumor images and no sensitivity without tumour ones', () => {
    const onlyTumour = detectionScores([COARSE_INDEX, COARSE_INDEX], rows([[0, 0, 1, 0], [1, 0, 0, 0]]), 0.7);
    assert.equal(onlyTumour.specificity, null);
    assert.equal(onlyTumour.auc, null);
    assert.deepEqual(onlyTumour.confidentFalseAlarms, { count: 0, of: 0, rate: null });
    assert.equal(onlyTumour.sensitivity, 0.5);
    const onlyNone = detectionScores([2], rows([[0, 0, 1, 0]]), 0.7);
    assert.equal(onlyNone.sensitivity, null);
    assert.equal(onlyNone.specificity, 1);
  });

  it('counts a miss exactly at the threshold as confident (as classification flags below it), and skips failed (NaN) rows', () => {
    // 0.5 and 0.25 are exact in float32 (0.7 is not: float32 0.7 is just below the threshold 0.7, as in classification).
    const d = detectionScores([0, 0], rows([[0.25, 0.125, 0.5, 0.125], [NaN, NaN, NaN, NaN]]), 0.5);
    assert.equal(d.count, 1);
    assert.deepEqual(d.confidentMisses, { count: 1, of: 1, rate: 1 });
  });

  it('tallies how the images were called', () => {
    assert.deepEqual(predictedCounts(rows([[0, 0, 1, 0], [0, 0, 1, 0], [0, 1, 0, 0], [NaN, 0, 0, 0]])), { glioma: 0, meningioma: 1, notumor: 2, pituitary: 0 });
  });

  it('rejects a label that is neither a class nor the coarse label', () => {
    assert.throws(() => detectionScores([9], rows([[1, 0, 0, 0]]), 0.7), /neither a class/);
  });
});
