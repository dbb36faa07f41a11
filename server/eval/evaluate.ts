/**
 * Evaluates a trained model on a dataset's Testing split, twice: the official split, and "Testing,
 * deduplicated" (Testing minus the files with a near copy in Training, from the dataset scan), because the
 * official figure is inflated by those leaks. Every metric comes from metrics.ts. Optionally fits temperature
 * scaling on the run's own validation split (never on Testing) and stores it in the model's metadata, and scores
 * test-time augmentation (the image and its mirror) separately.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type * as P from '../protocol';
import { CLASSES, labelIndex } from '../data/classNames';
import type { DatasetStore } from '../data/datasetStore';
import { usable } from '../data/inspectImage';
import { loadImages } from '../data/loadImages';
import { validatePolicy, type PreprocessPolicy } from '../data/preprocess';
import { deduplicatedTesting, type ScannedFile } from '../data/scanDataset';
import { loadModel, readMetadata, writeJson, writeMetadata, type RunMetadata } from '../train/runFolder';
import { yieldToEventLoop } from '../train/yieldToEventLoop';
import { fitFeatureStats, predictFeatures, withFeatures } from '../infer/featureStats';
import {
  applyTemperature, classificationReport, expectedCalibrationError, fitTemperature, negativeLogLikelihood, rocAucOneVsRest, rocCurve,
} from './metrics';

export class EvaluationError extends Error {
  constructor(message: string, readonly kind: 'incompatible' | 'data' | 'cancelled' = 'data') { super(message); }
}

export interface EvaluateOptions {
  datasets: DatasetStore;
  cacheDir: string | null;
  backend: P.BackendInfo;
  dataRoot?: string;
  tta?: boolean;
  calibrate?: boolean;
  /** 'Testing' (default: official and deduplicated), or 'Validation': the run's held-out Training files (split.json). */
  split?: 'Testing' | 'Validation';
  onProgress?: (p: Omit<P.EvaluateProgress, 'progressToken'>) => void;
  isCancelled?: () => boolean;
}

const MISCLASSIFIED_LIMIT = 60;
const LEAST_CONFIDENT_LIMIT = 30;
const ROC_POINTS = 200;
const BATCH = 64;

/** The model's metadata, checked against what this backend can run; errors say what is wrong and what to do. */
export function checkModelMetadata(modelDir: string): RunMetadata {
  const meta = readMetadata(modelDir);
  if (JSON.stringify(meta.classes) !== JSON.stringify(CLASSES)) {
    throw new EvaluationError(`The model in ${modelDir} predicts the classes ${JSON.stringify(meta.classes)}; this version needs ` +
      `${JSON.stringify(CLASSES)} in that order. Retrain it with this version.`, 'incompatible');
  }
  try {
    const policy = validatePolicy(meta.preprocess);
    if (policy.size !== meta.inputSize || policy.channels !== meta.channels) throw new Error('its size or channels differ from the model input');
  } catch (e) {
    throw new EvaluationError(`The preprocessing recorded with the model in ${modelDir} is not usable: ${(e as Error).message}.`, 'incompatible');
  }
  return meta;
}

/** Probabilities [n, K] for n preprocessed images, in batches; with `mirror`, of the left-right mirrored images. */
export async function predictProbs(model: tfl.LayersModel, pixels: Uint8Array, n: number, policy: PreprocessPolicy, mirror = false,
  onBatch?: (done: number) => void, isCancelled?: () => boolean): Promise<Float32Array> {
  const k = CLASSES.length;
  const per = policy.size * policy.size * policy.channels;
  const out = new Float32Array(n * k);
  for (let start = 0; start < n; start += BATCH) {
    if (isCancelled?.()) throw new EvaluationError('Evaluation cancelled.', 'cancelled');
    const m = Math.min(BATCH, n - start);
    const p = tf.tidy(() => {
      let x: tf.Tensor4D = tf.div(tf.tensor4d(pixels.subarray(start * per, (start + m) * per), [m, policy.size, policy.size, policy.channels], 'float32'), 255);
      if (mirror) x = tf.reverse(x, 2);
      return model.predict(x) as tf.Tensor2D;
    });
    out.set(await p.data(), start * k);
    p.dispose();
    onBatch?.(start + m);
    await yieldToEventLoop(); // other requests and the cancel get through
  }
  return out;
}

/** Probabilities and penultimate features of n preprocessed images, in batches (for calibration and the OOD check). */
async function predictWithFeatures(model: tfl.LayersModel, pixels: Uint8Array, n: number, policy: PreprocessPolicy,
  isCancelled?: () => boolean): Promise<{ probs: Float32Array; features: Float32Array; layer: string }> {
  const fm = withFeatures(model);
  const per = policy.size * policy.size * policy.channels;
  const probs = new Float32Array(n * CLASSES.length);
  let features = new Float32Array(0);
  for (let start = 0; start < n; start += BATCH) {
    if (isCancelled?.()) throw new EvaluationError('Evaluation cancelled.', 'cancelled');
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

function downsampleRoc(points: { fpr: number; tpr: number }[] | null): { fpr: number[]; tpr: number[] } | null {
  if (!points) return null;
  const step = Math.max(1, Math.ceil(points.length / ROC_POINTS));
  const kept = points.filter((_, i) => i % step === 0 || i === points.length - 1);
  return { fpr: kept.map((p) => round(p.fpr)), tpr: kept.map((p) => round(p.tpr)) };
}

const round = (v: number, d = 5) => Math.round(v * 10 ** d) / 10 ** d;

function rowsOf(probs: Float32Array, idx: readonly number[]): Float32Array {
  const k = CLASSES.length;
  const out = new Float32Array(idx.length * k);
  idx.forEach((i, j) => out.set(probs.subarray(i * k, (i + 1) * k), j * k));
  return out;
}

function averageProbs(a: Float32Array, b: Float32Array): Float32Array {
  return a.map((v, i) => (v + b[i]!) / 2);
}

export function scoreSplit(key: P.SplitScores['key'], label: string, labels: Int32Array, probs: Float32Array, ttaProbs: Float32Array | null): P.SplitScores {
  const k = CLASSES.length;
  const r = classificationReport(labels, probs, CLASSES);
  const auc = rocAucOneVsRest(labels, probs, k);
  const cal = expectedCalibrationError(labels, probs, 15);
  let tta: P.SplitScores['tta'] = null;
  if (ttaProbs) {
    const t = classificationReport(labels, ttaProbs, CLASSES);
    tta = { accuracy: round(t.accuracy), macroF1: round(t.macro.f1), ece: round(expectedCalibrationError(labels, ttaProbs, 15).ece) };
  }
  return {
    key, label, count: labels.length, accuracy: round(r.accuracy),
    macro: { precision: round(r.macro.precision), recall: round(r.macro.recall), f1: round(r.macro.f1) },
    weighted: { precision: round(r.weighted.precision), recall: round(r.weighted.recall), f1: round(r.weighted.f1) },
    perClass: r.perClass.map((c, i) => ({ name: CLASSES[i]!, precision: round(c.precision), recall: round(c.recall), f1: round(c.f1),
      support: c.support, predicted: c.predicted, auc: auc.perClass[i] === null ? null : round(auc.perClass[i]!) })),
    confusion: r.confusion, rocAucMacro: auc.macro === null ? null : round(auc.macro),
    roc: CLASSES.map((_, c) => downsampleRoc(rocCurve(labels, probs, c))),
    ece: round(cal.ece), maxCalibrationError: round(cal.maxCalibrationError),
    calibrationBins: cal.bins.map((b) => ({ lower: round(b.lower), upper: round(b.upper), count: b.count,
      accuracy: b.accuracy === null ? null : round(b.accuracy), confidence: b.confidence === null ? null : round(b.confidence) })),
    nll: round(negativeLogLikelihood(labels, probs)), tta,
  };
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
  const dataRoot = opts.dataRoot ?? meta.dataset.root;
  const scan = await opts.datasets.scan(dataRoot, { cacheDir: opts.cacheDir, isCancelled: opts.isCancelled });
  const onValidation = opts.split === 'Validation';
  const valRels = onValidation ? validationFiles(modelDir) : null;
  // The images scored: Testing, or the run's own validation files (which were never trained on).
  const testing = scan.files.filter((f) => (valRels ? valRels.has(f.rel) : f.split === 'Testing') && usable(f.inspection))
    .sort((a, b) => (a.rel < b.rel ? -1 : 1));
  if (valRels && !testing.length) throw new EvaluationError(`None of the run's validation files (split.json) are in ${scan.report.root}.`);
  if (!testing.length) {
    throw new EvaluationError(`${scan.report.root} has no usable images in a Testing split. Evaluation needs Testing/<class>/ folders ` +
      '(the Kaggle layout); Training images are never used to score a model.');
  }
  const dedupSet = new Set(deduplicatedTesting(scan).map((f) => f.rel));
  const model = await loadModel(modelDir);
  try {
    const shape = model.inputs[0]!.shape;
    if (shape[1] !== meta.inputSize || shape[3] !== meta.channels) {
      throw new EvaluationError(`The model in ${modelDir} takes ${String(shape.slice(1))} inputs but its metadata says ${meta.inputSize} x ${meta.inputSize} x ${meta.channels}.`, 'incompatible');
    }
    // 1. Temperature on the run's validation images (split.json), when asked and available.
    let calibration = meta.calibration ?? null;
    const splitFile = path.join(modelDir, 'split.json');
    if ((opts.calibrate ?? true) && !onValidation && fs.existsSync(splitFile) && path.resolve(dataRoot) === path.resolve(meta.dataset.root)) {
      const valRels = new Set((JSON.parse(fs.readFileSync(splitFile, 'utf8')) as { validation: string[] }).validation);
      const valFiles = scan.files.filter((f) => valRels.has(f.rel) && usable(f.inspection));
      if (valFiles.length >= 20) {
        opts.onProgress?.({ phase: 'calibrating', done: 0, total: valFiles.length });
        const v = await loadImages(valFiles.map((f) => ({ abs: f.abs, md5: f.inspection.md5 })), policy, { cacheDir: opts.cacheDir, isCancelled: opts.isCancelled });
        const { probs: vp, features, layer } = await predictWithFeatures(model, v.pixels, v.count, policy, opts.isCancelled);
        const vLabels = Int32Array.from(valFiles, (f) => labelIndex(f.label));
        const fit = fitTemperature(vLabels, log(vp));
        calibration = { temperature: round(fit.temperature, 4), fittedOn: 'validation', nllBefore: round(fit.nllBefore), nllAfter: round(fit.nllAfter), count: valFiles.length };
        meta.calibration = calibration;
        // The out-of-distribution check's feature statistics come from the same validation images.
        meta.featureStats = fitFeatureStats(layer, features, vLabels, CLASSES.length);
        writeMetadata(modelDir, meta);
      }
    }
    // 2. Predict Testing once; both splits are subsets of it.
    opts.onProgress?.({ phase: 'loading', done: 0, total: testing.length });
    const loaded = await loadImages(testing.map((f) => ({ abs: f.abs, md5: f.inspection.md5 })), policy, {
      cacheDir: opts.cacheDir, isCancelled: opts.isCancelled,
      onProgress: (done, total) => opts.onProgress?.({ phase: 'loading', done, total }),
    });
    const failed = new Set(loaded.failed.map((f) => f.abs));
    const total = testing.length * (opts.tta ? 2 : 1);
    let probs = await predictProbs(model, loaded.pixels, loaded.count, policy, false,
      (done) => opts.onProgress?.({ phase: 'predicting', done, total }), opts.isCancelled);
    let ttaProbs = opts.tta ? await predictProbs(model, loaded.pixels, loaded.count, policy, true,
      (done) => opts.onProgress?.({ phase: 'predicting', done: testing.length + done, total }), opts.isCancelled) : null;
    if (calibration) {
      const k = CLASSES.length;
      probs = applyTemperature(probs, calibration.temperature, k);
      if (ttaProbs) ttaProbs = applyTemperature(ttaProbs, calibration.temperature, k);
    }
    if (ttaProbs) ttaProbs = averageProbs(probs, ttaProbs);
    const ok = testing.map((f, i) => i).filter((i) => !failed.has(testing[i]!.abs));
    const splits: P.SplitScores[] = [];
    const parts: [P.SplitScores['key'], string, number[]][] = onValidation ? [['validation', 'Validation (held out of Training)', ok]] : [
      ['official', 'Testing (official)', ok],
      ['deduplicated', 'Testing (deduplicated)', ok.filter((i) => dedupSet.has(testing[i]!.rel))],
    ];
    for (const [key, label, idx] of parts) {
      if (!idx.length) continue;
      const labels = Int32Array.from(idx, (i) => labelIndex(testing[i]!.label));
      splits.push(scoreSplit(key, label, labels, rowsOf(probs, idx), ttaProbs ? rowsOf(ttaProbs, idx) : null));
    }
    const verdicts = ok.map((i) => verdict(testing[i]!, probs, i, dedupSet.has(testing[i]!.rel)));
    const ms = performance.now() - t0;
    const report: P.EvaluationReport = {
      format: 'brain-tumor-evaluation', createdAt: new Date().toISOString(), modelDir, runId: meta.runId ?? null,
      model: { name: meta.config.model, inputSize: meta.inputSize, channels: meta.channels, params: model.countParams() },
      dataRoot: scan.report.root, classes: [...CLASSES], calibration, splits,
      leaks: { count: scan.report.leaks.length, nearThreshold: scan.report.nearThreshold },
      misclassified: verdicts.filter((v) => v.predicted !== v.label).sort((a, b) => b.confidence - a.confidence).slice(0, MISCLASSIFIED_LIMIT),
      leastConfident: [...verdicts].sort((a, b) => a.confidence - b.confidence).slice(0, LEAST_CONFIDENT_LIMIT),
      tta: !!opts.tta, backend: { kind: opts.backend.kind, threads: opts.backend.threads, simd: opts.backend.simd },
      timing: { ms: Math.round(ms), images: total, imgPerSec: round(total / (ms / 1000), 1) },
      skipped: loaded.failed.map((f) => ({ rel: path.relative(scan.report.root, f.abs), message: f.message })),
      trainingSources: [], external: [], perturbations: null, perturbationBaseline: null,
    };
    return report;
  } finally {
    model.dispose();
  }
}

/** The run's validation files (relative paths), from split.json; errors say what is missing. */
function validationFiles(modelDir: string): Set<string> {
  try {
    return new Set((JSON.parse(fs.readFileSync(path.join(modelDir, 'split.json'), 'utf8')) as { validation: string[] }).validation);
  } catch (e) {
    throw new EvaluationError(`${modelDir} has no readable split.json (${(e as Error).message}), so its validation files are unknown.`);
  }
}

/** Writes evaluation.json into the model's folder and its headline figures into metadata.json. */
export function saveEvaluation(modelDir: string, report: P.EvaluationReport): string {
  const file = path.join(modelDir, 'evaluation.json');
  writeJson(file, report);
  const head = (key: P.SplitScores['key']) => {
    const s = report.splits.find((x) => x.key === key);
    return s ? { accuracy: s.accuracy, macroF1: s.macro.f1, ece: s.ece, count: s.count } : null;
  };
  const meta = readMetadata(modelDir);
  meta.evaluation = { official: head('official'), deduplicated: head('deduplicated'), at: report.createdAt };
  writeMetadata(modelDir, meta);
  return file;
}

/** A previously saved evaluation of a run folder, or undefined. */
export function readEvaluation(modelDir: string): P.EvaluationReport | undefined {
  try {
    const r = JSON.parse(fs.readFileSync(path.join(modelDir, 'evaluation.json'), 'utf8')) as P.EvaluationReport;
    return r.format === 'brain-tumor-evaluation' ? r : undefined;
  } catch {
    return undefined;
  }
}
