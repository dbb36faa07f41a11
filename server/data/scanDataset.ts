/**
 * Scans a dataset folder: layout and labels, every file's verdict, counts per split and class, sizes, colour
 * modes, formats, problems, duplicates and leaks between splits. Cancellable, with progress; unchanged files
 * come from the scan cache.
 */
import * as l10n from '@vscode/l10n';
import { throwIfCancelled } from '../cancelled';
import * as fs from 'node:fs/promises';
import type { ClassCount, DatasetLabel, FileProblem, ScanReport, SplitSummary, VolumeSliceSelection } from '../protocol';
import { LABELS } from './classNames';
import { findDuplicates, type HashedFile } from './findDuplicates';
import { forEachLimit } from './forEachLimit';
import { inspectImage, problemsOf, usable, type Inspection } from './inspectImage';
import { ScanCache } from './scanCache';
import { walkDataset, type DatasetFile, type ReadDir } from './walkDataset';
import { isNiftiPath } from './volume/niftiVolume';
import { DEFAULT_VOLUME_SLICES, scanVolumes } from './volume/scanVolumes';

export interface ScanOptions {
  /** Where the scan cache lives; null = no cache. */
  cacheDir: string | null;
  nearThreshold?: number;
  concurrency?: number;
  onProgress?: (p: { done: number; total: number; phase: 'listing' | 'inspecting' | 'comparing' }) => void;
  isCancelled?: () => boolean;
  /** How folders are listed (tests inject failures). */
  readDir?: ReadDir;
  /** Which slices of NIfTI volumes count (default middle-third). */
  volumeSlices?: VolumeSliceSelection;
}

export interface ScannedFile extends DatasetFile { inspection: Inspection }
export interface ScanResult { report: ScanReport; files: ScannedFile[] }

/** Files larger than this are not read at all (no MRI slice is anywhere near it). */
export const MAX_FILE_BYTES = 256 * 1024 * 1024;
export const DEFAULT_NEAR_THRESHOLD = 5;
const SAMPLES_PER_CLASS = 6;

async function inspectFile(f: DatasetFile, cache: ScanCache): Promise<{ inspection: Inspection; cached: boolean }> {
  try {
    const st = await fs.stat(f.abs);
    const hit = cache.get(f.rel, st.size, st.mtimeMs);
    if (hit) return { inspection: hit, cached: true };
    const inspection = st.size > MAX_FILE_BYTES
      ? { md5: '', bytes: st.size, problems: [{ kind: 'too-large' as const, message: l10n.t('file too large to be an MRI slice ({0} MiB); not read', String(Math.round(st.size / 2 ** 20))) }] }
      : await inspectImage(await fs.readFile(f.abs), f.abs);
    cache.set(f.rel, st.size, st.mtimeMs, inspection);
    return { inspection, cached: false };
  } catch (e) {
    return { inspection: { md5: '', bytes: 0, problems: [{ kind: 'unreadable', message: l10n.t('cannot read: {0}', (e as Error).message) }] }, cached: false };
  }
}

export async function scanDataset(root: string, opts: ScanOptions): Promise<ScanResult> {
  const t0 = performance.now();
  const threshold = opts.nearThreshold ?? DEFAULT_NEAR_THRESHOLD;
  opts.onProgress?.({ done: 0, total: 0, phase: 'listing' });
  const walk = await walkDataset(root, opts.readDir);
  // Volumes are counted by their slices (scanVolumes.ts), not inspected as images.
  const volumeFiles = walk.files.filter((f) => isNiftiPath(f.abs));
  if (volumeFiles.length) walk.files = walk.files.filter((f) => !isNiftiPath(f.abs));
  const cache = ScanCache.open(opts.cacheDir, walk.root);
  const files: ScannedFile[] = new Array<ScannedFile>(walk.files.length);
  let done = 0;
  let fromCache = 0;
  let lastReport = 0;
  try {
    await forEachLimit(walk.files, opts.concurrency ?? 4, async (f, i) => {
      throwIfCancelled(opts.isCancelled, 'Scan');
      const { inspection, cached } = await inspectFile(f, cache);
      if (cached) fromCache++;
      files[i] = { ...f, inspection };
      done++;
      const now = performance.now();
      if (now - lastReport > 100 || done === walk.files.length) {
        lastReport = now;
        opts.onProgress?.({ done, total: walk.files.length, phase: 'inspecting' });
      }
    });
  } finally {
    // Even a cancelled scan keeps what it learnt: the next one resumes from there.
    cache.save(new Set(walk.files.map((f) => f.rel)));
  }
  opts.onProgress?.({ done, total: walk.files.length, phase: 'comparing' });
  const report = summarise(walk, files, threshold);
  // A multi-frame DICOM file is a usable image (its frame 0, what training reads) and also a volume of its frames.
  const multiFrame = files.filter((f) => (f.inspection.info?.frames ?? 1) > 1).map((f) => ({ file: f, frames: f.inspection.info!.frames! }));
  if (volumeFiles.length || multiFrame.length) {
    const v = await scanVolumes(volumeFiles, opts.volumeSlices ?? DEFAULT_VOLUME_SLICES, multiFrame);
    report.volumes = v.volumes;
    report.problems.push(...v.problems);
  }
  report.timing = { ms: Math.round(performance.now() - t0), inspected: files.length - fromCache, fromCache };
  return { report, files };
}

const emptyCounts = (): Record<DatasetLabel, ClassCount> =>
  Object.fromEntries(LABELS.map((c) => [c, { files: 0, usable: 0, bytes: 0 }])) as Record<DatasetLabel, ClassCount>;

function widthBucket(w: number): string {
  if (w < 256) return '< 256';
  if (w < 512) return '256-511';
  if (w === 512) return '512';
  if (w < 1024) return '513-1023';
  return '>= 1024';
}
const WIDTH_BUCKETS = ['< 256', '256-511', '512', '513-1023', '>= 1024'];

function summarise(walk: Awaited<ReturnType<typeof walkDataset>>, files: ScannedFile[], threshold: number): ScanReport {
  const splits: SplitSummary[] = walk.splits.map((split) => ({ split, classes: emptyCounts(), files: 0, usable: 0 }));
  const sizes = new Map<string, number>();
  const widths = new Map<string, number>();
  const modes: Record<string, number> = {};
  const formats: Record<string, number> = {};
  // A folder that could not be read is a problem of its own: its images are missing from every count.
  const problems: FileProblem[] = walk.unreadable.map((u) => ({ rel: u.rel, kind: 'unreadable', message: u.message }));
  let bytes = 0;
  let nonSquare = 0;
  for (const f of files) {
    const s = splits.find((x) => x.split === f.split)!;
    const c = s.classes[f.label];
    const ok = usable(f.inspection);
    c.files++; s.files++; c.bytes += f.inspection.bytes; bytes += f.inspection.bytes;
    if (ok) { c.usable++; s.usable++; }
    problems.push(...problemsOf(f.rel, f.inspection));
    const info = f.inspection.info;
    if (!info) continue;
    const key = `${info.width}x${info.height}`;
    sizes.set(key, (sizes.get(key) ?? 0) + 1);
    widths.set(widthBucket(info.width), (widths.get(widthBucket(info.width)) ?? 0) + 1);
    if (info.width !== info.height) nonSquare++;
    modes[info.mode] = (modes[info.mode] ?? 0) + 1;
    formats[info.format] = (formats[info.format] ?? 0) + 1;
  }
  const hashed: HashedFile[] = files.filter((f) => f.inspection.info)
    .map((f) => ({ rel: f.rel, split: f.split, md5: f.inspection.md5, dhash: f.inspection.info!.dhash }));
  const dup = findDuplicates(hashed, threshold);
  const testingFiles = files.filter((f) => f.split === 'Testing' && usable(f.inspection));
  const leaked = new Set(dup.leaks.map((l) => l.testFile));
  const leakedByClass = Object.fromEntries(LABELS.map((c) => [c, testingFiles.filter((f) => f.label === c && leaked.has(f.rel)).length])) as Record<DatasetLabel, number>;
  const usableFiles = files.filter((f) => usable(f.inspection));
  return {
    root: walk.root,
    layout: walk.layout,
    splits,
    classFolders: walk.classFolders,
    totals: { files: files.length, usable: usableFiles.length, bytes },
    sizes: [...sizes].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([k, count]) => {
      const [width, height] = k.split('x').map(Number);
      return { width: width!, height: height!, count };
    }),
    distinctSizes: sizes.size,
    nonSquare,
    widthHistogram: WIDTH_BUCKETS.map((label) => ({ label, count: widths.get(label) ?? 0 })),
    modes,
    formats,
    problems,
    ignored: walk.ignored,
    exactDuplicates: dup.exact,
    nearDuplicates: dup.near,
    nearThreshold: threshold,
    leaks: dup.leaks,
    testing: walk.splits.includes('Testing') ? { files: testingFiles.length, deduplicated: testingFiles.length - leaked.size, leakedByClass } : null,
    samples: pickSamples(usableFiles),
    timing: { ms: 0, inspected: 0, fromCache: 0 },
  };
}

/**
 * Evenly spaced picks per split and class: deterministic, and not just the first few files of a folder. DICOM files
 * are left out: the panel shows samples straight from disk, and a browser cannot draw a DICOM file.
 */
export function pickSamples(files: ScannedFile[]): ScanReport['samples'] {
  const out: ScanReport['samples'] = [];
  const groups = new Map<string, ScannedFile[]>();
  for (const f of files) {
    if (f.inspection.info?.format === 'dicom') continue;
    const key = `${f.split}/${f.label}`;
    const list = groups.get(key);
    if (list) list.push(f);
    else groups.set(key, [f]);
  }
  for (const list of groups.values()) {
    const n = Math.min(SAMPLES_PER_CLASS, list.length);
    for (let k = 0; k < n; k++) {
      const f = list[Math.floor((k * list.length) / n)]!;
      out.push({ split: f.split, label: f.label, rel: f.rel });
    }
  }
  return out;
}

/** The split a model trains on: Training, or the whole folder of a dataset without splits. */
export const trainingSplit = (report: Pick<ScanReport, 'layout'>): 'All' | 'Training' => (report.layout === 'single' ? 'All' : 'Training');

/** "Testing, deduplicated": Testing files without a (near) copy in Training. */
export function deduplicatedTesting(result: ScanResult): ScannedFile[] {
  const leaked = new Set(result.report.leaks.map((l) => l.testFile));
  return result.files.filter((f) => f.split === 'Testing' && usable(f.inspection) && !leaked.has(f.rel));
}
