/**
 * External validation: a dataset folder from a source the model never trained on, every split of it scored.
 * Always as tumour vs no tumour (sensitivity, specificity, confident misses and false alarms: the figures that
 * tell whether the model finds tumours on scans unlike its benchmark), and with the four-class metrics on the
 * images whose labels are fine. Images with a near copy in the model's training data are counted and left out of
 * a deduplicated figure.
 */
import * as l10n from '@vscode/l10n';
import * as path from 'node:path';
import type * as tfl from '@tensorflow/tfjs-layers';
import type * as P from '../protocol';
import { COARSE_INDEX, CLASSES, labelIndex } from '../data/classNames';
import type { DatasetStore } from '../data/datasetStore';
import { findLeaks } from '../data/findDuplicates';
import { usable } from '../data/inspectImage';
import { loadImages } from '../data/loadImages';
import type { PreprocessPolicy } from '../data/preprocess';
import { DatasetLayoutError } from '../data/walkDataset';
import { detectionScores, predictedCounts, rowPrediction } from './detection';
import { applyTemperature } from '../model/calibration';
import { EvaluationError, predictProbs, rowsOf, scoreSplit } from './modelScoring';
import { hashedFiles, sameFolder, type TrainingCopies } from './trainingCopies';
import { externalFineLabel } from './validationText';

export interface ExternalContext {
  model: tfl.LayersModel;
  policy: PreprocessPolicy;
  temperature: number | null;
  /** Class biases of the calibration (with the temperature), or null. */
  bias: number[] | null;
  threshold: number;
  datasets: DatasetStore;
  cacheDir: string | null;
  training: TrainingCopies;
  onProgress?: (done: number, total: number) => void;
  isCancelled?: () => boolean;
}

const MISS_FILES = 30;

export async function scoreExternalSet(root: string, ctx: ExternalContext): Promise<P.ExternalScores> {
  if (ctx.training.roots.some((r) => sameFolder(r, root))) {
    throw new EvaluationError(l10n.t('{0} is one of the datasets this model trained on, so it cannot be an external set. Pick a folder from a source the model never saw.', root));
  }
  let scan;
  try {
    scan = await ctx.datasets.scan(root, { cacheDir: ctx.cacheDir, isCancelled: ctx.isCancelled });
  } catch (e) {
    if (e instanceof DatasetLayoutError) throw new EvaluationError(l10n.t('External set {0}: {1}', root, e.message));
    throw e;
  }
  const files = scan.files.filter((f) => usable(f.inspection)).sort((a, b) => (a.rel < b.rel ? -1 : 1));
  if (!files.length) throw new EvaluationError(l10n.t('The external set {0} has no usable images.', root));
  const loaded = await loadImages(files.map((f) => ({ abs: f.abs, md5: f.inspection.md5 })), ctx.policy, {
    cacheDir: ctx.cacheDir, isCancelled: ctx.isCancelled, onProgress: (done, total) => ctx.onProgress?.(done, 2 * total),
  });
  let probs = await predictProbs(ctx.model, loaded.pixels, loaded.count, ctx.policy, false,
    (done) => ctx.onProgress?.(files.length + done, 2 * files.length), ctx.isCancelled);
  if (ctx.temperature) probs = applyTemperature(probs, ctx.temperature, CLASSES.length, ctx.bias);
  const failed = new Set(loaded.failed.map((f) => f.abs));
  const ok = files.map((_, i) => i).filter((i) => !failed.has(files[i]!.abs));
  const labels = Int32Array.from(ok, (i) => labelIndex(files[i]!.label));
  const okProbs = rowsOf(probs, ok);

  // Near copies of the model's training images (any source), by content hash.
  const hashed = hashedFiles(scan, 'all');
  const copied = new Set(findLeaks(hashed, ctx.training.files, ctx.training.nearThreshold).map((l) => l.testFile));
  const isCopy = ok.map((i) => copied.has(path.join(scan.report.root, files[i]!.rel)));
  const nearCopies = isCopy.filter(Boolean).length;
  const kept = ok.map((_, j) => j).filter((j) => !isCopy[j]);

  const fine = ok.map((_, j) => j).filter((j) => labels[j] !== COARSE_INDEX);
  const fineLabels = Int32Array.from(fine, (j) => labels[j]!);
  // Four-class figures only make sense with at least two classes among the fine labels.
  const fineScores = new Set(fineLabels).size >= 2
    ? scoreSplit('official', externalFineLabel(path.basename(scan.report.root)), fineLabels, rowsOf(okProbs, fine), null) : null;

  const detection = detectionScores(labels, okProbs, ctx.threshold);
  const k = CLASSES.length;
  const notumor = CLASSES.indexOf('notumor');
  const misses = ok.map((i, j) => ({ rel: files[i]!.rel, label: labels[j]!, row: okProbs.subarray(j * k, (j + 1) * k) }))
    .filter((x) => x.label !== notumor && x.row[notumor]! >= ctx.threshold && rowPrediction(x.row) === notumor)
    .sort((a, b) => b.row[notumor]! - a.row[notumor]!).slice(0, MISS_FILES).map((x) => x.rel);
  return {
    ...detection,
    root: scan.report.root,
    name: path.basename(scan.report.root),
    threshold: ctx.threshold,
    labels: { fine: fine.length, coarse: ok.length - fine.length },
    predicted: predictedCounts(okProbs),
    fine: fineScores,
    nearCopies,
    deduplicated: nearCopies ? detectionScores(Int32Array.from(kept, (j) => labels[j]!), rowsOf(okProbs, kept), ctx.threshold) : null,
    confidentMissFiles: misses,
    skipped: loaded.failed.map((f) => ({ rel: path.relative(scan.report.root, f.abs), message: f.message })),
  };
}
