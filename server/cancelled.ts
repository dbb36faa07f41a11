/**
 * The one error every long job of the server throws when its caller asked it to stop (scan, image loading,
 * training, evaluation, perturbations, classification). One class, so a cancel deep inside a job (a scan inside
 * an evaluation, an image load inside a training) reaches the JSON-RPC layer and the CLI as a cancel, not as an
 * internal error; serverErrors.ts maps it to the protocol's Cancelled code and the CLI to exit code 130.
 */
export class CancelledError extends Error {
  /** `what` names the job for the message: "Scan" gives "Scan cancelled." */
  constructor(what: string) {
    super(`${what} cancelled.`);
    this.name = 'CancelledError';
  }
}

/** Throws a CancelledError when the caller's flag is up; for the checks between steps of a job. */
export function throwIfCancelled(isCancelled: (() => boolean) | undefined, what: string): void {
  if (isCancelled?.()) throw new CancelledError(what);
}
