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
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { NamedTensor } from '@tensorflow/tfjs-core/dist/tensor_types';
import type { BackendKind, RunLock, CrossSourceOverlap, DataSource, EpochStats, EvaluationReport, HeadlineScores, RunSummary, TrainConfig, TumorClassName } from '../protocol';
import type { PreprocessPolicy } from '../data/preprocess';
import type { FeatureStats } from '../infer/featureStats';
import './models'; // registers the custom layers a saved model may use
import { checkTopology, TopologyError } from './topologyCheck';

export const RUN_FORMAT = 'brain-tumor-run';

export interface RunMetadata {
  format: typeof RUN_FORMAT;
  formatVersion: 1;
  runId: string;
  createdAt: string;
  updatedAt: string;
  status: RunSummary['status'];
  classes: readonly TumorClassName[];
  inputSize: number;
  channels: 1 | 3;
  preprocess: PreprocessPolicy;
  /** The first source (the only one of a one-source run); its fingerprint covers every source's images. */
  dataset: { root: string; fingerprint: string; counts: { train: number; val: number }; perClass: Record<string, { train: number; val: number }> };
  /** Every dataset folder trained on, with its own fingerprint and counts (absent in runs of older versions:
   *  then `dataset` is the one source). */
  sources?: DataSource[];
  /** Near copies between the sources, found when the data were prepared. */
  crossSource?: CrossSourceOverlap;
  backend: { kind: BackendKind; threads: number; simd: boolean | null };
  config: TrainConfig;
  seed: number;
  bestEpoch: number;
  bestValAcc: number | null;
  timings: { loadMs: number; trainMs: number; epochMsMean: number | null };
  software: { brainTumor: string; tfjs: string };
  /** Temperature scaling fitted on the validation split by an evaluation (classification applies it). */
  calibration?: EvaluationReport['calibration'];
  /** Headline test figures of the last evaluation, for pickers and the status bar. */
  evaluation?: { official: HeadlineScores | null; deduplicated: HeadlineScores | null; at: string };
  /** Penultimate-feature statistics on the validation split, for classification's out-of-distribution check. */
  featureStats?: FeatureStats;
  /** Set on an exported (e.g. bundled) copy of a run: where it came from and how its weights were stored. */
  exported?: { from: string; at: string; quantization: WeightQuantization };
}

/** How an exported model stores its weights: tfjs's own affine uint8 / float16 encodings, or plain float32. */
export type WeightQuantization = 'none' | 'float16' | 'uint8';

export interface TrainerState { nextEpoch: number; bestEpoch: number; bestValLoss: number }

export class RunFolderError extends Error {}

/** Flushes a folder's entries (a rename is only durable once its folder is); not every platform allows it. */
function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Windows cannot open a folder for fsync; its renames are durable by other means.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Written to a temporary name, flushed to disk, renamed into place, and the rename flushed: never half a file. */
function writeAtomic(file: string, data: string | Uint8Array): void {
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = fs.openSync(tmp, 'w');
  try {
    try {
      fs.writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch (e) {
    fs.rmSync(tmp, { force: true }); // a failed write (full disk) leaves no half file behind
    throw e;
  }
  fs.renameSync(tmp, file);
  fsyncDir(path.dirname(file));
}
export function writeJson(file: string, value: unknown): void {
  writeAtomic(file, JSON.stringify(value, null, 1) + '\n');
}
function readJson<T>(file: string, what: string): T {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new RunFolderError(`${what} is missing: ${file}`);
  }
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw new RunFolderError(`${what} is not valid JSON (${(e as Error).message}): ${file}`);
  }
}

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

/** model.json (topology + manifest pointing at weights.bin) and weights.bin, as tfjs's own file format. */
export async function saveModel(model: tfl.LayersModel, dir: string): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  // The handler is synchronous work; tfjs wants a promise back.
  await model.save(tf.io.withSaveHandler((a) => {
    const data = a.weightData instanceof ArrayBuffer ? new Uint8Array(a.weightData)
      : new Uint8Array(tf.io.concatenateArrayBuffers(a.weightData ?? []));
    writeAtomic(path.join(dir, 'weights.bin'), data);
    writeJson(path.join(dir, 'model.json'), {
      format: 'layers-model', generatedBy: `brain-tumor ${BUILD_VERSION}`, convertedBy: null,
      modelTopology: a.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }],
    });
    return Promise.resolve({ modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' as const, weightDataBytes: data.byteLength } });
  }));
}

/** Bytes per stored value of a weight, quantized (uint8 / uint16 / float16) or not. */
function bytesPerValue(s: tf.io.WeightsManifestEntry): number {
  if (s.quantization) return s.quantization.dtype === 'uint8' ? 1 : 2;
  return s.dtype === 'float32' || s.dtype === 'int32' ? 4 : 1;
}

/** Loads model.json + its weight files from a folder; errors name the file and what is wrong with it. */
export async function loadModel(dir: string): Promise<tfl.LayersModel> {
  const json = readJson<{ modelTopology?: unknown; weightsManifest?: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[] }>(
    path.join(dir, 'model.json'), 'The model file');
  if (!json.modelTopology || !Array.isArray(json.weightsManifest)) {
    throw new RunFolderError(`${path.join(dir, 'model.json')} is not a tfjs layers model (no modelTopology or weightsManifest).`);
  }
  const specs: tf.io.WeightsManifestEntry[] = [];
  const buffers: Uint8Array[] = [];
  const realDir = fs.realpathSync(dir);
  for (const [g, group] of json.weightsManifest.entries()) {
    // A string would be iterated character by character: say what is wrong instead.
    if (!Array.isArray(group.paths) || !group.paths.every((p) => typeof p === 'string') || !Array.isArray(group.weights)) {
      throw new RunFolderError(`${path.join(dir, 'model.json')}: weightsManifest[${g}].paths must be a list of file names, got ${JSON.stringify(group.paths)}`);
    }
    specs.push(...group.weights);
    for (const p of group.paths) {
      const file = path.resolve(dir, p);
      if (path.dirname(file) !== path.resolve(dir)) throw new RunFolderError(`model.json names a weight file outside its folder: ${p}`);
      // A link that leads out of the folder would read any file the user can read.
      let real: string | undefined;
      try { real = fs.realpathSync(file); } catch { /* missing: reported below */ }
      if (real !== undefined && path.dirname(real) !== realDir) throw new RunFolderError(`The weights file ${file} links outside the model folder (to ${real}); copy the file into the folder instead.`);
      try {
        buffers.push(fs.readFileSync(file));
      } catch {
        throw new RunFolderError(`The weights file ${file} is missing.`);
      }
    }
  }
  const data = new Uint8Array(buffers.reduce((n, b) => n + b.byteLength, 0));
  let off = 0;
  for (const b of buffers) { data.set(b, off); off += b.byteLength; }
  const expected = specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1) * bytesPerValue(s), 0);
  if (expected !== data.byteLength) {
    throw new RunFolderError(`The weights in ${dir} are corrupt: ${data.byteLength} bytes, the manifest needs ${expected}. Retrain or restore the folder.`);
  }
  // Every weight the layers will create must be in the manifest with its shape, checked before tfjs allocates them.
  try {
    checkTopology(json.modelTopology, specs);
  } catch (e) {
    if (!(e instanceof TopologyError)) throw e;
    throw new RunFolderError(`${path.join(dir, 'model.json')} does not match its weights: ${e.message}. Restore the folder or export the model again.`);
  }
  try {
    return await tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: specs, weightData: data.buffer }));
  } catch (e) {
    throw new RunFolderError(`Cannot load the model in ${dir}: ${(e as Error).message}`);
  }
}

export function readMetadata(runDir: string): RunMetadata {
  const m = readJson<RunMetadata>(path.join(runDir, 'metadata.json'), 'The run metadata');
  if (m.format !== RUN_FORMAT) throw new RunFolderError(`${runDir} is not a brain-tumor run folder (metadata.json format is ${JSON.stringify(m.format)}).`);
  return m;
}

export function writeMetadata(runDir: string, m: RunMetadata): void {
  writeJson(path.join(runDir, 'metadata.json'), { ...m, updatedAt: new Date().toISOString() });
}

export function readHistory(runDir: string): EpochStats[] {
  const file = path.join(runDir, 'history.json');
  return fs.existsSync(file) ? readJson<EpochStats[]>(file, 'The run history') : [];
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
  const specs = readJson<tf.io.WeightsManifestEntry[]>(path.join(dir, `${name}.json`), `The checkpoint's ${name} manifest`);
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
    if (!Number.isInteger(state.nextEpoch)) return 'its state.json has no epoch';
    const model = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8')) as { weightsManifest?: { weights: tf.io.WeightsManifestEntry[] }[] };
    const modelBytes = manifestBytes((model.weightsManifest ?? []).flatMap((g) => g.weights));
    if (fs.statSync(path.join(dir, 'weights.bin')).size !== modelBytes) return 'its weights.bin is truncated or damaged';
    const optSpecs = JSON.parse(fs.readFileSync(path.join(dir, 'optimizer.json'), 'utf8')) as tf.io.WeightsManifestEntry[];
    if (fs.statSync(path.join(dir, 'optimizer.bin')).size !== manifestBytes(optSpecs)) return 'its optimizer.bin is truncated or damaged';
    return null;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? `a file is missing (${path.basename((e as NodeJS.ErrnoException).path ?? '')})` : `it cannot be read (${(e as Error).message})`;
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
    const { nextEpoch } = readJson<TrainerState>(path.join(dir, 'state.json'), 'The checkpoint state');
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
      ? `${runDir} cannot be resumed: its checkpoint is damaged (${found.problems.join('; ')}). Start a new run.`
      : `${runDir} has no checkpoint to resume from (no epoch finished before it stopped). Start a new run.`);
  }
  const state = readJson<TrainerState>(path.join(found.dir, 'state.json'), 'The checkpoint state');
  const model = await loadModel(found.dir);
  const optimizer = decodeWeights(found.dir, 'optimizer');
  return { model, optimizer, state, problems: found.problems };
}

/** The sources of a run: metadata.json's list, or its one `dataset` for runs written before several sources. */
export function sourcesOf(m: RunMetadata): DataSource[] {
  if (m.sources?.length) return m.sources;
  return [{ root: m.dataset.root, fingerprint: m.dataset.fingerprint, counts: m.dataset.counts, perClass: m.dataset.perClass }];
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
    ...(!finished && found.dir === null && found.problems.length ? { resumeProblem: `its checkpoint is damaged (${found.problems.join('; ')})` } : {}),
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
      throw new RunFolderError(`${runDir} is being trained by another process (pid ${held.pid} on ${held.host}, since ${held.startedAt}). ` +
        'Wait for it to end, or stop that process.');
    }
    if (held) onRecover(held);
    fs.rmSync(file, { force: true });
  }
  throw new RunFolderError(`Cannot take the lock of ${runDir}: another process keeps taking it.`);
}

/** The status a run folder shows after its process died mid-run. */
export function settledStatus(status: RunSummary['status'], isLive: boolean): RunSummary['status'] {
  return status === 'running' && !isLive ? 'interrupted' : status;
}

