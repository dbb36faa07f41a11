/**
 * Tumour vs no tumour from four-class probabilities: the figures external validation is judged by. A prediction is
 * "tumour" when its most likely class is a tumour type (as the Classification panel would say). The errors that
 * matter are the confident ones: a tumour called notumor at or above the review threshold is not flagged as
 * uncertain, so nobody looks again (the out-of-distribution rules of classification are not applied here, so these
 * counts are an upper bound of what classification would let through).
 */
import type { DetectionScores, RateCount } from '../protocol';
import { CLASSES, COARSE_INDEX } from '../data/classNames';
import { rocAucOneVsRest } from './metrics';

const K = CLASSES.length;
const NOTUMOR = CLASSES.indexOf('notumor');

/** The most likely class of one probability row (ties to the lowest index, as metrics.ts), or -1 for a failed row. */
export function rowPrediction(row: ArrayLike<number>): number {
  let best = 0;
  for (let k = 0; k < row.length; k++) {
    if (Number.isNaN(row[k]!)) return -1;
    if (row[k]! > row[best]!) best = k;
  }
  return best;
}

export const rateCount = (count: number, of: number): RateCount => ({ count, of, rate: of ? round(count / of) : null });
const round = (v: number) => Math.round(v * 1e5) / 1e5;

/**
 * `labels`: class index per image, or COARSE_INDEX for a tumour of unknown type; `probs`: [n, K] (calibrated).
 * Rows with a NaN probability (images that failed) are skipped.
 */
export function detectionScores(labels: ArrayLike<number>, probs: Float32Array, threshold: number): DetectionScores {
  let count = 0, tumour = 0, notumor = 0, found = 0, cleared = 0, misses = 0, alarms = 0;
  const binLabels: number[] = [];
  const binProbs: number[][] = [];
  for (let i = 0; i < labels.length; i++) {
    const row = probs.subarray(i * K, (i + 1) * K);
    const best = rowPrediction(row);
    if (best < 0) continue;
    const l = labels[i]!;
    if (l !== COARSE_INDEX && (l < 0 || l >= K)) throw new Error(`label index ${l} is neither a class nor the coarse label`);
    const isTumour = l !== NOTUMOR;
    const saysTumour = best !== NOTUMOR;
    count++;
    if (isTumour) {
      tumour++;
      if (saysTumour) found++;
      else if (row[NOTUMOR]! >= threshold) misses++;
    } else {
      notumor++;
      if (!saysTumour) cleared++;
      else if (row[best]! >= threshold) alarms++;
    }
    binLabels.push(isTumour ? 0 : 1);
    binProbs.push([1 - row[NOTUMOR]!, row[NOTUMOR]!]);
  }
  const auc = tumour && notumor ? rocAucOneVsRest(binLabels, binProbs, 2).perClass[0] ?? null : null;
  return {
    count, tumour, notumor,
    sensitivity: tumour ? round(found / tumour) : null,
    specificity: notumor ? round(cleared / notumor) : null,
    confidentMisses: rateCount(misses, tumour),
    confidentFalseAlarms: rateCount(alarms, notumor),
    auc: auc === null ? null : round(auc),
  };
}

/** How many images were called each class (rows with NaN skipped). */
export function predictedCounts(probs: Float32Array): Record<(typeof CLASSES)[number], number> {
  const out = Object.fromEntries(CLASSES.map((c) => [c, 0])) as Record<(typeof CLASSES)[number], number>;
  for (let i = 0; i < probs.length / K; i++) {
    const best = rowPrediction(probs.subarray(i * K, (i + 1) * K));
    if (best >= 0) out[CLASSES[best]!]++;
  }
  return out;
}
