/**
 * How the sidebar draws runs, models and dataset folders (label, description, tooltip lines, icon, context value),
 * and which context keys the extension sets from its state. Pure (no vscode import): unit-tested. The context
 * value of a run starts with `run.` followed by its state; other contributions' `when` clauses rely on that.
 */
import * as path from 'node:path';
import * as l10n from '@vscode/l10n';
import { formatDuration } from '../../server/numberFormat';
import type { TrainingView } from '../../webview/protocol';
import { percent } from '../locale';
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

const pct = (v: number | null) => (v === null ? null : percent(v));

const STATE_ICONS: Record<RunState, { icon: string; color: string }> = {
  running: { icon: 'sync~spin', color: 'charts.blue' },
  completed: { icon: 'pass', color: 'testing.iconPassed' },
  'early-stopped': { icon: 'pass', color: 'testing.iconPassed' },
  cancelled: { icon: 'debug-pause', color: 'charts.yellow' },
  interrupted: { icon: 'warning', color: 'charts.orange' },
  failed: { icon: 'error', color: 'testing.iconFailed' },
};

/**
 * A run's state in a word or two, in the sidebar (a function: the messages are looked up after activation configured
 * the bundle). A state this version does not know is shown as it is.
 */
export function stateText(state: RunState | (string & {})): string {
  switch (state) {
    case 'running': return l10n.t({ message: 'training', comment: 'A run\'s state in the sidebar: it trains now.' });
    case 'completed': return l10n.t({ message: 'completed', comment: 'A run\'s state in the sidebar.' });
    case 'early-stopped': return l10n.t({ message: 'stopped early', comment: 'A run\'s state in the sidebar: early stopping ended it.' });
    case 'cancelled': return l10n.t({ message: 'cancelled', comment: 'A run\'s state in the sidebar.' });
    case 'interrupted': return l10n.t({ message: 'interrupted', comment: 'A run\'s state in the sidebar: its trainer went away (window closed, crash).' });
    case 'failed': return l10n.t({ message: 'failed', comment: 'A run\'s state in the sidebar.' });
    default: return state;
  }
}

/**
 * A run's status as the quick picks name it: in English metadata.json's own word ("early-stopped"), translated
 * elsewhere. A status this version does not know is shown as it is.
 */
export function statusText(status: RunState | (string & {})): string {
  switch (status) {
    case 'running': return l10n.t({ message: 'running', comment: 'A run\'s status in a quick pick.' });
    case 'completed': return l10n.t({ message: 'completed', comment: 'A run\'s status in a quick pick.' });
    case 'early-stopped': return l10n.t({ message: 'early-stopped', comment: 'A run\'s status in a quick pick: early stopping ended it.' });
    case 'cancelled': return l10n.t({ message: 'cancelled', comment: 'A run\'s status in a quick pick.' });
    case 'interrupted': return l10n.t({ message: 'interrupted', comment: 'A run\'s status in a quick pick: its trainer went away (window closed, crash).' });
    case 'failed': return l10n.t({ message: 'failed', comment: 'A run\'s status in a quick pick.' });
    default: return status;
  }
}

/** "val 81.0%": the best validation accuracy in a narrow description. */
const valText = (v: string) => l10n.t({ message: 'val {0}', args: [v], comment: 'Short for validation accuracy in a narrow sidebar description; {0} is a percentage.' });
/** "test 90.0%": the Testing accuracy in a narrow description. */
const testText = (v: string) => l10n.t({ message: 'test {0}', args: [v], comment: 'Short for Testing accuracy in a narrow sidebar description; {0} is a percentage.' });
const activeText = () => l10n.t({ message: 'active', comment: 'Sidebar description: classification uses this model.' });

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
  const state = stateText(r.state);
  const best = pct(r.bestValAcc);
  const test = pct(r.testAcc);
  const progress = r.state === 'running' || r.epochsDone < r.epochs ? `${state} ${r.epochsDone}/${r.epochs}` : state;
  const scores = [best && valText(best), test && testText(test)];
  // A narrow sidebar cuts the description's end: a live run's progress comes first, a finished run's figures do
  // (its icon already shows how it ended, and the tooltip says it in words).
  const parts = [...(r.state === 'running' ? [progress, ...scores] : [...scores, progress]), active ? activeText() : ''].filter(Boolean);
  const unknown = l10n.t('unknown');
  const tooltip = [
    r.resumable ? l10n.t('{0}: {1} (can be resumed)', r.runId, state) : `${r.runId}: ${state}`,
    l10n.t('Model {0}, {1} of {2} epochs', r.model, r.epochsDone, r.epochs),
    l10n.t('Best validation accuracy: {0}', best ?? l10n.t('none yet')),
    r.dedupAcc !== null ? l10n.t('Testing accuracy: {0} (deduplicated {1})', test ?? l10n.t('not evaluated'), percent(r.dedupAcc))
      : l10n.t('Testing accuracy: {0}', test ?? l10n.t('not evaluated')),
    l10n.t('Data: {0}', r.dataRoots.join(', ') || unknown),
    l10n.t('Started {0}; last written {1}', r.createdAt || unknown, r.updatedAt || unknown),
    r.runDir,
  ];
  // A run "can be resumed" and "has a model" travel in the context value so that menus show only what can act.
  const flags = [r.resumable ? 'resumable' : '', r.hasModel ? 'model' : ''].filter(Boolean).map((f) => `.${f}`).join('');
  return { label: runLabel(r.runId), description: parts.join(' · '), tooltip, icon: s.icon, color: s.color, contextValue: `run.${r.state}${flags}` };
}

/** A folder the backend could not read as a run. */
export function unreadableItemView(runDir: string, error: string): ItemView {
  return {
    label: path.basename(runDir), description: l10n.t({ message: 'unreadable', comment: 'Sidebar description of a run folder that cannot be read.' }),
    tooltip: [runDir, error], icon: 'warning', color: 'charts.orange', contextValue: 'run.unreadable',
  };
}

export type ModelKind = 'bundled' | 'folder' | 'run';

/** The Models view's row of a model: the bundled one, a model folder picked before, or a finished run. */
export function modelItemView(kind: ModelKind, dir: string, active: boolean, testAcc: number | null, valAcc: number | null = null): ItemView {
  const label = kind === 'bundled' ? l10n.t('Bundled model') : kind === 'run' ? runLabel(path.basename(dir)) : path.basename(dir);
  const what = kind === 'bundled' ? l10n.t('ships with the extension') : kind === 'run' ? l10n.t('training run') : l10n.t('model folder');
  // Not evaluated yet: its best validation accuracy says something at least.
  const score = testAcc !== null ? testText(percent(testAcc)) : valAcc !== null ? valText(percent(valAcc)) : '';
  const description = [active ? activeText() : '', score].filter(Boolean).join(' · ');
  return {
    label, description,
    tooltip: [
      `${label} (${what})`, dir, l10n.t('Testing accuracy: {0}', pct(testAcc) ?? l10n.t('not evaluated')),
      active ? l10n.t('Classification uses this model.') : l10n.t('Select it to classify with it.'),
    ],
    icon: active ? 'star-full' : kind === 'bundled' ? 'package' : kind === 'run' ? 'beaker' : 'folder-library',
    color: active ? 'charts.yellow' : '', contextValue: `model.${kind}${active ? '.active' : ''}`,
  };
}

/** Image counts of a dataset folder's last scan, per split. */
export interface DatasetCounts { splits: { split: string; usable: number }[]; scannedAt: string }

export function datasetItemView(dir: string, counts: DatasetCounts | undefined): ItemView {
  // The split names are the dataset's folder names (Training, Testing): shown as they are on disk.
  const text = counts?.splits.map((s) => `${s.split} ${s.usable}`).join(', ');
  return {
    label: path.basename(dir), description: text ?? l10n.t('not scanned yet'),
    tooltip: [dir, text ? l10n.t('Usable images: {0} (scan of {1})', text, counts!.scannedAt) : l10n.t('Show Dataset scans it.')],
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
  if (!p || p.phase === 'loading') return `$(sync~spin) ${l10n.t('Training: loading images')}`;
  if (p.phase === 'evaluating') return `$(sync~spin) ${l10n.t('Training: evaluating')}`;
  const epoch = Math.min(p.epoch + 1, p.epochs);
  return `$(sync~spin) ${p.etaSec !== null ? l10n.t('Epoch {0}/{1}, ETA {2}', epoch, p.epochs, formatDuration(p.etaSec)) : l10n.t('Epoch {0}/{1}', epoch, p.epochs)}`;
}
