/**
 * What the sidebar shows of a run folder, read straight from its files (metadata.json, history.json, run.lock,
 * the checkpoint folders) so that the views never start the backend just because they are visible. The files are
 * the backend's (server/model/metadata.ts, server/train/runFolder.ts); this reader checks every field it uses and
 * turns a folder it cannot read into an error record instead of throwing. No vscode import: unit-tested.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as l10n from '@vscode/l10n';

/** The status a run shows: metadata.json's, except that a "running" run whose trainer is gone is interrupted. */
export type RunState = 'running' | 'completed' | 'early-stopped' | 'cancelled' | 'failed' | 'interrupted';
const STATES: readonly string[] = ['running', 'completed', 'early-stopped', 'cancelled', 'failed', 'interrupted'];

export interface RunRecord {
  runDir: string;
  runId: string;
  state: RunState;
  model: string;
  epochsDone: number;
  epochs: number;
  bestValAcc: number | null;
  /** Testing accuracy of the last evaluation (official split), and on the deduplicated split. */
  testAcc: number | null;
  dedupAcc: number | null;
  createdAt: string;
  updatedAt: string;
  dataRoots: string[];
  /** A checkpoint exists and the run did not finish: Resume can continue it. */
  resumable: boolean;
  /** model.json is there: the run can classify, be evaluated, be exported. */
  hasModel: boolean;
}

export interface UnreadableRun { runDir: string; error: string }

export interface RunProbe {
  /** Whether the process of a run.lock is alive (another host's lock counts as alive). */
  lockIsLive(lock: { pid: number; host: string }): boolean;
  exists(file: string): boolean;
}

export const diskProbe: RunProbe = {
  lockIsLive: ({ pid, host }) => {
    if (host !== os.hostname()) return true;
    try {
      process.kill(pid, 0);
      return true;
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === 'EPERM';
    }
  },
  exists: (file) => fs.existsSync(file),
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

function readJsonFile(file: string): unknown {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
}

/** The run's record from already-parsed files (pure; `readRunRecord` does the reading). */
export function runRecordFrom(runDir: string, meta: unknown, history: unknown, lock: unknown, probe: RunProbe): RunRecord | UnreadableRun {
  if (!isObject(meta) || meta.format !== 'brain-tumor-run') return { runDir, error: l10n.t('metadata.json is not a brain-tumor run\'s') };
  if (typeof meta.status !== 'string' || !STATES.includes(meta.status)) return { runDir, error: l10n.t('unknown status {0}', String(JSON.stringify(meta.status))) };
  const config = isObject(meta.config) ? meta.config : {};
  const epochs = num(config.epochs);
  if (epochs === null) return { runDir, error: l10n.t('metadata.json has no config.epochs') };
  let state = meta.status as RunState;
  if (state === 'running') {
    const live = isObject(lock) && typeof lock.pid === 'number' && typeof lock.host === 'string' && probe.lockIsLive({ pid: lock.pid, host: lock.host });
    if (!live) state = 'interrupted';
  }
  const evaluation = isObject(meta.evaluation) ? meta.evaluation : {};
  const score = (v: unknown) => (isObject(v) ? num(v.accuracy) : null);
  const sources = Array.isArray(meta.sources) ? meta.sources.filter(isObject).map((s) => str(s.root)).filter(Boolean) : [];
  const dataset = isObject(meta.dataset) ? str(meta.dataset.root) : '';
  const finished = state === 'completed' || state === 'early-stopped';
  const checkpoint = ['checkpoint', 'checkpoint.prev'].some((c) => probe.exists(path.join(runDir, c, 'state.json')));
  return {
    runDir, runId: str(meta.runId) || path.basename(runDir), state, model: str(config.model) || 'model',
    epochsDone: Array.isArray(history) ? history.length : 0, epochs,
    bestValAcc: num(meta.bestValAcc), testAcc: score(evaluation.official), dedupAcc: score(evaluation.deduplicated),
    createdAt: str(meta.createdAt), updatedAt: str(meta.updatedAt),
    dataRoots: sources.length ? sources : dataset ? [dataset] : [],
    resumable: !finished && state !== 'running' && checkpoint,
    hasModel: probe.exists(path.join(runDir, 'model.json')),
  };
}

/** Reads one run folder; a folder it cannot read becomes an UnreadableRun saying why. */
export function readRunRecord(runDir: string, probe: RunProbe = diskProbe): RunRecord | UnreadableRun {
  const optional = (name: string) => { try { return readJsonFile(path.join(runDir, name)); } catch { return undefined; } };
  let meta: unknown;
  try {
    meta = readJsonFile(path.join(runDir, 'metadata.json'));
  } catch (e) {
    return { runDir, error: l10n.t('metadata.json cannot be read: {0}', (e as Error).message) };
  }
  return runRecordFrom(runDir, meta, optional('history.json'), optional('run.lock'), probe);
}

export const isReadable = (r: RunRecord | UnreadableRun): r is RunRecord => !('error' in r);
