/**
 * Pure helpers that turn the backend's training data into the view the Training panel draws, and progress into
 * notification text. No vscode import, so they stay unit-testable and usable by both the controller and the panel.
 */
import * as l10n from '@vscode/l10n';
import type * as P from '../../server/protocol';
import { formatDuration } from '../../server/numberFormat';
import type { TrainingView } from '../../webview/protocol';
import { decimal, percent } from '../locale';

/** The view of the run the backend holds in memory (live, or just ended); resumable when it stopped short of its epochs. */
export function viewFromSnapshot(s: P.TrainingSnapshot, live: boolean): TrainingView {
  const bestEpoch = s.end?.bestEpoch ?? bestOf(s.history);
  return {
    runId: s.runId, runDir: s.runDir, dataRoot: s.dataRoot, sources: s.sources, live, config: s.config, backend: s.backend, counts: s.counts,
    history: s.history, bestEpoch, progress: s.progress, end: s.end, evaluation: s.end?.evaluation ?? null,
    status: s.end ? s.end.outcome : s.progress?.phase === 'loading' || !s.progress ? 'loading' : 'training',
    resumable: !!s.end && (s.end.outcome === 'cancelled' || s.end.outcome === 'failed') && s.history.length > 0 && s.history.length < s.config.epochs,
  };
}

/** The view of a run read from its folder (never live here; `runningElsewhere` when another window's backend holds it). */
export function viewFromSummary(s: P.RunSummary): TrainingView {
  return {
    runId: s.runId, runDir: s.runDir, dataRoot: s.dataRoot, sources: s.sources, live: false, status: s.status, config: s.config, backend: s.backend,
    counts: s.counts, history: s.history, bestEpoch: s.bestEpoch, progress: null, end: null, resumable: s.resumable, evaluation: s.evaluation,
    ...(s.lock ? { runningElsewhere: s.lock } : {}),
  };
}

/** Until the backend names it at the end, the best epoch is the one with the lowest validation loss, as the trainer picks it. */
function bestOf(history: readonly P.EpochStats[]): number {
  let best = -1;
  history.forEach((h, i) => { if (best < 0 || h.valLoss < history[best]!.valLoss) best = i; });
  return best;
}

/** One line for the progress notification. */
export function progressMessage(p: P.TrainProgress): string {
  if (p.phase === 'loading') return p.loaded ? l10n.t('loading images {0} of {1}', p.loaded.done, p.loaded.total) : l10n.t('scanning the dataset');
  if (p.phase === 'evaluating') return l10n.t('evaluating the model on Testing');
  return l10n.t({
    message: 'epoch {0}/{1}, batch {2}/{3}, loss {4}, acc {5}, ETA {6}',
    args: [p.epoch + 1, p.epochs, p.batch, p.batches, decimal(p.loss, 3), percent(p.acc), formatDuration(p.etaSec)],
    comment: 'Training progress notification. {4}: training loss; {5}: training accuracy as a percentage; {6}: time left (m:ss).',
  });
}
