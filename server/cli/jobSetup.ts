/**
 * What the commands that run a long job set up: the compute engine the flags or the environment ask for, and
 * Ctrl+C turned into a flag the job checks between steps, so it stops cleanly (its cancel error ends as exit 130).
 */
import type { BackendInfo } from '../protocol';
import { ENV_BACKEND } from '../protocol';
import { resolvePreference } from '../engine/chooseBackend';
import { startEngine } from '../engine/startEngine';
import { stderrLogger } from '../logger';
import { threadsFrom, type Flags } from './flags';

/** The engine the --backend flag or the environment asks for (a warning when that choice was adjusted). */
export function engineFromFlags(flags: Flags): Promise<BackendInfo> {
  const preference = resolvePreference({ flag: flags.backend, env: process.env[ENV_BACKEND] });
  if (preference.warning) stderrLogger.warn(preference.warning);
  return startEngine({ preference, threads: threadsFrom(flags) });
}

/** Ctrl+C during a job sets a flag the job checks between steps; dispose after, so a later Ctrl+C quits at once. */
function listenForCtrlC(): { isCancelled: () => boolean; dispose: () => void } {
  let cancelled = false;
  const onSigint = () => { cancelled = true; };
  process.once('SIGINT', onSigint);
  return { isCancelled: () => cancelled, dispose: () => process.off('SIGINT', onSigint) };
}

export interface Job {
  /** Whether Ctrl+C was pressed: the job stops at its next check by throwing its cancel error. */
  isCancelled: () => boolean;
  /** stderr is a terminal: progress may be one line redrawn in place (and cleared by the job when done). */
  tty: boolean;
}

/**
 * Runs `work` with Ctrl+C as its cancel flag. When it fails, a progress line left on the terminal is ended first,
 * so the error main.ts prints (exitCodes.ts) starts on a line of its own.
 */
export async function runJob<T>(work: (job: Job) => Promise<T>): Promise<T> {
  const ctrlC = listenForCtrlC();
  const tty = process.stderr.isTTY;
  try {
    return await work({ isCancelled: ctrlC.isCancelled, tty });
  } catch (e) {
    if (tty) process.stderr.write('\n');
    throw e;
  } finally {
    ctrlC.dispose();
  }
}
