/**
 * Validation of what the Compare Runs webview sends, and of the state it saved (the runs that come back on a
 * reload). No vscode import: unit-tested.
 */
import * as path from 'node:path';
import type { CompareRun, CompareSortKey, CompareViewState, FromCompareView } from '../../webview/protocol';
import { parseChartImage } from './chartImageMessages';
import { MAX_COMPARED } from '../compare/compareRuns';

const SORT_KEYS: readonly CompareSortKey[] = ['run', 'model', 'epochs', 'seconds', 'bestValAcc', 'official', 'deduplicated', 'external'];
const MAX_EPOCHS = 100000;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isText = (v: unknown): v is string => typeof v === 'string' && v.length < 4096 && !v.includes('\0');
const isRunDir = (v: unknown): v is string => isText(v) && v.length > 0 && path.isAbsolute(v);
const isRatio = (v: unknown): v is number | null => v === null || (typeof v === 'number' && Number.isFinite(v));
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_EPOCHS;

/** The message if it is one the Compare Runs panel understands, else undefined. */
export function parseFromCompareView(m: unknown): FromCompareView | undefined {
  if (!isObject(m)) return undefined;
  if (m.type === 'ready') return { type: 'ready' };
  if (m.type === 'exportChart') return parseChartImage(m);
  if (m.type === 'exportCsv' && Array.isArray(m.order) && m.order.length <= MAX_COMPARED && m.order.every(isRunDir)) {
    return { type: 'exportCsv', order: [...m.order] };
  }
  return undefined;
}

function isEpoch(e: unknown): boolean {
  return isObject(e) && isCount(e.epoch) && [e.loss, e.acc, e.valLoss, e.valAcc].every((v) => typeof v === 'number' && Number.isFinite(v));
}

/** A run as the page saved it: every field the page draws has the right kind. */
export function isCompareRun(v: unknown): v is CompareRun {
  return isObject(v) && isText(v.runId) && isRunDir(v.runDir) && isText(v.status) && isText(v.model) && isText(v.settings) &&
    isCount(v.epochs) && isCount(v.plannedEpochs) && typeof v.seconds === 'number' && Number.isFinite(v.seconds) &&
    isRatio(v.bestValAcc) && isRatio(v.official) && isRatio(v.deduplicated) &&
    Array.isArray(v.external) && v.external.every((x) => isObject(x) && isText(x.name) && isRatio(x.sensitivity)) &&
    Array.isArray(v.history) && v.history.length <= MAX_EPOCHS && v.history.every(isEpoch);
}

/** The saved state of a Compare Runs panel, or undefined when it holds no run to show (then the panel closes). */
export function parseCompareViewState(state: unknown): CompareViewState | undefined {
  if (!isObject(state) || !Array.isArray(state.runs) || !state.runs.length || state.runs.length > MAX_COMPARED || !state.runs.every(isCompareRun)) return undefined;
  const saved = isObject(state.sort) ? state.sort : {};
  const dir: 'asc' | 'desc' = saved.dir === 'asc' ? 'asc' : 'desc';
  const sort = (SORT_KEYS as readonly unknown[]).includes(saved.key) ? { key: saved.key as CompareSortKey, dir } : { key: 'bestValAcc' as const, dir: 'desc' as const };
  const problems = Array.isArray(state.problems) ? state.problems.filter(isText).slice(0, MAX_COMPARED) : [];
  return { runs: state.runs, problems, sort };
}
