/**
 * Validation of what the Metrics webview sends, and of the state it saved (a report that comes back on reload).
 * No vscode import: unit-tested.
 */
import type { EpochStats, EvaluationReport, SplitScores } from '../../server/protocol';
import type { FromMetricsView, MetricsViewState, RenderedExternalRow } from '../../webview/protocol';
import { parseChartImage } from './chartImageMessages';

/** Longest relative path the panel accepts in an `open` message. */
export const MAX_REL_LENGTH = 4096;
/** Most external rows a `rendered` message may list, and the longest text of one of its fields. */
export const MAX_RENDERED_ROWS = 200;
const MAX_TEXT = 1024;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The message if it is one the Metrics panel understands, else undefined. An `open` path is only checked for
 * shape here (a non-empty string, shorter than MAX_REL_LENGTH, no NUL); whether it stays inside the dataset is
 * resolveInside()'s job when it is opened.
 */
export function parseFromMetricsView(m: unknown): FromMetricsView | undefined {
  if (!isObject(m)) return undefined;
  const t = m.type;
  if (t === 'ready' || t === 'export' || t === 'compare' || t === 'clearCompare') return { type: t };
  if (t === 'exportChart') return parseChartImage(m);
  if (t === 'open' && typeof m.rel === 'string' && m.rel.length > 0 && m.rel.length < MAX_REL_LENGTH && !m.rel.includes('\0')) {
    return { type: 'open', rel: m.rel };
  }
  if (t === 'rendered' && (m.runId === null || isText(m.runId)) && Array.isArray(m.external) && m.external.length <= MAX_RENDERED_ROWS) {
    const rows: RenderedExternalRow[] = [];
    for (const x of m.external) {
      if (!isObject(x) || !isText(x.name) || !isText(x.sensitivity)) return undefined;
      rows.push({ name: x.name, sensitivity: x.sensitivity });
    }
    return { type: 'rendered', runId: m.runId, external: rows };
  }
  return undefined;
}

const isText = (v: unknown): v is string => typeof v === 'string' && v.length < MAX_TEXT;

/**
 * A shallow check that a value read back from JSON (saved webview state, a report file picked for comparison) is an
 * evaluation report the panel can render: the fields it indexes into are there and have the right kind.
 */
export function isEvaluationReport(v: unknown): v is EvaluationReport {
  if (!isObject(v) || v.format !== 'brain-tumor-evaluation') return false;
  if (typeof v.dataRoot !== 'string' || typeof v.modelDir !== 'string' || typeof v.createdAt !== 'string') return false;
  if (!Array.isArray(v.classes) || !v.classes.every((c) => typeof c === 'string')) return false;
  if (!Array.isArray(v.splits) || !v.splits.every(isSplitScores)) return false;
  if (!Array.isArray(v.misclassified) || !Array.isArray(v.leastConfident)) return false;
  // Older evaluations lack the external sets and perturbations; when present they must have the right shape.
  if (v.external !== undefined && !(Array.isArray(v.external) && v.external.every(isExternal))) return false;
  if (v.perturbations !== undefined && v.perturbations !== null && !(Array.isArray(v.perturbations) && v.perturbations.every(isPerturbation))) return false;
  if (v.trainingSources !== undefined && !(Array.isArray(v.trainingSources) && v.trainingSources.every((s) => typeof s === 'string'))) return false;
  return isObject(v.model) && isObject(v.leaks) && isObject(v.backend) && isObject(v.timing);
}

function isExternal(v: unknown): boolean {
  return isObject(v) && typeof v.name === 'string' && typeof v.root === 'string' && typeof v.count === 'number' &&
    isObject(v.labels) && isObject(v.predicted) && isObject(v.confidentMisses) && isObject(v.confidentFalseAlarms) &&
    (v.fine === null || isSplitScores(v.fine)) && (v.deduplicated === null || isObject(v.deduplicated));
}

function isPerturbation(v: unknown): boolean {
  return isObject(v) && typeof v.name === 'string' && typeof v.description === 'string' && typeof v.accuracy === 'number' && isObject(v.confidentMisses);
}

function isSplitScores(v: unknown): v is SplitScores {
  return isObject(v) && typeof v.key === 'string' && typeof v.label === 'string' && typeof v.count === 'number' &&
    typeof v.accuracy === 'number' && Array.isArray(v.perClass) && Array.isArray(v.confusion) && Array.isArray(v.roc) &&
    Array.isArray(v.calibrationBins) && isObject(v.macro) && isObject(v.weighted);
}

function isHistory(v: unknown): v is EpochStats[] {
  return Array.isArray(v) && v.every((e) => isObject(e) && typeof e.epoch === 'number' && typeof e.loss === 'number');
}

const CHART_SPLITS: readonly SplitScores['key'][] = ['official', 'deduplicated', 'validation'];

/** The saved state of a Metrics panel, or undefined when it holds no usable report (then there is nothing to restore). */
export function parseMetricsViewState(state: unknown): MetricsViewState | undefined {
  if (!isObject(state) || !isEvaluationReport(state.report)) return undefined;
  const split = state.chartSplit;
  return {
    report: state.report,
    compare: isEvaluationReport(state.compare) ? state.compare : null,
    history: isHistory(state.history) ? state.history : null,
    chartSplit: typeof split === 'string' && (CHART_SPLITS as readonly string[]).includes(split) ? split as SplitScores['key'] : 'official',
  };
}

/** Every image path of the report that the panel shows as a thumbnail (galleries), without repeats. */
export function galleryPaths(report: EvaluationReport): string[] {
  return [...new Set([...report.misclassified, ...report.leastConfident].map((v) => v.rel).filter((r) => typeof r === 'string'))];
}
