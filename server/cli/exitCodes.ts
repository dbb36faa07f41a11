/**
 * How `brain-tumor` ends when a command throws: the one table from error to exit code and stderr line. Commands do
 * not catch the server's errors to translate them; they let them through to here (main.ts), so one error means
 * the same exit code in every command, and scripts can rely on the codes:
 *   0 ok, 1 failure, 2 usage error (the command line, or what it points at, is wrong), 130 cancelled by Ctrl+C.
 */
import * as l10n from '@vscode/l10n';
import { CancelledError } from '../cancelled';
import { errorCodeOf } from '../errorCodes';
import { ErrorCodes, type ErrorCode } from '../protocol';

/** 130 = 128 + SIGINT: what a shell reports for a program stopped by Ctrl+C, so a cancelled job reads the same. */
export const EXIT = { ok: 0, failure: 1, usage: 2, cancelled: 130 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The command line itself is wrong (a missing argument, a flag out of range). */
export class UsageError extends Error {}

/**
 * The server's expected failures, as errorCodes.ts names them for JSON-RPC, to exit codes: what the user fixes by
 * changing the command (a folder, model or setting it names) is a usage error; a busy trainer cannot happen in a
 * CLI process (one job each) and an engine that cannot start is a failure.
 */
const EXIT_OF_CODE: Record<ErrorCode, ExitCode> = {
  [ErrorCodes.InvalidParams]: EXIT.usage,
  [ErrorCodes.DatasetLayout]: EXIT.usage,
  [ErrorCodes.RunFolder]: EXIT.usage,
  [ErrorCodes.IncompatibleModel]: EXIT.usage,
  [ErrorCodes.TrainingBusy]: EXIT.failure,
  [ErrorCodes.BackendUnavailable]: EXIT.failure,
  [ErrorCodes.NotImplemented]: EXIT.failure,
  [ErrorCodes.Cancelled]: EXIT.cancelled,
};

/** The exit code of `command` failing with `e`, and the stderr line that goes with it (null: none). */
export function exitFor(e: unknown, command: string): { code: ExitCode; text: string | null } {
  const message = (e as Error).message;
  if (e instanceof UsageError) return { code: EXIT.usage, text: message };
  // The user pressed Ctrl+C and knows it; only scan says what it keeps.
  if (e instanceof CancelledError) {
    return { code: EXIT.cancelled, text: command === 'scan' ? l10n.t('scan cancelled; files inspected so far are cached for the next scan.') : null };
  }
  const code = errorCodeOf(e);
  return { code: code === undefined ? EXIT.failure : EXIT_OF_CODE[code], text: message };
}
