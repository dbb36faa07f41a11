/**
 * From a dataset folder to the arrays the trainer reads: the scan (from its cache when unchanged) gives every
 * usable Training file (or every file of a single-folder dataset), a seeded stratified split keeps duplicate
 * groups on one side, and the images are decoded and preprocessed once (then served from the pixel cache).
 * Testing is never touched here: it is for evaluation.
 */
import * as crypto from 'node:crypto';
import { CLASSES, LABELS, labelIndex, type DatasetLabel } from '../data/classNames';
import { loadImages } from '../data/loadImages';
import type { PreprocessPolicy } from '../data/preprocess';
import type { ScanResult, ScannedFile } from '../data/scanDataset';
import { usable } from '../data/inspectImage';
import { duplicateGroups, splitTrainValidation } from '../data/splitDataset';
import type { TrainData } from './trainer';

export class TrainingDataError extends Error {}

export interface PreparedData {
  train: TrainData;
  val: TrainData;
  /** sha256 over the (file, content hash, label) of every image used, in order: names the exact data. */
  fingerprint: string;
  perClass: Partial<Record<DatasetLabel, { train: number; val: number }>>;
  valFiles: string[];
  failed: { abs: string; message: string }[];
  loadMs: number;
}

export interface PrepareOptions {
  valFraction: number;
  seed: number;
  cacheDir: string | null;
  onProgress?: (done: number, total: number) => void;
  isCancelled?: () => boolean;
}

/** The files a model trains on: Training (or the single folder), decodable, in a stable order. */
export function trainingFiles(scan: ScanResult): ScannedFile[] {
  const split = scan.report.layout === 'single' ? 'All' : 'Training';
  return scan.files.filter((f) => f.split === split && usable(f.inspection)).sort((a, b) => (a.rel < b.rel ? -1 : 1));
}

export async function prepareTrainingData(scan: ScanResult, policy: PreprocessPolicy, opts: PrepareOptions): Promise<PreparedData> {
  const files = trainingFiles(scan);
  const counts = CLASSES.map((c) => files.filter((f) => f.label === c).length);
  const where = scan.report.layout === 'single' ? scan.report.root : `${scan.report.root}/Training`;
  if (files.length === 0) throw new TrainingDataError(`No usable images in ${where}. Check the folder with "Brain Tumor: Show Dataset".`);
  const missing = CLASSES.filter((_, i) => counts[i]! < 2);
  if (missing.length) {
    throw new TrainingDataError(`Every class needs at least 2 images to train and validate; ${missing.join(', ')} ` +
      `${missing.length > 1 ? 'have' : 'has'} fewer in ${where}.`);
  }
  const groups = duplicateGroups(files, [...scan.report.exactDuplicates, ...scan.report.nearDuplicates]);
  const split = splitTrainValidation(files, groups, { valFraction: opts.valFraction, seed: opts.seed });
  if (split.val.length === 0) throw new TrainingDataError(`The validation split is empty: too few images in ${where} for valFraction ${opts.valFraction}.`);
  const order = [...split.train, ...split.val];
  const loaded = await loadImages(order.map((i) => ({ abs: files[i]!.abs, md5: files[i]!.inspection.md5 })), policy, {
    cacheDir: opts.cacheDir, onProgress: opts.onProgress, isCancelled: opts.isCancelled,
  });
  const per = policy.size * policy.size * policy.channels;
  const labelOf = (i: number) => labelIndex(files[i]!.label);
  const part = (idx: number[], from: number): TrainData => ({
    pixels: loaded.pixels.subarray(from * per, (from + idx.length) * per),
    labels: Int32Array.from(idx, labelOf),
    count: idx.length,
  });
  const hash = crypto.createHash('sha256');
  for (const i of order) hash.update(`${files[i]!.rel}\0${files[i]!.inspection.md5}\0${files[i]!.label}\n`);
  const perClass = Object.fromEntries(LABELS.map((c) => [c, { train: 0, val: 0 }])) as PreparedData['perClass'];
  for (const i of split.train) perClass[files[i]!.label]!.train++;
  for (const i of split.val) perClass[files[i]!.label]!.val++;
  return {
    train: part(split.train, 0),
    val: part(split.val, split.train.length),
    fingerprint: hash.digest('hex'),
    perClass,
    valFiles: split.val.map((i) => files[i]!.rel),
    failed: loaded.failed,
    loadMs: loaded.ms,
  };
}
