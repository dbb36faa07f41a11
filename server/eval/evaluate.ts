/**
 * Evaluates a trained model on a dataset's Testing split, twice: the official split, and "Testing,
 * deduplicated" (Testing minus the files with a near copy in Training, from the dataset scan, or in the Training
 * files of any other source the model trained on), because the official figure is inflated by those leaks. Every
 * metric comes from metrics.ts; tumour vs none from detection.ts. Optionally fits temperature scaling on the run's
 * own validation split (never on Testing) and stores it in the model's metadata, scores test-time augmentation
 * (the image and its mirror) separately, scores external sets (externalSets.ts) and Testing under perturbations
 * (robustness.ts).
 */
import * as l10n from '@vscode/l10n';
import { throwIfCancelled } from '../cancelled';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type * as P from '../protocol';
import { DEFAULT_UNCERTAINTY_THRESHOLD } from '../protocol';
import { CLASSES, COARSE_INDEX, labelIndex } from '../data/classNames';
import type { DatasetStore } from '../data/datasetStore';
import { usable } from '../data/inspectImage';
import { loadImages } from '../data/loadImages';
import { type PreprocessPolicy } from '../data/preprocess';
import { deduplicatedTesting, type ScannedFile } from '../data/scanDataset';
import { loadModel } from '../model/modelFiles';
import { checkModelMetadata, IncompatibleModelError, writeMetadata, type RunMetadata } from '../model/metadata';
import { yieldToEventLoop } from '../engine/yieldToEventLoop';
import { fitFeatureStats, predictFeatures, withFeatures } from '../model/featureStats';
import { findLeaks } from '../data/findDuplicates';
import { applyTemperature, fitTemperatureAndBias } from '../model/calibration';
import { averageProbs, EvaluationError, NoTestingSplitError, predictProbs, round, rowsOf, scoreSplit } from './modelScoring';
import { scoreExternalSet } from './externalSets';
import { scoreRobustness } from './robustness';
import { hashedFiles, sameFolder, trainingCopies } from './trainingCopies';
import { ownsModelFolder } from './evaluationStore';
import { splitLabel } from './validationText';

export { EvaluationError, NoTestingSplitError, predictProbs, scoreSplit };

export interface EvaluateOptions {
  datasets: DatasetStore;
  cacheDir: string | null;
  backend: P.BackendInfo;
  dataRoot?: string;
  tta?: boolean;
  calibrate?: boolean;
  /** The caller may write into an exported model folder (CLI `evaluate --into-model`, preparing a model to ship):
   *  then its calibration is refitted too, on the exported (quantized) weights. */
  intoModelFolder?: boolean;
  /** 'Testing' (default: official and deduplicated), or 'Validation': the run's held-out Training files (split.json). */
  split?: 'Testing' | 'Validation';
  /** Dataset folders from sources the model never trained on, scored as external sets. */
  external?: string[];
  /** Also score Testing under the robustness perturbations. */
  perturb?: boolean;
  /** Review threshold on the calibrated confidence for the confident errors (default 0.7). */
  threshold?: number;
  onProgress?: (p: Omit<P.EvaluateProgress, 'progressToken'>) => void;
  isCancelled?: () => boolean;
}

const MISCLASSIFIED_LIMIT = 60;
const LEAST_CONFIDENT_LIMIT = 30;
const BATCH = 64;

/** Probabilities and penultimate features of n preprocessed images, in batches (for calibration and the OOD check). */
async function predictWithFeatures(model: tfl.LayersModel, pixels: Uint8Array, n: number, policy: PreprocessPolicy,
  isCancelled?: () => boolean): Promise<{ probs: Float32Array; features: Float32Array; layer: string }> {
  const fm = withFeatures(model);
  const per = policy.size * policy.size * policy.channels;
  const probs = new Float32Array(n * CLASSES.length);
  let features = new Float32Array(0);
  for (let start = 0; start < n; start += BATCH) {
    throwIfCancelled(isCancelled, 'Evaluation');
    const m = Math.min(BATCH, n - start);
    const x = tf.div<tf.Tensor4D>(tf.tensor4d(pixels.subarray(start * per, (start + m) * per), [m, policy.size, policy.size, policy.channels], 'float32'), 255);
    const out = predictFeatures(fm.model, x);
    x.dispose();
    if (!features.length) features = new Float32Array(n * out.dims);
    features.set(out.features, start * out.dims);
    probs.set(out.probs, start * CLASSES.length);
    await yieldToEventLoop();
  }
  return { probs, features, layer: fm.layer };
}

function verdict(f: ScannedFile, probs: Float32Array, i: number, inDedup: boolean): P.ImageVerdict {
  const k = CLASSES.length;
  const row = Array.from(probs.subarray(i * k, (i + 1) * k), (v) => round(v, 4));
  let best = 0;
  row.forEach((v, c) => { if (v > row[best]!) best = c; });
  return { rel: f.rel, label: f.label, predicted: CLASSES[best]!, probs: row, confidence: row[best]!, inDeduplicated: inDedup };
}

const log = (p: Float32Array) => p.map((v) => Math.log(Math.max(v, 1e-12)));

export async function evaluateModel(modelDir: string, opts: EvaluateOptions): Promise<P.EvaluationReport> {
  const t0 = performance.now();
  const meta = checkModelMetadata(modelDir);
  const policy = meta.preprocess;
  const threshold = opts.threshold ?? DEFAULT_UNCERTAINTY_THRESHOLD;
  const dataRoot = opts.dataRoot ?? meta.dataset.root;
  const scan = await opts.datasets.scan(dataRoot, { cacheDir: opts.cacheDir, isCancelled: opts.isCancelled });
  const onValidation = opts.split === 'Validation';
  const valRels = onValidation ? validationFiles(modelDir) : null;
  // The images scored: Testing, or the run's own validation files (which were never trained on).
  const testing = scan.files.filter((f) => (valRels ? valRels.has(f.rel) : f.split === 'Testing') && usable(f.inspection))
    .sort((a, b) => (a.rel < b.rel ? -1 : 1));
  if (valRels && !testing.length) throw new EvaluationError(l10n.t('None of the run\'s validation files (split.json) are in {0}.', scan.report.root));
  if (!testing.length) {
    throw new NoTestingSplitError(l10n.t('{0} has no usable images in a Testing split. Evaluation needs Testing/<class>/ folders (the Kaggle layout); Training images are never used to score a model.',
      scan.report.root));
  }
  // The model's training data (every source), for the near copies that leave the deduplicated figures.
  const training = await trainingCopies(meta, opts.datasets, opts.cacheDir, opts.isCancelled, [scan]);
  const external = opts.external ?? [];
  for (const root of external) {
    if (sameFolder(root, dataRoot)) throw new EvaluationError(l10n.t('{0} is the dataset being evaluated; an external set must be another source.', root));
  }
  // "Testing, deduplicated": Testing minus the files with a near copy in this dataset's Training split or in the
  // Training files of any other source the model trained on (a leak across sources).
  const dedupSet = new Set(deduplicatedTesting(scan).map((f) => f.rel));
  const others = training.files.filter((f) => !f.rel.startsWith(path.join(scan.report.root, path.sep)));
  const testHashed = hashedFiles(scan, 'all').filter((f) => f.split === 'Testing');
  for (const leak of findLeaks(testHashed, others, training.nearThreshold)) dedupSet.delete(path.relative(scan.report.root, leak.testFile).split(path.sep).join('/'));
  const model = await loadModel(modelDir);
  try {
    const shape = model.inputs[0]!.shape;
    if (shape[1] !== meta.inputSize || shape[3] !== meta.channels) {
      throw new IncompatibleModelError(l10n.t('The model in {0} takes {1} inputs but its metadata says {2} x {2} x {3}.', modelDir, String(shape.slice(1)), String(meta.inputSize), String(meta.channels)));
    }
    // 1. Temperature on the run's validation images (split.json, every source), when asked and available.
    let calibration = meta.calibration ?? null;
    // Only into a folder the product owns: a shipped or exported model keeps the calibration it shipped with.
    if ((opts.calibrate ?? true) && (ownsModelFolder(meta) || opts.intoModelFolder) && !onValidation && fs.existsSync(path.join(modelDir, 'split.json')) && sameFolder(dataRoot, meta.dataset.root)) {
      const fitted = await fitCalibration(modelDir, meta, model, opts);
      if (fitted) calibration = fitted;
    }
    const calibrate = (p: Float32Array) => (calibration ? applyTemperature(p, calibration.temperature, CLASSES.length, calibration.bias) : p);
    // 2. Predict Testing once; both splits are subsets of it.
    opts.onProgress?.({ phase: 'loading', done: 0, total: testing.length });
    const loaded = await loadImages(testing.map((f) => ({ abs: f.abs, md5: f.inspection.md5 })), policy, {
      cacheDir: opts.cacheDir, isCancelled: opts.isCancelled,
      onProgress: (done, total) => opts.onProgress?.({ phase: 'loading', done, total }),
    });
    const failed = new Set(loaded.failed.map((f) => f.abs));
    const total = testing.length * (opts.tta ? 2 : 1);
    const probs = calibrate(await predictProbs(model, loaded.pixels, loaded.count, policy, false,
      (done) => opts.onProgress?.({ phase: 'predicting', done, total }), opts.isCancelled));
    let ttaProbs = opts.tta ? calibrate(await predictProbs(model, loaded.pixels, loaded.count, policy, true,
      (done) => opts.onProgress?.({ phase: 'predicting', done: testing.length + done, total }), opts.isCancelled)) : null;
    if (ttaProbs) ttaProbs = averageProbs(probs, ttaProbs);
    const ok = testing.map((f, i) => i).filter((i) => !failed.has(testing[i]!.abs));
    const labelOf = (i: number) => labelIndex(testing[i]!.label);
    const splits: P.SplitScores[] = [];
    const parts: [P.SplitScores['key'], string, number[]][] = onValidation ? [['validation', splitLabel('validation'), ok]] : [
      ['official', splitLabel('official'), ok],
      ['deduplicated', splitLabel('deduplicated'), ok.filter((i) => dedupSet.has(testing[i]!.rel))],
    ];
    for (const [key, label, idx] of parts) {
      // The four-class figures on the finely labelled images; tumour vs none on all of them (coarse ones too).
      const fine = idx.filter((i) => labelOf(i) !== COARSE_INDEX);
      if (!idx.length || !fine.length) continue;
      splits.push(scoreSplit(key, label, Int32Array.from(fine, labelOf), rowsOf(probs, fine), ttaProbs ? rowsOf(ttaProbs, fine) : null,
        { labels: Int32Array.from(idx, labelOf), probs: rowsOf(probs, idx), threshold }));
    }
    if (!splits.length) throw new EvaluationError(l10n.t('{0} has no Testing images with one of the four class labels to score.', scan.report.root));
    const verdicts = ok.map((i) => verdict(testing[i]!, probs, i, dedupSet.has(testing[i]!.rel)));

    // 3. External sets: sources the model never trained on.
    const externalScores: P.ExternalScores[] = [];
    for (const root of external) {
      externalScores.push(await scoreExternalSet(root, {
        model, policy, temperature: calibration?.temperature ?? null, bias: calibration?.bias ?? null, threshold, datasets: opts.datasets, cacheDir: opts.cacheDir, training,
        isCancelled: opts.isCancelled, onProgress: (done, n) => opts.onProgress?.({ phase: 'external', done, total: n, detail: path.basename(root) }),
      }));
    }

    // 4. Robustness: Testing under perturbations, from a clean baseline through the same decode path.
    let robustness: Awaited<ReturnType<typeof scoreRobustness>> | null = null;
    if (opts.perturb && !onValidation) {
      robustness = await scoreRobustness({
        files: ok.map((i) => testing[i]!), labels: Int32Array.from(ok, labelOf), inDeduplicated: ok.map((i) => dedupSet.has(testing[i]!.rel)),
      }, {
        model, policy, temperature: calibration?.temperature ?? null, bias: calibration?.bias ?? null, threshold, seed: meta.seed ?? 42, isCancelled: opts.isCancelled,
        onProgress: (done, n, name) => opts.onProgress?.({ phase: 'perturbing', done, total: n, detail: name }),
      });
    }
    const ms = performance.now() - t0;
    // Every image predicted: Testing (twice with TTA), the external sets, and Testing once per perturbation plus its clean baseline.
    const predicted = total + externalScores.reduce((n, e) => n + e.count + e.skipped.length, 0) +
      (robustness ? (robustness.items.length + 1) * ok.length : 0);
    const report: P.EvaluationReport = {
      format: 'brain-tumor-evaluation', createdAt: new Date().toISOString(), modelDir, runId: meta.runId ?? null,
      model: { name: meta.config.model, inputSize: meta.inputSize, channels: meta.channels, params: model.countParams() },
      dataRoot: scan.report.root, classes: [...CLASSES], calibration, splits,
      leaks: { count: testing.length - testing.filter((f) => dedupSet.has(f.rel)).length, nearThreshold: scan.report.nearThreshold },
      misclassified: verdicts.filter((v) => v.predicted !== v.label && !(v.label === 'tumour' && v.predicted !== 'notumor'))
        .sort((a, b) => b.confidence - a.confidence).slice(0, MISCLASSIFIED_LIMIT),
      leastConfident: [...verdicts].sort((a, b) => a.confidence - b.confidence).slice(0, LEAST_CONFIDENT_LIMIT),
      tta: !!opts.tta, backend: { kind: opts.backend.kind, threads: opts.backend.threads, simd: opts.backend.simd },
      timing: { ms: Math.round(ms), images: predicted, imgPerSec: round(predicted / (ms / 1000), 1) },
      skipped: loaded.failed.map((f) => ({ rel: path.relative(scan.report.root, f.abs), message: f.message })),
      trainingSources: training.roots, threshold, external: externalScores,
      perturbations: robustness?.items ?? null, perturbationBaseline: robustness?.baseline ?? null,
    };
    return report;
  } finally {
    model.dispose();
  }
}

/**
 * Temperature scaling and the out-of-distribution feature statistics, fitted on the run's validation images of
 * every source (split.json) with a fine label (coarse ones have no class to calibrate against), written into the
 * model's metadata. Null when fewer than 20 such images are found.
 */
async function fitCalibration(modelDir: string, meta: RunMetadata, model: tfl.LayersModel, opts: EvaluateOptions): Promise<P.EvaluationReport['calibration']> {
  const split = JSON.parse(fs.readFileSync(path.join(modelDir, 'split.json'), 'utf8')) as { validation: string[]; sources?: { root: string; validation: string[] }[] };
  const bySource = split.sources ?? [{ root: meta.dataset.root, validation: split.validation }];
  const valFiles: ScannedFile[] = [];
  for (const src of bySource) {
    if (!fs.existsSync(src.root)) continue;
    const scan = await opts.datasets.scan(src.root, { cacheDir: opts.cacheDir, isCancelled: opts.isCancelled });
    const rels = new Set(src.validation);
    valFiles.push(...scan.files.filter((f) => rels.has(f.rel) && usable(f.inspection) && f.label !== 'tumour'));
  }
  if (valFiles.length < 20) return null;
  opts.onProgress?.({ phase: 'calibrating', done: 0, total: valFiles.length });
  const policy = meta.preprocess;
  const v = await loadImages(valFiles.map((f) => ({ abs: f.abs, md5: f.inspection.md5 })), policy, { cacheDir: opts.cacheDir, isCancelled: opts.isCancelled });
  const { probs: vp, features, layer } = await predictWithFeatures(model, v.pixels, v.count, policy, opts.isCancelled);
  const vLabels = Int32Array.from(valFiles, (f) => labelIndex(f.label));
  const fit = fitTemperatureAndBias(vLabels, log(vp));
  const calibration = { temperature: round(fit.temperature, 4), bias: fit.bias.map((b) => round(b, 4)), fittedOn: 'validation' as const,
    nllBefore: round(fit.nllBefore), nllAfter: round(fit.nllAfter), count: valFiles.length };
  meta.calibration = calibration;
  // The out-of-distribution check's feature statistics come from the same validation images.
  meta.featureStats = fitFeatureStats(layer, features, vLabels, CLASSES.length);
  writeMetadata(modelDir, meta);
  return calibration;
}

/** The run's validation files (relative paths), from split.json; errors say what is missing. */
function validationFiles(modelDir: string): Set<string> {
  try {
    return new Set((JSON.parse(fs.readFileSync(path.join(modelDir, 'split.json'), 'utf8')) as { validation: string[] }).validation);
  } catch (e) {
    throw new EvaluationError(l10n.t('{0} has no readable split.json ({1}), so its validation files are unknown.', modelDir, (e as Error).message));
  }
}

