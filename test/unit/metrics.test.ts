/**
 * The evaluation metrics against small cases computed by hand (the arithmetic is in the comments), plus a few
 * properties on generated data: the ROC area by trapezoids equals the rank statistic, and temperature scaling
 * recovers the temperature the labels were drawn with.
 */
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyTemperature, fitTemperature, fitTemperatureAndBias, negativeLogLikelihood, NLL_EPSILON } from '../../server/model/calibration';
import { argmaxPredictions, classificationReport, confusionMatrix, expectedCalibrationError, rocAucOneVsRest, rocCurve, type Probs, type RocPoint } from '../../server/eval/metrics';
import { seededRandom } from '../../server/data/splitDataset';

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

/** Two-class rows [1 - s, s] from scores s of class 1. */
const binary = (scores: readonly number[]): number[][] => scores.map((s) => [1 - s, s]);

/** Area under a ROC curve by trapezoids. */
function trapezoidArea(points: readonly RocPoint[]): number {
  let area = 0;
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1]!, b = points[i]!;
    area += ((b.fpr - a.fpr) * (a.tpr + b.tpr)) / 2;
  }
  return area;
}

describe('rocAucOneVsRest', () => {
  it('matches the rank statistic by hand (scikit-learn roc_auc_score example)', () => {
    // labels [0, 0, 1, 1], class-1 scores [0.1, 0.4, 0.35, 0.8].
    // Ranks ascending: 0.1 -> 1, 0.35 -> 2, 0.4 -> 3, 0.8 -> 4; the positives (0.35, 0.8) sum to 2 + 4 = 6.
    // U = 6 - 2*3/2 = 3; AUC = 3 / (2 * 2) = 0.75. Class 0 scores 1 - s: the order reverses and so do the roles,
    // so class 0 also gets 0.75.
    const r = rocAucOneVsRest([0, 0, 1, 1], binary([0.1, 0.4, 0.35, 0.8]), 2);
    near(r.perClass[0], 0.75); near(r.perClass[1], 0.75); near(r.macro, 0.75);
  });

  it('gives tied scores their average rank', () => {
    // labels [0, 1, 0, 1, 1], class-1 scores [0.2, 0.2, 0.5, 0.5, 0.9]
    // Ranks: the two 0.2 share (1 + 2) / 2 = 1.5, the two 0.5 share (3 + 4) / 2 = 3.5, 0.9 -> 5.
    // Positives (0.2, 0.5, 0.9): 1.5 + 3.5 + 5 = 10; U = 10 - 3*4/2 = 4; AUC = 4 / (3 * 2) = 2/3.
    // By pairs: 0.2 vs {0.2, 0.5} = 1/2 + 0, 0.5 vs {0.2, 0.5} = 1 + 1/2, 0.9 vs both = 2 -> 4 of 6 pairs.
    const r = rocAucOneVsRest([0, 1, 0, 1, 1], binary([0.2, 0.2, 0.5, 0.5, 0.9]), 2);
    near(r.perClass[1], 2 / 3);
  });

  it('gives 0.5 to constant scores, 1 to a perfect ranking and 0 to a reversed one', () => {
    near(rocAucOneVsRest([0, 1, 0, 1], binary([0.5, 0.5, 0.5, 0.5]), 2).perClass[1], 0.5);
    near(rocAucOneVsRest([0, 0, 1, 1], binary([0.1, 0.2, 0.8, 0.9]), 2).perClass[1], 1);
    near(rocAucOneVsRest([0, 0, 1, 1], binary([0.9, 0.8, 0.2, 0.1]), 2).perClass[1], 0);
  });

  it('is null for a class absent from the labels and for the only class present, and macro skips those', () => {
    // 3 classes, labels only 0 and 1: class 2 has no positives -> null.
    // Class 0 scores [0.6, 0.3, 0.2, 0.1] for labels [0, 0, 1, 1]: both positives above both negatives -> 1.
    // Class 1 scores [0.2, 0.5, 0.7, 0.1]: positives 0.7, 0.1 vs negatives 0.2, 0.5 -> pairs won 2 + 0 of 4 = 0.5.
    // macro over classes 0 and 1: (1 + 0.5) / 2 = 0.75.
    const probs = [[0.6, 0.2, 0.2], [0.3, 0.5, 0.2], [0.2, 0.7, 0.1], [0.1, 0.1, 0.8]];
    const r = rocAucOneVsRest([0, 0, 1, 1], probs, 3);
    assert.equal(r.perClass[2], null);
    near(r.perClass[0], 1); near(r.perClass[1], 0.5); near(r.macro, 0.75);
    // Only class 0 present: class 0 has no negatives, class 1 no positives -> nothing defined.
    assert.deepEqual(rocAucOneVsRest([0, 0], binary([0.3, 0.6]), 2), { perClass: [null, null], macro: null });
  });
});

describe('rocCurve', () => {
  it('has one point per distinct threshold, from (0, 0) to (1, 1)', () => {
    // labels [0, 0, 1, 1], scores [0.1, 0.4, 0.35, 0.8]; 2 positives, 2 negatives. Thresholds high to low:
    //   Infinity: nothing positive                -> (0, 0)
    //   0.8:  {0.8}            TP 1, FP 0         -> (0, 0.5)
    //   0.4:  {0.8, 0.4}       TP 1, FP 1         -> (0.5, 0.5)
    //   0.35: {.., 0.35}       TP 2, FP 1         -> (0.5, 1)
    //   0.1:  everything       TP 2, FP 2         -> (1, 1)
    const curve = rocCurve([0, 0, 1, 1], binary([0.1, 0.4, 0.35, 0.8]), 1);
    assert.deepEqual(curve, [
      { fpr: 0, tpr: 0, threshold: Infinity },
      { fpr: 0, tpr: 0.5, threshold: 0.8 },
      { fpr: 0.5, tpr: 0.5, threshold: 0.4 },
      { fpr: 0.5, tpr: 1, threshold: 0.35 },
      { fpr: 1, tpr: 1, threshold: 0.1 },
    ]);
  });

  it('moves diagonally through tied scores, so its trapezoids give the tie-averaged AUC', () => {
    // labels [0, 1, 0, 1, 1], scores [0.2, 0.2, 0.5, 0.5, 0.9]; 3 positives, 2 negatives:
    //   0.9 -> (0, 1/3); 0.5 (one of each) -> (1/2, 2/3); 0.2 (one of each) -> (1, 1)
    // trapezoids: 0 + (1/2)(1/3 + 2/3)/2 + (1/2)(2/3 + 1)/2 = 1/4 + 5/12 = 2/3, the AUC above.
    const curve = rocCurve([0, 1, 0, 1, 1], binary([0.2, 0.2, 0.5, 0.5, 0.9]), 1)!;
    assert.deepEqual(curve.map((p) => [p.fpr, p.tpr]), [[0, 0], [0, 1 / 3], [0.5, 2 / 3], [1, 1]]);
    near(trapezoidArea(curve), 2 / 3);
  });

  it('is null when the class has no positives or no negatives', () => {
    assert.equal(rocCurve([0, 0], binary([0.3, 0.6]), 1), null);
    assert.equal(rocCurve([0, 0], binary([0.3, 0.6]), 0), null);
  });

  it('agrees with the rank-statistic AUC on random data with many ties', () => {
    // Scores rounded to 0.1 so most of them tie; 4 classes, flat Float32Array input.
    const rand = seededRandom(11), n = 300, k = 4;
    const labels = Int32Array.from({ length: n }, () => Math.floor(rand() * k));
    const flat = new Float32Array(n * k);
    for (let i = 0; i < n; i++) {
      const w = Array.from({ length: k }, (_, j) => Math.round((rand() + (j === labels[i] ? 0.5 : 0)) * 10) + 1);
      const total = w.reduce((s, v) => s + v, 0);
      w.forEach((v, j) => { flat[i * k + j] = v / total; });
    }
    const auc = rocAucOneVsRest(labels, flat, k);
    for (let c = 0; c < k; c++) {
      const curve = rocCurve(labels, flat, c)!;
      assert.deepEqual(curve.at(-1), { fpr: 1, tpr: 1, threshold: curve.at(-1)!.threshold });
      near(trapezoidArea(curve), auc.perClass[c]!, 1e-12, `class ${c}`);
      assert.ok(auc.perClass[c]! > 0.6, 'the generated scores favour the true class');
    }
  });
});

describe('expectedCalibrationError', () => {
  it('matches a hand computation with the default 15 bins', () => {
    // Top-class confidences 0.9, 0.9, 0.6, 0.6; the two 0.9 are right, the two 0.6 wrong.
    const probs = [[0.9, 0.1], [0.9, 0.1], [0.6, 0.4], [0.4, 0.6]];
    const labels = [0, 0, 1, 0]; // predictions 0, 0, 0, 1
    const r = expectedCalibrationError(labels, probs);
    // 0.9 * 15 = 13.5 -> bin 13 = [13/15, 14/15): 2 predictions, accuracy 1, confidence 0.9, gap 0.1
    // 0.6 * 15 = 9    -> bin 9  = [9/15, 10/15):  2 predictions, accuracy 0, confidence 0.6, gap 0.6
    // ECE = (2/4) 0.1 + (2/4) 0.6 = 0.35; MCE = max(0.1, 0.6) = 0.6
    near(r.ece, 0.35, 1e-12); near(r.maxCalibrationError, 0.6, 1e-12);
    assert.equal(r.bins.length, 15);
    assert.deepEqual(r.bins[13], { lower: 13 / 15, upper: 14 / 15, count: 2, accuracy: 1, confidence: 0.9 });
    assert.deepEqual(r.bins[9], { lower: 9 / 15, upper: 10 / 15, count: 2, accuracy: 0, confidence: 0.6 });
    const empty = r.bins.filter((_, b) => b !== 9 && b !== 13);
    assert.ok(empty.every((b) => b.count === 0 && b.accuracy === null && b.confidence === null));
  });

  it('gives the same ECE with 10 bins, where the two groups sit in bins 9 and 6', () => {
    const r = expectedCalibrationError([0, 0, 1, 0], [[0.9, 0.1], [0.9, 0.1], [0.6, 0.4], [0.4, 0.6]], 10);
    assert.deepEqual(r.bins.map((b) => b.count), [0, 0, 0, 0, 0, 0, 2, 0, 0, 2]);
    near(r.ece, 0.35, 1e-12);
  });

  it('is 0 when the confidence matches the accuracy', () => {
    // confidence 0.75 four times, 3 of 4 right: gap |0.75 - 0.75| = 0
    const r = expectedCalibrationError([0, 0, 0, 1], Array.from({ length: 4 }, () => [0.75, 0.25]));
    assert.equal(r.ece, 0);
    assert.equal(r.maxCalibrationError, 0);
  });

  it('puts confidence 1 in the last bin and a confidence on an edge in the bin that starts there', () => {
    const top = expectedCalibrationError([0], [[1, 0]], 15);
    assert.equal(top.bins[14]?.count, 1);
    near(top.ece, 0); // confidence 1, right
    // 15/22 * 22 = 14.999999999999998 in floating point: a bare floor would put it in bin 14, below its edge.
    const edge = expectedCalibrationError([0], [[15 / 22, 7 / 22]], 22);
    assert.equal(edge.bins[15]?.count, 1);
    assert.equal(edge.bins[15]?.lower, 15 / 22);
  });

  it('reads a flat Float32Array, taking K = values / labels', () => {
    const flat = Float32Array.from([0.25, 0.25, 0.5, /* row 1 */ 0.1, 0.8, 0.1]);
    const r = expectedCalibrationError([2, 0], flat, 4);
    // confidences 0.5 (right) -> bin 2 = [0.5, 0.75); 0.8 (wrong) -> bin 3 (float32 0.8 is 0.800000011920929)
    // ECE = (1/2)|1 - 0.5| + (1/2)|0 - 0.8| = 0.25 + 0.4 = 0.65 (to float32 precision)
    assert.deepEqual(r.bins.map((b) => b.count), [0, 0, 1, 1]);
    near(r.ece, 0.65, 1e-7);
  });
});

describe('negativeLogLikelihood', () => {
  it('is the mean of -ln p(true class)', () => {
    // -(ln 0.5 + ln 0.8) / 2 = (ln 2 + ln 1.25) / 2 = ln 2.5 / 2 = 0.4581...
    near(negativeLogLikelihood([0, 1], [[0.5, 0.5], [0.2, 0.8]]), Math.log(2.5) / 2, 1e-15);
    assert.equal(negativeLogLikelihood([0], [[1, 0]]), 0);
  });

  it('clips a zero probability of the true class to NLL_EPSILON instead of returning Infinity', () => {
    near(negativeLogLikelihood([0], [[0, 1]]), -Math.log(NLL_EPSILON), 1e-12); // 15 ln 10 = 34.54
  });
});

/** Standard normal draws from a seeded uniform source (Box-Muller). */
function gaussian(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

function softmax(z: readonly number[], t = 1): number[] {
  const max = Math.max(...z.map((v) => v / t));
  const e = z.map((v) => Math.exp(v / t - max));
  const total = e.reduce((s, v) => s + v, 0);
  return e.map((v) => v / total);
}

/** n images of k classes: logits 3 N(0, 1), labels drawn from softmax(logits / t0) with a seeded PRNG. */
function synthetic(seed: number, n: number, k: number, t0: number): { logits: number[][]; labels: Int32Array } {
  const rand = seededRandom(seed);
  const logits = Array.from({ length: n }, () => Array.from({ length: k }, () => 3 * gaussian(rand)));
  const labels = Int32Array.from(logits, (z) => {
    const p = softmax(z, t0);
    let u = rand(), c = 0;
    while (c < k - 1 && u >= p[c]!) u -= p[c++]!;
    return c;
  });
  return { logits, labels };
}

describe('fitTemperature', () => {
  it('finds the closed-form optimum of a two-class case', () => {
    // Four images with logits [1, 0]; three are class 0, one class 1. NLL(T) is minimal where the model's
    // p(class 0) = sigmoid(1 / T) equals the observed 3/4: 1 / T = ln(3/4 / (1/4)) = ln 3, T = 1 / ln 3 = 0.9102.
    // There NLL = -(3/4 ln 3/4 + 1/4 ln 1/4) = 0.5623; at T = 1 it is 3/4 ln(1 + e^-1) + 1/4 ln(1 + e) = 0.5633.
    const fit = fitTemperature([0, 0, 0, 1], Array.from({ length: 4 }, () => [1, 0]));
    near(fit.temperature, 1 / Math.log(3), 1e-5);
    near(fit.nllAfter, -(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25)), 1e-10);
    near(fit.nllBefore, 0.75 * Math.log(1 + Math.exp(-1)) + 0.25 * Math.log(1 + Math.E), 1e-12);
  });

  for (const t0 of [0.5, 2]) {
    it(`recovers T0 = ${t0} from labels drawn from softmax(logits / T0)`, () => {
      const { logits, labels } = synthetic(2024, 4000, 4, t0);
      const fit = fitTemperature(labels, logits);
      assert.ok(Math.abs(fit.temperature / t0 - 1) < 0.1, `fitted ${fit.temperature} for T0 = ${t0}`);
      assert.ok(fit.nllAfter < fit.nllBefore, 'scaling lowers the NLL when the data are mis-calibrated');
    });
  }

  it('gives the same temperature from log-probabilities, as a flat Float32Array, as from logits', () => {
    const { logits, labels } = synthetic(7, 500, 4, 1.5);
    const logProbs = Float32Array.from(logits.flatMap((z) => softmax(z).map(Math.log)));
    near(fitTemperature(labels, logProbs).temperature, fitTemperature(labels, logits).temperature, 1e-4);
  });

  it('stops at the ends of the range when the optimum is beyond them', () => {
    // Separable: NLL keeps falling as T -> 0. Uninformative (same logits, both labels): best at T -> Infinity.
    near(fitTemperature([0, 1], [[2, 0], [0, 2]]).temperature, 0.05, 1e-5);
    near(fitTemperature([0, 1], [[1, 0], [1, 0]]).temperature, 20, 1e-3);
    near(fitTemperature([0, 1], [[2, 0], [0, 2]], { minTemperature: 0.5 }).temperature, 0.5, 1e-5);
  });
});

describe('applyTemperature', () => {
  it('raises probabilities to 1 / T and renormalises', () => {
    // T = 2: sqrt(0.8) = 2 sqrt(0.2), so [2, 1] / 3.  T = 1/2: [0.64, 0.04] / 0.68 = [16/17, 1/17].
    const [soft] = applyTemperature([[0.8, 0.2]], 2), [sharp] = applyTemperature([[0.8, 0.2]], 0.5);
    near(soft?.[0], 2 / 3, 1e-15); near(soft?.[1], 1 / 3, 1e-15);
    near(sharp?.[0], 16 / 17, 1e-15); near(sharp?.[1], 1 / 17, 1e-15);
    const [same] = applyTemperature([[0.8, 0.2]], 1);
    near(same?.[0], 0.8, 1e-15);
  });

  it('keeps zeros at zero and returns a Float32Array for a Float32Array', () => {
    const out = applyTemperature(Float32Array.from([0, 0.25, 0.75, /* row 1 */ 1, 0, 0]), 3, 3);
    assert.ok(out instanceof Float32Array);
    assert.equal(out[0], 0);
    assert.deepEqual(Array.from(out.subarray(3)), [1, 0, 0]);
    // row 0 at T = 3: [0, 0.25^(1/3), 0.75^(1/3)] / sum = [0, 1, 3^(1/3)] / (1 + 3^(1/3))
    near(out[2], Math.cbrt(3) / (1 + Math.cbrt(3)), 1e-7);
  });

  it('equals softmax(logits / T) for probabilities that came from softmax(logits)', () => {
    const z = [1.5, -0.3, 0.2, 2.4];
    const [scaled] = applyTemperature([softmax(z)], 1.7);
    softmax(z, 1.7).forEach((p, j) => near(scaled?.[j], p, 1e-12));
    // and the NLL fitTemperature reports is the NLL of those probabilities
    const { logits, labels } = synthetic(3, 200, 4, 1.3);
    const fit = fitTemperature(labels, logits);
    near(negativeLogLikelihood(labels, applyTemperature(logits.map((row) => softmax(row)), fit.temperature)), fit.nllAfter, 1e-9);
  });
});

describe('fitTemperatureAndBias (bias-corrected temperature scaling)', () => {
  it('recovers a class whose logits are shifted down, and moves the decisions back', () => {
    // Labels drawn from softmax(z); the model reports z / 2 with class 0 pushed down by 1.5 (a misplaced boundary).
    const rand = seededRandom(11);
    const labels: number[] = [], logits: number[][] = [];
    for (let i = 0; i < 3000; i++) {
      const z = [0, 1, 2].map(() => 3 * (rand() - 0.5));
      const e = z.map(Math.exp), sum = e.reduce((a, b) => a + b, 0);
      const u = rand();
      labels.push(u < e[0]! / sum ? 0 : u < (e[0]! + e[1]!) / sum ? 1 : 2);
      logits.push(z.map((v, j) => v / 2 - (j === 0 ? 1.5 : 0)));
    }
    const fit = fitTemperatureAndBias(labels, logits);
    assert.ok(Math.abs(fit.temperature - 0.5) < 0.08, `T ${fit.temperature}`);
    // Centred: b = (+1.5, 0, 0) - 0.5 in the model's scale, i.e. b0 - b1 = 1.5 / T... the logits are z/2 - shift, so
    // softmax(logits / T + b) = softmax(z + b - 2 * shift): b0 - b1 should be about 3.
    assert.ok(Math.abs(fit.bias[0]! - fit.bias[1]! - 3) < 0.4, `bias ${fit.bias.join(", ")}`);
    assert.ok(Math.abs(fit.bias.reduce((a, b) => a + b, 0)) < 1e-9, 'centred');
    assert.ok(fit.nllAfter < fitTemperature(labels, logits).nllAfter, 'better than the temperature alone');
    const probs = Float32Array.from(logits.flatMap((z) => { const e = z.map(Math.exp); const s = e.reduce((a, b) => a + b, 0); return e.map((v) => v / s); }));
    const acc = (p: Float32Array) => labels.filter((y, i) => { const row = Array.from(p.subarray(i * 3, i * 3 + 3)); return row.indexOf(Math.max(...row)) === y; }).length / labels.length;
    assert.ok(acc(applyTemperature(probs, fit.temperature, 3, fit.bias)) > acc(probs) + 0.03, 'the biases move the decisions back');
    // No bias: exactly temperature scaling as before (older models carry none).
    assert.deepEqual(applyTemperature(probs, 0.7, 3, null), applyTemperature(probs, 0.7, 3));
    assert.throws(() => applyTemperature(probs, 1, 3, [1, 2]), /bias must be 3 finite numbers/);
  });
});

describe('input validation', () => {
  const ok: Probs = [[0.9, 0.1], [0.2, 0.8]];
  const cases: [string, () => unknown, RegExp][] = [
    ['lengths differ', () => classificationReport([0, 1, 1], ok, ['a', 'b']), /3 labels but 2 probs rows/],
    ['no images', () => classificationReport([], [], ['a', 'b']), /at least one image/],
    ['one class', () => classificationReport([0], [[1]], ['a']), /K >= 2, got 1/],
    ['rows of one class', () => expectedCalibrationError([0], [[1]]), /K >= 2 classes, got rows of 1/],
    ['no class names with a flat array', () => classificationReport([0], new Float32Array(2), []), /K >= 2, got 0/],
    ['fractional K', () => rocAucOneVsRest([0], [[0.5, 0.5]], 2.5), /K >= 2, got 2\.5/],
    ['confusion K of 1', () => confusionMatrix([0], [0], 1), /K >= 2, got 1/],
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
    ['AUC probs rows of the wrong length', () => rocAucOneVsRest([0, 1], ok, 3), /row 0 has 2 values, expected 3/],
    ['bins not a positive integer', () => expectedCalibrationError([0, 1], ok, 0), /bins must be a positive integer, got 0/],
    ['flat array that is not N rows', () => expectedCalibrationError([0, 1], new Float32Array(3), 4), /3 values is not 2 rows of K/],
    ['NLL label out of range', () => negativeLogLikelihood([0, 5], ok), /label 1 is 5/],
    ['non-finite logits', () => fitTemperature([0, 1], [[1, -Infinity], [0, 1]]), /logits row 0 has a non-finite value -Infinity/],
    ['logits and labels differ in length', () => fitTemperature([0], [[1, 0], [0, 1]]), /1 labels but 2 logits rows/],
    ['bad temperature range', () => fitTemperature([0, 1], ok, { minTemperature: 0 }), /0 < minTemperature < maxTemperature/],
    ['no images to fit', () => fitTemperature([], []), /at least one image/],
    ['temperature not positive', () => applyTemperature(ok, 0), /temperature must be positive and finite, got 0/],
    ['temperature NaN', () => applyTemperature(ok, NaN), /got NaN/],
    ['flat array without k', () => applyTemperature(new Float32Array(4), 2, undefined as unknown as number), /needs k/],
    ['ROC class out of range', () => rocCurve([0, 1], ok, 2), /class 2 is not a class index in 0\.\.1/],
  ];
  for (const [what, call, message] of cases) {
    it(`throws when ${what}`, () => assert.throws(call, message));
  }
});
