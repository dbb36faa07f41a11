/**
 * The images a model trained on, as content hashes, so that evaluation can tell which test or external images
 * have a near copy among them: those score from memory and leave the deduplicated figures. The sources come from
 * the model's metadata (every dataset folder of a several-source run); their scans come from the scan cache.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DatasetStore } from '../data/datasetStore';
import type { HashedFile } from '../data/findDuplicates';
import { trainingSplit, type ScanResult } from '../data/scanDataset';
import { sourcesOf } from '../model/metadata';
import { type RunMetadata } from '../model/metadata';

export interface TrainingCopies {
  /** Training files of every source found; `rel` is "<root>/<rel>" so that files of different sources stay apart. */
  files: HashedFile[];
  /** The sources' folders, and those not found on this machine (their copies cannot be checked). */
  roots: string[];
  missing: string[];
  nearThreshold: number;
}

/** Hashes of a scan's files of one split kind: the training side (Training, or the single folder) or all. */
export function hashedFiles(scan: ScanResult, which: 'training' | 'all'): HashedFile[] {
  const trainSplit = trainingSplit(scan.report);
  return scan.files.filter((f) => f.inspection.info && (which === 'all' || f.split === trainSplit))
    .map((f) => ({ rel: path.join(scan.report.root, f.rel), split: f.split, md5: f.inspection.md5, dhash: f.inspection.info!.dhash }));
}

/** `fresh`: scans just made by the caller (the evaluated dataset), used instead of scanning those roots again. */
export async function trainingCopies(meta: RunMetadata, datasets: DatasetStore, cacheDir: string | null, isCancelled?: () => boolean,
  fresh: readonly ScanResult[] = []): Promise<TrainingCopies> {
  const roots = sourcesOf(meta).map((s) => s.root);
  const out: TrainingCopies = { files: [], roots, missing: [], nearThreshold: 5 };
  for (const root of roots) {
    if (!fs.existsSync(root)) { out.missing.push(root); continue; }
    const scan = fresh.find((s) => sameFolder(s.report.root, root)) ?? await datasets.scan(root, { cacheDir, isCancelled });
    out.nearThreshold = scan.report.nearThreshold;
    out.files.push(...hashedFiles(scan, 'training'));
  }
  return out;
}

/** Whether two folder paths name the same folder (resolved, trailing separators ignored). */
export const sameFolder = (a: string, b: string) => path.resolve(a) === path.resolve(b);
