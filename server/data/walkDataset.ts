/**
 * Finds the images of a dataset folder and their labels from its layout:
 *  - splits: `Training/<class>/`, `Testing/<class>/` (also train/test/val/validation, any case), as the Kaggle
 *    download unpacks; other folders beside the splits are ignored (and listed);
 *  - single: `<class>/` folders directly in the root.
 * Inside a class folder, sub-folders are searched too. Hidden entries and `__MACOSX` are ignored and listed.
 * A folder where a class folder should be that is not a class is an error naming it and the accepted names.
 */
import * as l10n from '@vscode/l10n';
import type { Dirent } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { acceptedClassNames, canonicalLabel, type DatasetLabel } from './classNames';

export type SplitName = 'Training' | 'Validation' | 'Testing' | 'All';
export type Layout = 'splits' | 'single';

/** Reports list splits in this order, whatever order the folders were read in. */
const SPLIT_ORDER: SplitName[] = ['Training', 'Validation', 'Testing', 'All'];

export interface DatasetFile {
  abs: string;
  /** Relative to the dataset root, with forward slashes. */
  rel: string;
  split: SplitName;
  /** One of the four classes, or `tumour` (coarse: a tumour of unknown type). */
  label: DatasetLabel;
}

export interface Ignored { rel: string; reason: string }

export interface WalkResult {
  root: string;
  layout: Layout;
  splits: SplitName[];
  files: DatasetFile[];
  ignored: Ignored[];
  /** Class folder names as found, with the class each maps to: shows which variants were recognised. */
  classFolders: { rel: string; label: DatasetLabel }[];
  /** Folders inside the dataset that could not be read (their images are missing from the counts), with why. */
  unreadable: { rel: string; message: string }[];
}

/** Lists a folder; an option so that tests can make one fail (as root, a permission error cannot be staged). */
export type ReadDir = (dir: string) => Promise<Dirent[]>;
const readDir: ReadDir = (dir) => fs.readdir(dir, { withFileTypes: true });

export class DatasetLayoutError extends Error {}

export function splitName(folder: string): SplitName | undefined {
  const s = folder.toLowerCase();
  if (s === 'training' || s === 'train') return 'Training';
  if (s === 'testing' || s === 'test') return 'Testing';
  if (s === 'validation' || s === 'val' || s === 'valid') return 'Validation';
  return undefined;
}

const isJunk = (name: string) => name.startsWith('.') || name === '__MACOSX' || name === 'Thumbs.db' || name === 'desktop.ini';
const toRel = (root: string, abs: string) => path.relative(root, abs).split(path.sep).join('/');

async function listDir(dir: string, read: ReadDir = readDir): Promise<Dirent[]> {
  try {
    return (await read(dir)).sort((a, b) => a.name.localeCompare(b.name));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new DatasetLayoutError(l10n.t('Dataset folder not found: {0}', dir));
    if (code === 'ENOTDIR') throw new DatasetLayoutError(l10n.t('Not a folder: {0}. Pick the folder that holds Training/ and Testing/ (or the class folders).', dir));
    throw new DatasetLayoutError(l10n.t('Cannot read {0}: {1}', dir, (e as Error).message), { cause: e });
  }
}

export async function walkDataset(rootIn: string, read: ReadDir = readDir): Promise<WalkResult> {
  const root = path.resolve(rootIn);
  const top = await listDir(root, read);
  const dirs = top.filter((d) => d.isDirectory() && !isJunk(d.name));
  const splitDirs = dirs.filter((d) => splitName(d.name));
  const result: WalkResult = { root, layout: splitDirs.length ? 'splits' : 'single', splits: [], files: [], ignored: [], classFolders: [], unreadable: [] };
  /** A folder below the root that cannot be listed is recorded and skipped: one bad folder must not stop a scan. */
  const listInside = async (dir: string): Promise<Dirent[]> => {
    try {
      return await listDir(dir, read);
    } catch (e) {
      const code = (e as { cause?: NodeJS.ErrnoException }).cause?.code;
      result.unreadable.push({ rel: toRel(root, dir), message: code
        ? l10n.t('folder cannot be read ({0}): its images are not counted; check its permissions', code)
        : l10n.t('folder cannot be read: its images are not counted; check its permissions') });
      return [];
    }
  };

  if (splitDirs.length) {
    for (const d of top) {
      if (splitDirs.includes(d)) continue;
      result.ignored.push({ rel: d.name, reason: isJunk(d.name) ? l10n.t('hidden or system entry')
        : d.isDirectory() ? l10n.t('not a split folder (Training, Testing, Validation)') : l10n.t('file outside the split folders') });
    }
    for (const d of splitDirs) {
      const split = splitName(d.name)!;
      if (!result.splits.includes(split)) result.splits.push(split);
      const dir = path.join(root, d.name);
      await walkSplit(dir, await listInside(dir), split, result, listInside);
    }
  } else {
    const classDirs = dirs.filter((d) => canonicalLabel(d.name));
    if (!classDirs.length) {
      throw new DatasetLayoutError(l10n.t('No dataset layout found in {0}: expected Training/<class>/ and Testing/<class>/ folders, or <class>/ folders. Accepted class names: {1}.',
        root, acceptedClassNames()));
    }
    result.splits.push('All');
    await walkSplit(root, top, 'All', result, listInside);
  }
  result.splits.sort((a, b) => SPLIT_ORDER.indexOf(a) - SPLIT_ORDER.indexOf(b));
  if (!result.files.length) throw new DatasetLayoutError(l10n.t('The dataset at {0} has class folders but no files in them.', root));
  return result;
}

type ListInside = (dir: string) => Promise<Dirent[]>;

/** The class folders of one split folder (`entries`, already listed), and everything below them. */
async function walkSplit(dir: string, entries: Dirent[], split: SplitName, result: WalkResult, list: ListInside): Promise<void> {
  for (const d of entries) {
    const abs = path.join(dir, d.name);
    if (isJunk(d.name)) { result.ignored.push({ rel: toRel(result.root, abs), reason: l10n.t('hidden or system entry') }); continue; }
    if (!d.isDirectory()) { result.ignored.push({ rel: toRel(result.root, abs), reason: l10n.t('file outside a class folder') }); continue; }
    const label = canonicalLabel(d.name);
    if (!label) {
      throw new DatasetLayoutError(l10n.t('Folder "{0}" is not a class folder. Accepted class names: {1}. Rename or move it, then scan again.',
        toRel(result.root, abs), acceptedClassNames()));
    }
    result.classFolders.push({ rel: toRel(result.root, abs), label });
    await walkClass(abs, split, label, result, list);
  }
}

async function walkClass(dir: string, split: SplitName, label: DatasetLabel, result: WalkResult, list: ListInside): Promise<void> {
  for (const d of await list(dir)) {
    const abs = path.join(dir, d.name);
    if (isJunk(d.name)) { result.ignored.push({ rel: toRel(result.root, abs), reason: l10n.t('hidden or system entry') }); continue; }
    if (d.isDirectory()) await walkClass(abs, split, label, result, list);
    else if (d.isFile()) result.files.push({ abs, rel: toRel(result.root, abs), split, label });
    else result.ignored.push({ rel: toRel(result.root, abs), reason: l10n.t('not a regular file') });
  }
}
