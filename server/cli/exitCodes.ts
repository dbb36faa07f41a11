/**
 * How `brain-tumor` ends when a command throws: the one table from error to exit code and stderr line. Commands do
 * not catch the server's errors to translate them; they let them through to here (main.ts), so one error means
 * the same exit code in every command, and scripts can rely on the codes:
 *   0 ok, 1 failure, 2 usage error (the command line, or what it points at, is wrong), 130 cancelled by Ctrl+C.
 */
import { ScanCancelledError } from '../data/scanDataset';
import { HoldoutError } from '../data/externalHoldout';
import { DatasetLayoutError } from '../data/walkDataset';
import { EvaluationError } from '../eval/evaluate';
import { ClassifyError } from '../infer/classifyImages';
import { ModelError } from '../infer/modelStore';
import { RunFolderError } from '../train/runFolder';
import { ConfigError } from '../train/trainConfig';

/** 130 = 128 + SIGINT: what a shell reports for a program stopped by Ctrl+C, so a cancelled job reads the same. */
export const EXIT = { ok: 0, failure: 1, usage: 2, cancelled: 130 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The command line itself is wrong (a missing argument, a flag out of range). */
export class UsageError extends Error {}

type ErrorClass = abstract new (...args: never[]) => Error;

export interface ExitRow {
  error: ErrorClass;
  /** Only errors whose `kind` is this (EvaluationError and ClassifyError say "cancelled" that way). */
  kind?: string;
  /** Only in these commands; in others the error goes on to the rows below. */
  commands?: readonly string[];
  code: ExitCode;
  /** What stderr gets after "brain-tumor: ": the error's message (default), these words, or nothing (null). */
  text?: string | null;
}

/**
 * First matching row wins; an error no row names is a failure (exit 1) with its message.
 * When the server's cancel errors become one CancelledError class, one row { error: CancelledError,
 * code: EXIT.cancelled, text: null } is all this table needs (below the scan row, if scan keeps its words).
 */
export const EXIT_ROWS: readonly ExitRow[] = [
  // Scan's cancel says what is kept. `evaluate` also scans, and a cancel during its scan still ends as a
  // failure ("Scan cancelled.", exit 1), as it always has.
  { error: ScanCancelledError, commands: ['scan'], code: EXIT.cancelled,
    text: 'scan cancelled; files inspected so far are cached for the next scan.' },
  // The user pressed Ctrl+C and knows it: nothing more to say.
  { error: EvaluationError, kind: 'cancelled', code: EXIT.cancelled, text: null },
  { error: ClassifyError, kind: 'cancelled', code: EXIT.cancelled, text: null },
  // The command line, or a folder, model or setting it names, is wrong: the user fixes it by changing the command.
  { error: UsageError, code: EXIT.usage },
  { error: DatasetLayoutError, code: EXIT.usage },
  { error: HoldoutError, code: EXIT.usage },
  { error: ConfigError, code: EXIT.usage },
  { error: RunFolderError, code: EXIT.usage },
  { error: EvaluationError, code: EXIT.usage },
  { error: ModelError, code: EXIT.usage },
  { error: ClassifyError, code: EXIT.usage },
];

const matches = (row: ExitRow, e: unknown, command: string): boolean =>
  e instanceof row.error &&
  (row.kind === undefined || (e as { kind?: unknown }).kind === row.kind) &&
  (row.commands === undefined || row.commands.includes(command));

/** The exit code of `command` failing with `e`, and the stderr line that goes with it (null: none). */
export function exitFor(e: unknown, command: string): { code: ExitCode; text: string | null } {
  const row = EXIT_ROWS.find((r) => matches(r, e, command));
  const message = (e as Error).message;
  if (!row) return { code: EXIT.failure, text: message };
  return { code: row.code, text: row.text === undefined ? message : row.text };
}
