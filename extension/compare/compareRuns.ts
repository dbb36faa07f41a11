/**
 * Pure parts of Compare Runs: which run folders a command's arguments name, a run's row and curves from its
 * summary and evaluation (both read from its folder by the backend), and the table as CSV. No vscode import:
 * unit-tested.
 */
import * as path from 'node:path';
import * as l10n from '@vscode/l10n';
import type { EvaluationReport, RunSummary } from '../../server/protocol';
import { csvCell } from '../../server/infer/resultsCsv';
import type { CompareRun } from '../../webview/protocol';

/** Most runs one panel compares (colours repeat after six; the table stays readable). */
export const MAX_COMPARED = 12;

const runDirOf = (v: unknown): string | undefined => {
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && v !== null) {
    const o = v as { runDir?: unknown; fsPath?: unknown };
    if (typeof o.runDir === 'string') return o.runDir;
    if (typeof o.fsPath === 'string') return o.fsPath; // an Explorer folder (a Uri)
  }
  return undefined;
};

/**
 * The run folders the command was given: an array of paths, or the Runs view's items (`{ runDir }`), where VS Code
 * passes (clicked item, selected items) for a multi-selection. Undefined when nothing usable was given (then the
 * user picks); absolute paths only, each once, in the order given.
 */
export function runDirsFromArgs(arg: unknown, selected?: unknown): string[] | undefined {
  const list = Array.isArray(selected) && selected.length ? selected : Array.isArray(arg) ? arg : arg === undefined ? [] : [arg];
  const dirs = list.map(runDirOf).filter((d): d is string => !!d && path.isAbsolute(d)).map((d) => path.resolve(d));
  const unique = [...new Set(dirs)];
  return unique.length ? unique : undefined;
}

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * The configuration in a few words: what differs most between runs of this product. Hyperparameter names as the
 * CLI and the CSV write them, so not localised.
 */
export function settingsText(c: RunSummary['config']): string {
  const parts = [`${c.inputSize} px ${c.channels === 1 ? 'greyscale' : 'RGB'}`, `batch ${c.batchSize}`, `lr ${c.learningRate}`, `seed ${c.seed}`];
  if (finite(c.weightDecay) && c.weightDecay > 0) parts.push(`wd ${c.weightDecay}`);
  if (finite(c.ema) && c.ema > 0) parts.push(`EMA ${c.ema}`);
  if (finite(c.labelSmoothing) && c.labelSmoothing > 0) parts.push(`smoothing ${c.labelSmoothing}`);
  if (c.classWeights) parts.push('class weights');
  if (c.intensity === 'equalize-head') parts.push('intensity equalize-head');
  return parts.join(', ');
}

/**
 * A run's row and curves. The summary comes from the backend, but its files were written by whatever version made
 * the run: epochs with a non-numeric figure are left out rather than drawn as garbage. Throws when the summary
 * lacks what a row needs (then the run is listed as a problem).
 */
export function compareRunFrom(s: RunSummary, report: EvaluationReport | null): CompareRun {
  if (typeof s?.runId !== 'string' || typeof s.runDir !== 'string' || typeof s.config !== 'object' || s.config === null || !Array.isArray(s.history)) {
    throw new Error(l10n.t('its metadata.json or history.json is not a run of this product'));
  }
  const history = s.history.filter((e) => finite(e?.epoch) && [e.loss, e.acc, e.valLoss, e.valAcc].every(finite))
    .map((e) => ({ epoch: e.epoch, loss: e.loss, acc: e.acc, valLoss: e.valLoss, valAcc: e.valAcc }));
  const best = s.history[s.bestEpoch];
  const split = (key: 'official' | 'deduplicated') => {
    const fromReport = report?.splits.find((x) => x.key === key)?.accuracy;
    const fromRun = s.evaluation?.[key]?.accuracy;
    return finite(fromReport) ? fromReport : finite(fromRun) ? fromRun : null;
  };
  return {
    runId: s.runId, runDir: s.runDir, status: String(s.status), model: String(s.config.model), settings: settingsText(s.config),
    epochs: history.length, plannedEpochs: finite(s.config.epochs) ? s.config.epochs : history.length,
    seconds: s.history.reduce((a, e) => a + (finite(e?.ms) ? e.ms : 0), 0) / 1000,
    bestValAcc: best && finite(best.valAcc) ? best.valAcc : null,
    official: split('official'), deduplicated: split('deduplicated'),
    external: (report?.external ?? []).map((x) => ({ name: String(x.name), sensitivity: finite(x.sensitivity) ? x.sensitivity : null })),
    history,
  };
}

/** Text through the classification CSV's cell rule (quoted per RFC 4180, formulas defused); numbers as they are. */
const field = (v: string | number | null): string => (v === null ? '' : typeof v === 'number' ? String(v) : csvCell(v));

const ratio = (v: number | null) => (v === null ? null : Number(v.toFixed(4)));

/**
 * The table as CSV (RFC 4180, CRLF line ends), one row per run in the given order. Accuracies are fractions
 * (0..1, four decimals), time in seconds; external sensitivities as "name: 0.9000" joined with "; ".
 */
export function runsCsv(runs: readonly CompareRun[]): string {
  const header = ['run', 'folder', 'status', 'model', 'settings', 'epochs', 'planned_epochs', 'training_seconds', 'best_val_accuracy',
    'testing_official_accuracy', 'testing_deduplicated_accuracy', 'external_sensitivity'];
  const rows = runs.map((r) => [r.runId, r.runDir, r.status, r.model, r.settings, r.epochs, r.plannedEpochs, Number(r.seconds.toFixed(1)),
    ratio(r.bestValAcc), ratio(r.official), ratio(r.deduplicated),
    r.external.map((e) => `${e.name}: ${e.sensitivity === null ? 'n/a' : e.sensitivity.toFixed(4)}`).join('; ')]);
  return [header, ...rows].map((row) => row.map(field).join(',')).join('\r\n') + '\r\n';
}
