/**
 * A training run on disk, everything needed to use, audit or continue it:
 *   <runsDir>/<runId>/
 *     model.json, weights.bin    the best model so far (by validation loss), loadable by tfjs
 *     metadata.json              classes, input size, preprocessing policy, dataset fingerprint and counts,
 *                                backend, config, seed, status, best epoch, timings
 *     history.json               one entry per finished epoch
 *     split.json                 which Training files went to validation (evaluation must not use them)
 *     checkpoint/                the last finished epoch: model + optimizer state + trainer state, for Resume
 *                                (with model.json above, the best weights so far, that is all a resumed run needs)
 * Every file is written to a temporary name and renamed, so a crash never leaves a half-written file, and the
 * checkpoint folder is swapped whole.
 */
import * as l10n from '@vscode/l10n';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { NamedTensor } from '@tensorflow/tfjs-core/dist/tensor_types';
import type { RunLock, EpochStats, RunSummary } from '../protocol';
import { fsyncDir, readJson, RunFolderError, writeAtomic, writeJson } from '../model/folderFiles';
import { bytesPerValue, loadModel, saveModel } from '../model/modelFiles';
import { readMetadata, sourcesOf } from '../model/metadata';

export interface TrainerState { nextEpoch: number; bestEpoch: number; bestValLoss: number }

/** A new, unique run folder: <runsDir>/<yyyy-mm-dd_hh-mm-ss>-<model>. */
export function createRunDir(runsDir: string, model: string, now = new Date()): { runId: string; runDir: string } {
  fs.mkdirSync(runsDir, { recursive: true });
  const stamp = now.toISOString().slice(0, 19).replace('T', '_').replace(/:/g, '-');
  for (let n = 0; ; n++) {
    const runId = `${stamp}-${model}${n ? `-${n + 1}` : ''}`;
    const runDir = path.join(runsDir, runId);
    try {
      fs.mkdirSync(runDir);
      return { runId, runDir };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
}

export function readHistory(runDir: string): EpochStats[] {
  const file = path.join(runDir, 'history.json');
  return fs.existsSync(file) ? readJson<EpochStats[]>(file, 'history') : [];
}

export function writeHistory(runDir: string, history: readonly EpochStats[]): void {
  writeJson(path.join(runDir, 'history.json'), history);
}

/**
 * The last finished epoch, swapped in whole: written and flushed to checkpoint.new/, then the current one becomes
 * checkpoint.prev/ (the epoch before, kept as a fallback) and the new one is renamed into place. A crash anywhere
 * leaves at least one intact checkpoint, and a damaged one is passed over (see readCheckpoint).
 */
export async function saveCheckpoint(runDir: string, model: tfl.LayersModel, optimizer: NamedTensor[], state: TrainerState): Promise<void> {
  const fresh = path.join(runDir, 'checkpoint.new');
  fs.rmSync(fresh, { recursive: true, force: true });
  await saveModel(model, fresh);
  const opt = await tf.io.encodeWeights(optimizer);
  writeAtomic(path.join(fresh, 'optimizer.bin'), new Uint8Array(opt.data));
  writeJson(path.join(fresh, 'optimizer.json'), opt.specs);
  writeJson(path.join(fresh, 'state.json'), state);
  fsyncDir(fresh);
  const current = path.join(runDir, 'checkpoint');
  const prev = path.join(runDir, 'checkpoint.prev');
  fs.rmSync(prev, { recursive: true, force: true });
  if (fs.existsSync(current)) fs.renameSync(current, prev);
  fs.renameSync(fresh, current);
  fs.rmSync(path.join(runDir, 'checkpoint.old'), { recursive: true, force: true }); // left by earlier versions
  fsyncDir(runDir);
}

/** The last epoch's model and optimiser; the best model so far is the run folder's own model.json. */
export interface LoadedCheckpoint { model: tfl.LayersModel; optimizer: NamedTensor[]; state: TrainerState }

function decodeWeights(dir: string, name: string): NamedTensor[] {
  const specs = readJson<tf.io.WeightsManifestEntry[]>(path.join(dir, `${name}.json`), { checkpointManifest: name });
  const data = fs.readFileSync(path.join(dir, `${name}.bin`));
  const map = tf.io.decodeWeights(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength), specs);
  return specs.map((s) => ({ name: s.name, tensor: map[s.name]! }));
}

/** Every checkpoint folder a run may hold: the current one, a complete new one a crash left before its rename,
 *  the epoch before, and the one earlier versions kept during their swap. */
const CHECKPOINT_DIRS = ['checkpoint', 'checkpoint.new', 'checkpoint.prev', 'checkpoint.old'];

/** Byte size a weights manifest needs. */
function manifestBytes(specs: tf.io.WeightsManifestEntry[]): number {
  return specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1) * bytesPerValue(s), 0);
}

/** Why a checkpoint folder cannot be resumed from (missing or unreadable state, truncated weights), or null. */
function checkpointProblem(dir: string): string | null {
  try {
    const state = JSON.parse(fs.readFileSync(path.join(dir, 'state.json'), 'utf8')) as Partial<TrainerState>;
    if (!Number.isInteger(state.nextEpoch)) return l10n.t('its state.json has no epoch');
    const model = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8')) as { weightsManifest?: { weights: tf.io.WeightsManifestEntry[] }[] };
    const modelBytes = manifestBytes((model.weightsManifest ?? []).flatMap((g) => g.weights));
    if (fs.statSync(path.join(dir, 'weights.bin')).size !== modelBytes) return l10n.t('its {0} is truncated or damaged', 'weights.bin');
    const optSpecs = JSON.parse(fs.readFileSync(path.join(dir, 'optimizer.json'), 'utf8')) as tf.io.WeightsManifestEntry[];
    if (fs.statSync(path.join(dir, 'optimizer.bin')).size !== manifestBytes(optSpecs)) return l10n.t('its {0} is truncated or damaged', 'optimizer.bin');
    return null;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? l10n.t('a file is missing ({0})', path.basename((e as NodeJS.ErrnoException).path ?? ''))
      : l10n.t('it cannot be read ({0})', (e as Error).message);
  }
}

/**
 * The checkpoint to resume from: the intact one with the latest epoch. `problems` lists the damaged ones passed
 * over; `dir` is null when none is usable.
 */
export function usableCheckpoint(runDir: string): { dir: string | null; nextEpoch: number; problems: string[] } {
  let best: { dir: string | null; nextEpoch: number } = { dir: null, nextEpoch: -1 };
  const problems: string[] = [];
  for (const name of CHECKPOINT_DIRS) {
    const dir = path.join(runDir, name);
    if (!fs.existsSync(dir)) continue;
    const problem = checkpointProblem(dir);
    if (problem) {
      // An incomplete checkpoint.new is the normal trace of a crash while writing one: not worth a word.
      if (name !== 'checkpoint.new') problems.push(`${name}: ${problem}`);
      continue;
    }
    const { nextEpoch } = readJson<TrainerState>(path.join(dir, 'state.json'), 'checkpoint-state');
    if (nextEpoch > best.nextEpoch) best = { dir, nextEpoch };
  }
  return { ...best, problems };
}

export function hasCheckpoint(runDir: string): boolean {
  return usableCheckpoint(runDir).dir !== null;
}

export async function readCheckpoint(runDir: string): Promise<LoadedCheckpoint & { problems: string[] }> {
  const found = usableCheckpoint(runDir);
  if (!found.dir) {
    throw new RunFolderError(found.problems.length
      ? l10n.t('{0} cannot be resumed: its checkpoint is damaged ({1}). Start a new run.', runDir, found.problems.join('; '))
      : l10n.t('{0} has no checkpoint to resume from (no epoch finished before it stopped). Start a new run.', runDir));
  }
  const state = readJson<TrainerState>(path.join(found.dir, 'state.json'), 'checkpoint-state');
  const model = await loadModel(found.dir);
  const optimizer = decodeWeights(found.dir, 'optimizer');
  return { model, optimizer, state, problems: found.problems };
}

export function runSummary(runDir: string): RunSummary {
  const m = readMetadata(runDir);
  const history = readHistory(runDir);
  const finished = m.status === 'completed' || m.status === 'early-stopped';
  const found = usableCheckpoint(runDir);
  // A run another live process is training now: not interrupted, and not to be resumed here.
  const lock = m.status === 'running' ? runLockHolder(runDir) : null;
  return {
    runId: m.runId, runDir, status: m.status, config: m.config, dataRoot: m.dataset.root, sources: sourcesOf(m), backend: m.backend,
    counts: m.dataset.counts, history, bestEpoch: m.bestEpoch, createdAt: m.createdAt,
    evaluation: m.evaluation ? { official: m.evaluation.official, deduplicated: m.evaluation.deduplicated } : null,
    // All epochs done but never marked finished (stopped between the last checkpoint and the end): resuming finishes it.
    resumable: !finished && found.dir !== null && !lock,
    ...(!finished && found.dir === null && found.problems.length ? { resumeProblem: l10n.t('its checkpoint is damaged ({0})', found.problems.join('; ')) } : {}),
    ...(lock ? { lock } : {}),
  };
}

const LOCK_FILE = 'run.lock';

/** Whether the process holding a lock is alive: checkable on this host only; another host's lock counts as held. */
function lockIsLive(lock: RunLock): boolean {
  if (lock.host !== os.hostname()) return true;
  try {
    process.kill(lock.pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // alive, owned by another user
  }
}

/** The live holder of a run folder's lock, other than this process; null when free (or held by a dead process). */
export function runLockHolder(runDir: string): RunLock | null {
  try {
    const lock = JSON.parse(fs.readFileSync(path.join(runDir, LOCK_FILE), 'utf8')) as RunLock;
    if (lock.pid === process.pid && lock.host === os.hostname()) return null;
    return lockIsLive(lock) ? lock : null;
  } catch {
    return null;
  }
}

/**
 * Takes the run folder's lock (run.lock: pid, host, start time), atomically (exclusive create), so that two
 * trainers never write one run. A lock left by a process that is gone is recovered (`onRecover` says so); a live
 * holder is refused with an error naming it. Returns the release function.
 */
export function acquireRunLock(runDir: string, onRecover: (stale: RunLock) => void = () => undefined): () => void {
  const file = path.join(runDir, LOCK_FILE);
  const mine: RunLock = { pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, JSON.stringify(mine) + '\n', { flag: 'wx' });
      return () => {
        try {
          const now = JSON.parse(fs.readFileSync(file, 'utf8')) as RunLock;
          if (now.pid === mine.pid && now.host === mine.host) fs.rmSync(file, { force: true });
        } catch { /* already gone */ }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    let held: RunLock | null = null;
    try { held = JSON.parse(fs.readFileSync(file, 'utf8')) as RunLock; } catch { /* unreadable: treat as stale */ }
    // This process trains one run at a time, so its own old lock is a leftover.
    const own = held !== null && held.pid === process.pid && held.host === os.hostname();
    if (held && !own && lockIsLive(held)) {
      throw new RunFolderError(l10n.t('{0} is being trained by another process (pid {1} on {2}, since {3}). Wait for it to end, or stop that process.',
        runDir, String(held.pid), held.host, held.startedAt));
    }
    if (held) onRecover(held);
    fs.rmSync(file, { force: true });
  }
  throw new RunFolderError(l10n.t('Cannot take the lock of {0}: another process keeps taking it.', runDir));
}

/** The status a run folder shows after its process died mid-run. */
export function settledStatus(status: RunSummary['status'], isLive: boolean): RunSummary['status'] {
  return status === 'running' && !isLive ? 'interrupted' : status;
}

