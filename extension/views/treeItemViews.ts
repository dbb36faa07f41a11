/**
 * How the sidebar draws runs, models and dataset folders (label, description, tooltip lines, icon, context value),
 * and which context keys the extension sets from its state. Pure (no vscode import): unit-tested. The context
 * value of a run starts with `run.` followed by its state; other contributions' `when` clauses rely on that.
 */
import * as path from 'node:path';
import { formatDuration } from '../../server/numberFormat';
import type { TrainingView } from '../../webview/protocol';
import type { RunRecord, RunState } from './runRecords';

export interface ItemView {
  label: string;
  description: string;
  tooltip: string[];
  /** A codicon id and a theme colour id for it (empty: the default colour). */
  icon: string;
  color: string;
  contextValue: string;
}

const pct = (v: number | null) => (v === null ? null : `${(v * 100).toFixed(1)}%`);

const STATE_ICONS: Record<RunState, { icon: string; color: string; text: string }> = {
  running: { icon: 'sync~spin', color: 'charts.blue', text: 'training' },
  completed: { icon: 'pass', color: 'testing.iconPassed', text: 'completed' },
  'early-stopped': { icon: 'pass', color: 'testing.iconPassed', text: 'stopped early' },
  cancelled: { icon: 'debug-pause', color: 'charts.yellow', text: 'cancelled' },
  interrupted: { icon: 'warning', color: 'charts.orange', text: 'interrupted' },
  failed: { icon: 'error', color: 'testing.iconFailed', text: 'failed' },
};

/**
 * A run's name in a narrow sidebar: its id (`2026-12-04_11-33-21-resnet`) without the year (`12-04 11:33:21
 * resnet`), so that the status and accuracies beside it stay visible; other ids as they are. The seconds stay: two
 * runs started in one minute must not look the same.
 */
export function runLabel(runId: string): string {
  const m = /^\d{4}-(\d\d-\d\d)_(\d\d)-(\d\d)-(\d\d)-(.+)$/.exec(runId);
  return m ? `${m[1]} ${m[2]}:${m[3]}:${m[4]} ${m[5]}` : runId;
}

/** The Runs view's row of a run. `active`: classification uses this run's model. */
export function runItemView(r: RunRecord, active: boolean): ItemView {
  const s = STATE_ICONS[r.state];
  const parts = [
    r.state === 'running' || r.epochsDone < r.epochs ? `${s.text} ${r.epochsDone}/${r.epochs}` : s.text,
    pct(r.bestValAcc) && `val ${pct(r.bestValAcc)}`,
    pct(r.testAcc) && `test ${pct(r.testAcc)}`,
    active ? 'active' : '',
  ].filter(Boolean);
  const tooltip = [
    `${r.runId}: ${s.text}${r.resumable ? ' (can be resumed)' : ''}`,
    `Model ${r.model}, ${r.epochsDone} of ${r.epochs} epochs`,
    `Best validation accuracy: ${pct(r.bestValAcc) ?? 'none yet'}`,
    `Testing accuracy: ${pct(r.testAcc) ?? 'not evaluated'}${r.dedupAcc !== null ? ` (deduplicated ${pct(r.dedupAcc)})` : ''}`,
    `Data: ${r.dataRoots.join(', ') || 'unknown'}`,
    `Started ${r.createdAt || 'unknown'}; last written ${r.updatedAt || 'unknown'}`,
    r.runDir,
  ];
  // A run "can be resumed" and "has a model" travel in the context value so that menus show only what can act.
  const flags = [r.resumable ? 'resumable' : '', r.hasModel ? 'model' : ''].filter(Boolean).map((f) => `.${f}`).join('');
  return { label: runLabel(r.runId), description: parts.join(' · '), tooltip, icon: s.icon, color: s.color, contextValue: `run.${r.state}${flags}` };
}

/** A folder the backend could not read as a run. */
export function unreadableItemView(runDir: string, error: string): ItemView {
  return { label: path.basename(runDir), description: 'unreadable', tooltip: [runDir, error], icon: 'warning', color: 'charts.orange', contextValue: 'run.unreadable' };
}

export type ModelKind = 'bundled' | 'folder' | 'run';

/** The Models view's row of a model: the bundled one, a model folder picked before, or a finished run. */
export function modelItemView(kind: ModelKind, dir: string, active: boolean, testAcc: number | null, valAcc: number | null = null): ItemView {
  const label = kind === 'bundled' ? 'Bundled model' : kind === 'run' ? runLabel(path.basename(dir)) : path.basename(dir);
  const what = kind === 'bundled' ? 'ships with the extension' : kind === 'run' ? 'training run' : 'model folder';
  // Not evaluated yet: its best validation accuracy says something at least.
  const score = testAcc !== null ? `test ${pct(testAcc)}` : valAcc !== null ? `val ${pct(valAcc)}` : '';
  const description = [active ? 'active' : '', score].filter(Boolean).join(' · ');
  return {
    label, description, tooltip: [`${label} (${what})`, dir, `Testing accuracy: ${pct(testAcc) ?? 'not evaluated'}`, active ? 'Classification uses this model.' : 'Select it to classify with it.'],
    icon: active ? 'star-full' : kind === 'bundled' ? 'package' : kind === 'run' ? 'beaker' : 'folder-library',
    color: active ? 'charts.yellow' : '', contextValue: `model.${kind}${active ? '.active' : ''}`,
  };
}

/** Image counts of a dataset folder's last scan, per split. */
export interface DatasetCounts { splits: { split: string; usable: number }[]; scannedAt: string }

export function datasetItemView(dir: string, counts: DatasetCounts | undefined): ItemView {
  const text = counts?.splits.map((s) => `${s.split} ${s.usable}`).join(', ');
  return {
    label: path.basename(dir), description: text ?? 'not scanned yet',
    tooltip: [dir, text ? `Usable images: ${text} (scan of ${counts!.scannedAt})` : 'Show Dataset scans it.'],
    icon: 'database', color: '', contextValue: 'dataset',
  };
}

export interface ContextKeys {
  'brainTumor.backendRunning': boolean;
  'brainTumor.trainingRunning': boolean;
  'brainTumor.hasResumableRun': boolean;
  'brainTumor.hasRuns': boolean;
  'brainTumor.hasTrainedModel': boolean;
}

/** The context keys from the extension's state: `when` and `enablement` clauses in package.json read them. */
export function contextKeys(s: { backendState: string; trainingLive: boolean; runs: readonly RunRecord[] }): ContextKeys {
  return {
    'brainTumor.backendRunning': s.backendState === 'running',
    // A run this window follows, or one another process trains in the runs folder (the view shows it as running).
    'brainTumor.trainingRunning': s.trainingLive,
    'brainTumor.hasResumableRun': !s.trainingLive && s.runs.some((r) => r.resumable),
    'brainTumor.hasRuns': s.runs.length > 0,
    'brainTumor.hasTrainedModel': s.runs.some((r) => r.hasModel && r.epochsDone > 0),
  };
}

/** The item's text for a live view (pure, exported for tests): loading, epochs, evaluating. */
export function trainingStatusText(v: Pick<TrainingView, 'progress'>): string {
  const p = v.progress;
  if (!p || p.phase === 'loading') return '$(sync~spin) Training: loading images';
  if (p.phase === 'evaluating') return '$(sync~spin) Training: evaluating';
  return `$(sync~spin) Epoch ${Math.min(p.epoch + 1, p.epochs)}/${p.epochs}${p.etaSec !== null ? `, ETA ${formatDuration(p.etaSec)}` : ''}`;
}
