/** Validation of the training requests' params: they come from another process and are checked before use. */
import * as l10n from '@vscode/l10n';
import * as path from 'node:path';
import { ErrorCodes, protocolError, type TrainParams } from '../protocol';

const bad = (method: string, m: string) => protocolError(ErrorCodes.InvalidParams, `${method}: ${m}`);

function absolute(method: string, o: Record<string, unknown>, key: string): string | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !v || !path.isAbsolute(v) || v.includes('\0')) {
    throw bad(method, l10n.t('"{0}" must be an absolute folder path, got {1}', key, String(JSON.stringify(v))));
  }
  return path.normalize(v);
}

/** At most this many dataset folders in one run (a sanity bound for a request from another process). */
export const MAX_SOURCES = 16;

/**
 * A new run needs runsDir and dataRoot, or dataRoots (several sources, no duplicates); a resumed one needs only
 * resumeRunDir. The config is checked later, whole.
 */
export function parseTrainParams(raw: unknown): TrainParams {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw bad('train', l10n.t('expected an object'));
  const o = raw as Record<string, unknown>;
  const resumeRunDir = absolute('train', o, 'resumeRunDir');
  const dataRoot = absolute('train', o, 'dataRoot');
  const runsDir = absolute('train', o, 'runsDir');
  let dataRoots: string[] | undefined;
  if (o.dataRoots !== undefined) {
    if (!Array.isArray(o.dataRoots) || o.dataRoots.length === 0 || o.dataRoots.length > MAX_SOURCES) {
      throw bad('train', l10n.t('"{0}" must be a list of 1 to {1} absolute folder paths', 'dataRoots', String(MAX_SOURCES)));
    }
    dataRoots = o.dataRoots.map((v: unknown, i) => absolute('train', { [`dataRoots[${i}]`]: v }, `dataRoots[${i}]`)!);
    if (new Set(dataRoots).size !== dataRoots.length) throw bad('train', l10n.t('"{0}" names a folder twice', 'dataRoots'));
    if (dataRoot && dataRoot !== dataRoots[0]) throw bad('train', l10n.t('give "dataRoot" or "dataRoots", not both'));
  }
  if (!resumeRunDir && (!(dataRoot || dataRoots) || !runsDir)) {
    throw bad('train', l10n.t('a new run needs "dataRoot" (or "dataRoots") and "runsDir" (or "resumeRunDir" to resume one)'));
  }
  return { dataRoot: dataRoot ?? dataRoots?.[0], ...(dataRoots && dataRoots.length > 1 ? { dataRoots } : {}), runsDir, resumeRunDir,
    config: o.config as TrainParams['config'] };
}

export function parseRunDir(method: string, raw: unknown): string {
  if (typeof raw !== 'object' || raw === null) throw bad(method, l10n.t('expected an object with "{0}"', 'runDir'));
  const dir = absolute(method, raw as Record<string, unknown>, 'runDir');
  if (!dir) throw bad(method, l10n.t('"{0}" is required', 'runDir'));
  return dir;
}

export function parseRunId(raw: unknown): string | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const id = (raw as Record<string, unknown>).runId;
  return typeof id === 'string' && id.length <= 200 ? id : undefined;
}
