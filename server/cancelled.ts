/**
 * The one error every long job of the server throws when its caller asked it to stop (scan, image loading,
 * training, evaluation, perturbations, classification). One class, so a cancel deep inside a job (a scan inside
 * an evaluation, an image load inside a training) reaches the JSON-RPC layer and the CLI as a cancel, not as an
 * internal error; serverErrors.ts maps it to the protocol's Cancelled code and the CLI to exit code 130.
 */
import * as l10n from '@vscode/l10n';

/** The jobs that can be cancelled, as their messages name them. */
export type CancellableJob = 'Scan' | 'Loading images' | 'Evaluation' | 'Perturbed evaluation' | 'Training' | 'Classification';

function cancelledMessage(what: CancellableJob): string {
  switch (what) {
    case 'Scan': return l10n.t('Scan cancelled.');
    case 'Loading images': return l10n.t('Loading images cancelled.');
    case 'Evaluation': return l10n.t('Evaluation cancelled.');
    case 'Perturbed evaluation': return l10n.t('Perturbed evaluation cancelled.');
    case 'Training': return l10n.t('Training cancelled.');
    case 'Classification': return l10n.t('Classification cancelled.');
  }
}

export class CancelledError extends Error {
  /** `what` names the job for the message: "Scan" gives "Scan cancelled." */
  constructor(what: CancellableJob) {
    super(cancelledMessage(what));
    this.name = 'CancelledError';
  }
}

/** Throws a CancelledError when the caller's flag is up; for the checks between steps of a job. */
export function throwIfCancelled(isCancelled: (() => boolean) | undefined, what: CancellableJob): void {
  if (isCancelled?.()) throw new CancelledError(what);
}
