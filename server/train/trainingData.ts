/**
 * From one or several dataset folders (sources) to the arrays the trainer reads: each scan (from its cache when
 * unchanged) gives every usable Training file (or every file of a single-folder dataset); a seeded split,
 * stratified by source and label, keeps duplicate groups on one side, across sources too; the images are decoded
 * and preprocessed once (then served from the pixel cache). Testing is never touched here: it is for evaluation.
 * Near copies between sources are reported: a Training image of one source that copies a Testing image of another
 * is a leak (evaluation leaves that Testing image out of the deduplicated figures).
 */
import * as l10n from '@vscode/l10n';
import * as crypto from 'node:crypto';
import type { CrossSourceOverlap, DataSource } from '../protocol';
import { CLASSES, COARSE_TUMOUR, LABELS, labelIndex, type DatasetLabel } from '../data/classNames';
import { findDuplicates, findLeaks, type HashedFile } from '../data/findDuplicates';
import { loadImages } from '../data/loadImages';
import type { PreprocessPolicy } from '../data/preprocess';
import { trainingSplit, type ScanResult, type ScannedFile } from '../data/scanDataset';
import { usable } from '../data/inspectImage';
import { duplicateGroups, splitTrainValidation, type SplitItem } from '../data/splitDataset';
import type { TrainData } from './trainer';

export class TrainingDataError extends Error {}

export interface PreparedData {
  train: TrainData;
  val: TrainData;
  /** One source: sha256 over the (file, content hash, label) of every image used, in training order (as earlier
   *  versions recorded it). Several: sha256 over the sources' own fingerprints. Names the exact data. */
  fingerprint: string;
  /** Summed over the sources. */
  perClass: Partial<Record<DatasetLabel, { train: number; val: number }>>;
  /** Every source, in the order given, with its own fingerprint (over its files in name order, so that it changes
   *  only when that source does, not when another source reshuffles the split) and counts. */
  sources: DataSource[];
  /** The validation files of the first source (relative paths), and of every source in order. */
  valFiles: string[];
  valFilesBySource: string[][];
  crossSource: CrossSourceOverlap;
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
  const split = trainingSplit(scan.report);
  return scan.files.filter((f) => f.split === split && usable(f.inspection)).sort((a, b) => (a.rel < b.rel ? -1 : 1));
}

interface SourcedFile { file: ScannedFile; source: number; key: string }

const where = (scan: ScanResult) => (scan.report.layout === 'single' ? scan.report.root : `${scan.report.root}/Training`);

/**
 * Checks there is something to learn: at least 2 notumor and 2 tumour images (fine or coarse), and no tumour type
 * with exactly one image (it could not be both trained and validated). A dataset of only coarse tumour images and
 * notumor images (Br35H's yes/no) is fine: it trains a tumour detector.
 */
function checkCounts(files: readonly SourcedFile[], scans: readonly ScanResult[]): void {
  const count = (l: DatasetLabel) => files.filter((f) => f.file.label === l).length;
  const places = scans.map(where).join(', ');
  if (files.length === 0) throw new TrainingDataError(l10n.t('No usable images in {0}. Check the folder with Show Dataset (VS Code) or brain-tumor scan.', places));
  const tumour = files.length - count('notumor');
  const short = [count('notumor') < 2 ? 'notumor' : '', tumour < 2 ? l10n.t('tumour (any type)') : '',
    ...CLASSES.filter((c) => count(c) === 1)].filter(Boolean);
  if (short.length) {
    throw new TrainingDataError(short.length > 1
      ? l10n.t('Training needs at least 2 notumor and 2 tumour images, and 2 of each tumour type it has; {0} have fewer in {1}.', short.join(', '), places)
      : l10n.t('Training needs at least 2 notumor and 2 tumour images, and 2 of each tumour type it has; {0} has fewer in {1}.', short.join(', '), places));
  }
}

export async function prepareTrainingData(scanOrScans: ScanResult | readonly ScanResult[], policy: PreprocessPolicy, opts: PrepareOptions): Promise<PreparedData> {
  const scans = Array.isArray(scanOrScans) ? scanOrScans as readonly ScanResult[] : [scanOrScans as ScanResult];
  const several = scans.length > 1;
  // Keys are unique across sources; a one-source run keeps plain relative paths (its split.json and fingerprint
  // stay as earlier versions wrote them).
  const files: SourcedFile[] = scans.flatMap((scan, s) => trainingFiles(scan).map((file) => ({ file, source: s, key: several ? `${s}:${file.rel}` : file.rel })));
  checkCounts(files, scans);

  // Duplicate groups over every source's files (all splits, so that cross-source leaks are found too).
  const hashedOf = (scan: ScanResult, s: number): HashedFile[] => scan.files.filter((f) => f.inspection.info)
    .map((f) => ({ rel: several ? `${s}:${f.rel}` : f.rel, split: f.split, md5: f.inspection.md5, dhash: f.inspection.info!.dhash }));
  const dupGroups = several ? crossSourceGroups(scans, hashedOf)
    : { groups: [...scans[0]!.report.exactDuplicates, ...scans[0]!.report.nearDuplicates], overlap: { groups: 0, leaks: [] } };
  const items: SplitItem[] = files.map((f) => ({ rel: f.key, label: f.file.label, stratum: `${f.source}/${f.file.label}` }));
  const split = splitTrainValidation(items, duplicateGroups(items, dupGroups.groups), { valFraction: opts.valFraction, seed: opts.seed });
  if (split.val.length === 0) {
    throw new TrainingDataError(l10n.t('The validation split is empty: too few images in {0} for valFraction {1}.', scans.map(where).join(', '), String(opts.valFraction)));
  }
  const order = [...split.train, ...split.val];
  const loaded = await loadImages(order.map((i) => ({ abs: files[i]!.file.abs, md5: files[i]!.file.inspection.md5 })), policy, {
    cacheDir: opts.cacheDir, onProgress: opts.onProgress, isCancelled: opts.isCancelled,
  });
  const per = policy.size * policy.size * policy.channels;
  const part = (idx: number[], from: number): TrainData => ({
    pixels: loaded.pixels.subarray(from * per, (from + idx.length) * per),
    labels: Int32Array.from(idx, (i) => labelIndex(files[i]!.file.label)),
    count: idx.length,
  });

  const fileHash = (idx: readonly number[]) => {
    const hash = crypto.createHash('sha256');
    for (const i of idx) hash.update(`${files[i]!.file.rel}\0${files[i]!.file.inspection.md5}\0${files[i]!.file.label}\n`);
    return hash.digest('hex');
  };
  const sources: DataSource[] = scans.map((scan, s) => {
    const perClass: Record<string, { train: number; val: number }> = {};
    const counts = { train: 0, val: 0 };
    const tally = (i: number, side: 'train' | 'val') => {
      const f = files[i]!;
      if (f.source !== s) return;
      (perClass[f.file.label] ??= { train: 0, val: 0 })[side]++;
      counts[side]++;
    };
    split.train.forEach((i) => tally(i, 'train'));
    split.val.forEach((i) => tally(i, 'val'));
    // `files` is in name order within each source.
    const own = files.map((f, i) => (f.source === s ? i : -1)).filter((i) => i >= 0);
    // Classes in report order; the coarse row only when the source has coarse images.
    const ordered = Object.fromEntries(LABELS.filter((l) => l !== COARSE_TUMOUR || perClass[l]).map((l) => [l, perClass[l] ?? { train: 0, val: 0 }]));
    return { root: scan.report.root, fingerprint: fileHash(own), counts, perClass: ordered };
  });
  const perClass: PreparedData['perClass'] = {};
  for (const src of sources) {
    for (const [l, c] of Object.entries(src.perClass)) {
      const sum = (perClass[l as DatasetLabel] ??= { train: 0, val: 0 });
      sum.train += c.train;
      sum.val += c.val;
    }
  }
  const fingerprint = several
    ? crypto.createHash('sha256').update(sources.map((s) => `${s.root}\0${s.fingerprint}`).join('\n')).digest('hex')
    : fileHash(order);
  const valFilesBySource = scans.map((_, s) => split.val.filter((i) => files[i]!.source === s).map((i) => files[i]!.file.rel));
  return {
    train: part(split.train, 0),
    val: part(split.val, split.train.length),
    fingerprint,
    perClass,
    sources,
    valFiles: valFilesBySource[0]!,
    valFilesBySource,
    crossSource: dupGroups.overlap,
    failed: loaded.failed,
    loadMs: loaded.ms,
  };
}

/**
 * Duplicate groups over the Training files of all sources (keys "source:rel"), and what crosses sources: the
 * groups with members from more than one source, and the leaks, Testing files of one source with a near copy in
 * another source's Training files.
 */
function crossSourceGroups(scans: readonly ScanResult[], hashedOf: (scan: ScanResult, s: number) => HashedFile[]):
  { groups: ReturnType<typeof findDuplicates>['near']; overlap: CrossSourceOverlap } {
  const threshold = Math.max(...scans.map((s) => s.report.nearThreshold));
  const hashed = scans.map((scan, s) => hashedOf(scan, s));
  const training = hashed.flatMap((h, s) => h.filter((f) => f.split === trainingSplit(scans[s]!.report)).map((f) => ({ ...f, split: 'Training' })));
  const dup = findDuplicates(training, threshold);
  const groups = [...dup.exact, ...dup.near];
  const sourceOf = (key: string) => Number(key.slice(0, key.indexOf(':')));
  const relOf = (key: string) => key.slice(key.indexOf(':') + 1);
  const crossing = groups.filter((g) => new Set(g.files.map(sourceOf)).size > 1);
  const leaks: CrossSourceOverlap['leaks'] = [];
  hashed.forEach((h, s) => {
    const tests = h.filter((f) => f.split === 'Testing');
    const otherTraining = training.filter((f) => sourceOf(f.rel) !== s);
    for (const l of findLeaks(tests, otherTraining, threshold)) {
      leaks.push({ testRoot: scans[s]!.report.root, testFile: relOf(l.testFile), trainRoot: scans[sourceOf(l.trainFile)]!.report.root,
        trainFile: relOf(l.trainFile), distance: l.distance });
    }
  });
  return { groups, overlap: { groups: crossing.length, leaks } };
}
