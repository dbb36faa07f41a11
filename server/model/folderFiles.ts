/**
 * Durable files of a run or model folder: every write goes to a temporary name, is flushed and renamed, so a crash
 * never leaves half a file; reads name the file and what is wrong with it.
 */
import * as l10n from '@vscode/l10n';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** A run or model folder that is missing, incomplete or not one of ours; the message says which file and why. */
export class RunFolderError extends Error {}

/** Flushes a folder's entries (a rename is only durable once its folder is); not every platform allows it. */
export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Windows cannot open a folder for fsync; its renames are durable by other means.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Written to a temporary name, flushed to disk, renamed into place, and the rename flushed: never half a file. */
export function writeAtomic(file: string, data: string | Uint8Array): void {
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = fs.openSync(tmp, 'w');
  try {
    try {
      fs.writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch (e) {
    fs.rmSync(tmp, { force: true }); // a failed write (full disk) leaves no half file behind
    throw e;
  }
  fs.renameSync(tmp, file);
  fsyncDir(path.dirname(file));
}
export function writeJson(file: string, value: unknown): void {
  writeAtomic(file, JSON.stringify(value, null, 1) + '\n');
}
/** The files readJson reads, each named in its own sentences. */
export type FolderFile = 'metadata' | 'model' | 'history' | 'checkpoint-state' | { checkpointManifest: string };

function missingText(what: FolderFile, file: string): string {
  if (typeof what === 'object') return l10n.t('The checkpoint\'s {0} manifest is missing: {1}', what.checkpointManifest, file);
  switch (what) {
    case 'metadata': return l10n.t('The run metadata is missing: {0}', file);
    case 'model': return l10n.t('The model file is missing: {0}', file);
    case 'history': return l10n.t('The run history is missing: {0}', file);
    case 'checkpoint-state': return l10n.t('The checkpoint state is missing: {0}', file);
  }
}

function invalidText(what: FolderFile, error: string, file: string): string {
  if (typeof what === 'object') return l10n.t('The checkpoint\'s {0} manifest is not valid JSON ({1}): {2}', what.checkpointManifest, error, file);
  switch (what) {
    case 'metadata': return l10n.t('The run metadata is not valid JSON ({0}): {1}', error, file);
    case 'model': return l10n.t('The model file is not valid JSON ({0}): {1}', error, file);
    case 'history': return l10n.t('The run history is not valid JSON ({0}): {1}', error, file);
    case 'checkpoint-state': return l10n.t('The checkpoint state is not valid JSON ({0}): {1}', error, file);
  }
}

export function readJson<T>(file: string, what: FolderFile): T {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new RunFolderError(missingText(what, file));
  }
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw new RunFolderError(invalidText(what, (e as Error).message, file));
  }
}

