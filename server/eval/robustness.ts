/**
 * Robustness: the Testing split under the perturbations real scanners and export pipelines produce (perturb.ts),
 * each applied to the decoded pixels before the one preprocessing path, scored against a clean baseline that
 * takes the same decode path. Accuracy per perturbation (official and deduplicated Testing) with its drop, and
 * tumour vs none under it (sensitivity, confident misses).
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import type * as P from '../protocol';
import { CLASSES, COARSE_INDEX } from '../data/classNames';
import type { PreprocessPolicy } from '../data/preprocess';
import { detectionScores } from './detection';
import { applyTemperature } from '../model/calibration';
import { classificationReport } from './metrics';
import { predictProbs, round, rowsOf } from './modelScoring';
import { PERTURBATIONS } from './perturb';
import { predictPerturbed } from './perturbedPredictions';

export interface RobustnessInput {
  files: readonly { abs: string }[];
  /** Class index per file, or COARSE_INDEX. */
  labels: Int32Array;
  /** Whether each file is in "Testing, deduplicated". */
  inDeduplicated: readonly boolean[];
}

export interface RobustnessContext {
  model: tfl.LayersModel;
  policy: PreprocessPolicy;
  temperature: number | null;
  /** Class biases of the calibration (with the temperature), or null. */
  bias: number[] | null;
  threshold: number;
  seed: number;
  onProgress?: (done: number, total: number, name: string) => void;
  isCancelled?: () => boolean;
}

export async function scoreRobustness(input: RobustnessInput, ctx: RobustnessContext):
  Promise<{ baseline: NonNullable<P.EvaluationReport['perturbationBaseline']>; items: P.PerturbationScores[] }> {
  const k = CLASSES.length;
  const predict = async (pixels: Uint8Array, n: number) => {
    const p = await predictProbs(ctx.model, pixels, n, ctx.policy, false, undefined, ctx.isCancelled);
    return ctx.temperature ? applyTemperature(p, ctx.temperature, k, ctx.bias) : p;
  };
  const out = await predictPerturbed(input.files, ctx.policy, predict, { seed: ctx.seed, isCancelled: ctx.isCancelled, onProgress: ctx.onProgress });
  const rows = input.files.map((_, i) => i).filter((i) => !Number.isNaN(out.clean[i * k]!));
  const fine = rows.filter((i) => input.labels[i] !== COARSE_INDEX);
  const fineDedup = fine.filter((i) => input.inDeduplicated[i]);
  const accuracy = (probs: Float32Array, idx: number[]) =>
    idx.length ? classificationReport(Int32Array.from(idx, (i) => input.labels[i]!), rowsOf(probs, idx), CLASSES).accuracy : NaN;
  const clean = accuracy(out.clean, fine);
  const cleanDedup = fineDedup.length ? accuracy(out.clean, fineDedup) : null;
  const detectionLabels = Int32Array.from(rows, (i) => input.labels[i]!);
  const items = PERTURBATIONS.map((p): P.PerturbationScores => {
    const probs = out.perturbed.get(p.name)!;
    const acc = accuracy(probs, fine);
    const accDedup = cleanDedup === null ? null : accuracy(probs, fineDedup);
    const det = detectionScores(detectionLabels, rowsOf(probs, rows), ctx.threshold);
    return {
      name: p.name, description: p.description, accuracy: round(acc), drop: round(clean - acc),
      deduplicatedAccuracy: accDedup === null ? null : round(accDedup), deduplicatedDrop: accDedup === null ? null : round(cleanDedup! - accDedup),
      sensitivity: det.sensitivity, confidentMisses: det.confidentMisses, count: rows.length,
    };
  });
  return { baseline: { accuracy: round(clean), deduplicatedAccuracy: cleanDedup === null ? null : round(cleanDedup), count: rows.length, seed: ctx.seed }, items };
}
