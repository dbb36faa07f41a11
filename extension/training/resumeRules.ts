/**
 * When a run the extension followed can be resumed (pure: unit-tested without VS Code). After the backend dies,
 * the view only knows how far the run got: a run whose training part had ended (every epoch done, or the
 * evaluation after an early stop under way) is finished, and offering Resume would only be refused.
 */
import type * as P from '../../server/protocol';

export function resumableAfterBackendLoss(v: { history: readonly unknown[]; config: { epochs: number }; progress: P.TrainProgress | null }): boolean {
  const trainingEnded = v.progress?.phase === 'evaluating' || v.progress?.phase === 'finished';
  return !trainingEnded && v.history.length > 0 && v.history.length < v.config.epochs;
}
