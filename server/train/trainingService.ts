/**
 * Runs training jobs for the JSON-RPC server and the CLI alike: one at a time, each in its own run folder,
 * started (or resumed) by `start`, which returns as soon as the run folder exists; progress, epochs and the end
 * arrive through `events`. The last run's state stays available (`snapshot`) so a Training panel that opens or
 * reloads mid-run gets the whole history from here, not from the webview.
 */
import * as l10n from '@vscode/l10n';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type * as P from '../protocol';
import type { RunLock } from '../protocol';
import { CLASSES } from '../data/classNames';
import type { DatasetStore } from '../data/datasetStore';
import { buildModel } from './models';
import { readCheckpoint, readHistory, saveCheckpoint, writeHistory, usableCheckpoint } from './runFolder';
import { sourcesOf } from '../model/metadata';
import { loadModel, saveModel } from '../model/modelFiles';
import { writeMetadata, type RunMetadata } from '../model/metadata';
import { writeJson, RunFolderError } from '../model/folderFiles';
import { prepareTrainingData } from './trainingData';
import { trainModel, type ResumeState } from './trainer';
import { prepareNewRun, prepareResume } from './prepareRun';
import { andList } from '../numberFormat';

export class TrainingBusyError extends Error {}

export interface TrainingEvents {
  progress(p: P.TrainProgress): void;
  epoch(e: P.TrainEpochEvent): void;
  end(e: P.TrainEnd): void;
  log(message: string): void;
}

export interface TrainingDeps {
  datasets: DatasetStore;
  cacheDir: () => string | null;
  engine: () => Promise<P.BackendInfo>;
  events: TrainingEvents;
  /**
   * The evaluation on the Testing split when a run finishes (given by the wiring, so train/ does not reach up into
   * eval/); its failure is reported in the result, never fails the run.
   */
  evaluateFinished: EvaluateFinished;
  /** Minimum time between two progress notifications (the last batch of an epoch always reports). */
  progressIntervalMs?: number;
}

export type EvaluateFinished = (runDir: string, dataRoot: string, onProgress: (done: number, total: number) => void) => Promise<P.TrainEnd['evaluation']>;

interface Job {
  snapshot: P.TrainingSnapshot;
  cancelled: boolean;
  done: Promise<P.TrainEnd>;
  /** Gives the run folder's lock back (before the end is announced, so that a Resume right after it works). */
  releaseLock: () => void;
}

const round = (v: number, digits = 4) => Math.round(v * 10 ** digits) / 10 ** digits;

export class TrainingService {
  private job: Job | null = null;
  private running = false;

  constructor(private readonly deps: TrainingDeps) {}

  /** The running run, or the last one this process ran. */
  snapshot(): P.TrainingSnapshot | null {
    return this.job ? structuredClone(this.job.snapshot) : null;
  }

  /** The end of the current run (for the CLI, which waits for it). */
  get done(): Promise<P.TrainEnd> | null {
    return this.job?.done ?? null;
  }

  isRunning(runDir: string): boolean {
    return this.running && this.job !== null && path.resolve(this.job.snapshot.runDir) === path.resolve(runDir);
  }

  cancel(runId: string): boolean {
    if (!this.running || !this.job || this.job.snapshot.runId !== runId) return false;
    this.job.cancelled = true;
    return true;
  }

  /** Validates everything that can be checked up front, creates (or reopens) the run folder, starts the run. */
  async start(params: P.TrainParams): Promise<P.TrainStarted> {
    if (this.running && this.job) {
      throw new TrainingBusyError(l10n.t('A training run is already going ({0}). Cancel it or wait for it to end.', this.job.snapshot.runId));
    }
    this.running = true; // claimed now: a second request arriving during the awaits below is refused
    let releaseLock = () => undefined as void;
    try {
      const backend = await this.deps.engine();
      const { events } = this.deps;
      const resume = params.resumeRunDir !== undefined;
      const recovered = (stale: RunLock) => events.log(`Took over the lock of a run whose trainer is gone (pid ${stale.pid} on ${stale.host}, since ${stale.startedAt}).`);
      const prepared = resume ? prepareResume(params, backend, (m) => events.log(m), recovered) : await prepareNewRun(params, backend, recovered);
      const { meta, resumedFrom } = prepared;
      releaseLock = prepared.releaseLock;
      const runDir = resume ? params.resumeRunDir! : path.join(params.runsDir!, meta.runId);
      const job: Job = {
        snapshot: {
          runId: meta.runId, runDir, dataRoot: meta.dataset.root, sources: sourcesOf(meta), config: meta.config, backend: meta.backend,
          counts: meta.dataset.counts, history: resume ? readHistory(runDir) : [], progress: null, end: null,
        },
        cancelled: false,
        done: Promise.resolve(null as unknown as P.TrainEnd),
        releaseLock,
      };
      this.job = job;
      job.done = this.run(job, meta, runDir, resume).finally(() => { this.running = false; });
      return { runId: meta.runId, runDir, config: meta.config, resumedFromEpoch: resumedFrom };
    } catch (e) {
      releaseLock();
      this.running = false;
      throw e;
    }
  }

  private async run(job: Job, meta: RunMetadata, runDir: string, resume: boolean): Promise<P.TrainEnd> {
    const t0 = performance.now();
    const { events } = this.deps;
    const config = meta.config;
    const snap = job.snapshot;
    const interval = this.deps.progressIntervalMs ?? 250;
    let lastSent = 0;
    const progress = (p: Omit<P.TrainProgress, 'runId'>, force = false) => {
      snap.progress = { runId: snap.runId, ...p };
      const now = performance.now();
      if (force || now - lastSent >= interval) {
        lastSent = now;
        events.progress(snap.progress);
      }
    };
    let model: tfl.LayersModel | null = null;
    let resumeState: ResumeState | undefined;
    let outcome: P.TrainOutcome;
    let message: string;
    try {
      // 1. Data: scan (cached), split, decode (cached).
      progress({ phase: 'loading', epoch: 0, epochs: config.epochs, batch: 0, batches: 0, loss: NaN, acc: NaN, imgPerSec: 0, etaSec: null }, true);
      const cacheDir = this.deps.cacheDir();
      const recorded = sourcesOf(meta);
      const scans = [];
      for (const src of recorded) scans.push(await this.deps.datasets.scan(src.root, { cacheDir, isCancelled: () => job.cancelled }));
      const data = await prepareTrainingData(scans, meta.preprocess, {
        valFraction: config.valFraction, seed: config.seed, cacheDir, isCancelled: () => job.cancelled,
        onProgress: (done, total) => progress({ phase: 'loading', epoch: 0, epochs: config.epochs, batch: 0, batches: 0,
          loss: NaN, acc: NaN, imgPerSec: 0, etaSec: null, loaded: { done, total } }, done === total),
      });
      if (resume) {
        // Every source must be as it was (runs of older versions recorded one combined fingerprint).
        const changed = meta.sources?.length ? data.sources.filter((s, i) => s.fingerprint !== meta.sources![i]!.fingerprint).map((s) => s.root)
          : data.fingerprint !== meta.dataset.fingerprint ? [meta.dataset.root] : [];
        if (changed.length) {
          throw new RunFolderError(l10n.t('The dataset in {0} changed since run {1} started (files added, removed or edited), so it cannot be resumed exactly. Start a new run.',
            andList(changed), meta.runId));
        }
      }
      for (const f of data.failed) events.log(`Skipped (cannot decode): ${f.abs}: ${f.message}`);
      if (data.sources.length > 1) {
        events.log(`Sources: ${data.sources.map((s) => `${s.root} (${s.counts.train} train, ${s.counts.val} validation)`).join('; ')}. ` +
          `${data.crossSource.groups} duplicate group(s) span sources (kept on one side of the split); ` +
          `${data.crossSource.leaks.length} Testing file(s) have a near copy in another source's Training files (left out of "Testing, deduplicated").`);
        for (const l of data.crossSource.leaks.slice(0, 20)) events.log(`  leak: ${l.testRoot}/${l.testFile} ~ ${l.trainRoot}/${l.trainFile} (distance ${l.distance})`);
      }
      snap.counts = { train: data.train.count, val: data.val.count };
      snap.sources = data.sources;
      meta.dataset = { ...meta.dataset, fingerprint: data.fingerprint, counts: snap.counts, perClass: data.perClass };
      meta.sources = data.sources;
      meta.crossSource = data.crossSource;
      meta.timings.loadMs = Math.round(data.loadMs);
      writeMetadata(runDir, meta);
      if (!resume) {
        writeJson(path.join(runDir, 'split.json'), { seed: config.seed, valFraction: config.valFraction, validation: data.valFiles,
          ...(data.sources.length > 1 ? { sources: data.sources.map((s, i) => ({ root: s.root, validation: data.valFilesBySource[i] })) } : {}) });
      }

      // 2. Model: fresh, or the checkpoint's with the best weights so far from the run's model.json.
      if (resume) {
        const ckpt = await readCheckpoint(runDir);
        for (const p of ckpt.problems) events.log(`Run ${meta.runId}: passed over a damaged checkpoint, ${p}; resuming from the last intact one.`);
        model = ckpt.model;
        const best = await loadModel(runDir);
        const bestWeights = best.getWeights().map((w) => tf.clone(w));
        best.dispose();
        const history = readHistory(runDir).slice(0, ckpt.state.nextEpoch);
        snap.history = [...history];
        resumeState = { nextEpoch: ckpt.state.nextEpoch, history, bestEpoch: ckpt.state.bestEpoch, bestValLoss: ckpt.state.bestValLoss,
          bestWeights, optimizerWeights: ckpt.optimizer };
        events.log(`Resuming ${meta.runId} at epoch ${ckpt.state.nextEpoch + 1} of ${config.epochs}.`);
      } else {
        model = buildModel({ name: config.model, inputSize: config.inputSize, channels: config.channels, classes: CLASSES.length, seed: config.seed });
      }

      // 3. Train; every epoch ends with the best model, the history and a checkpoint on disk.
      const tTrain = performance.now();
      const firstEpoch = resumeState?.nextEpoch ?? 0;
      // An epoch's clock starts when the previous one ended (its first batch included).
      let epochT0 = performance.now();
      let epochLoss = 0, epochAcc = 0, seen = 0;
      const sessionEpochMs: number[] = [];
      const m = model;
      // From here the trainer owns (and frees) the best-weights copy; the optimiser state stays ours to free.
      const trainerTakes = resumeState;
      resumeState = resumeState ? { ...resumeState, bestWeights: null } : undefined;
      const result = await trainModel(m, data.train, data.val, {
        size: config.inputSize, channels: config.channels, classes: CLASSES.length, epochs: config.epochs,
        batchSize: config.batchSize, learningRate: config.learningRate, augment: config.augment, seed: config.seed,
        patience: config.patience, classWeights: config.classWeights, labelSmoothing: config.labelSmoothing,
        weightDecay: config.weightDecay, schedule: config.schedule, warmupEpochs: config.warmupEpochs, ema: config.ema,
      }, {
        isCancelled: () => job.cancelled,
        onBatch: (epoch, b, batches, loss, acc) => {
          if (b === 0) { epochLoss = 0; epochAcc = 0; seen = 0; }
          const n = Math.min(config.batchSize, data.train.count - b * config.batchSize);
          epochLoss += loss * n; epochAcc += acc * n; seen += n;
          const elapsed = (performance.now() - epochT0) / 1000;
          const imgPerSec = seen / Math.max(elapsed, 1e-3);
          // Validation costs about a tenth of a training pass per image; count it in the estimate.
          const perEpochSec = sessionEpochMs.length ? sessionEpochMs.reduce((a, v) => a + v, 0) / sessionEpochMs.length / 1000
            : (data.train.count + data.val.count * 0.35) / imgPerSec;
          const etaSec = (1 - (b + 1) / batches) * perEpochSec + (config.epochs - epoch - 1) * perEpochSec;
          progress({ phase: 'training', epoch, epochs: config.epochs, batch: b + 1, batches, loss: round(epochLoss / seen), acc: round(epochAcc / seen),
            imgPerSec: round(imgPerSec, 1), etaSec: b + 1 >= 2 || sessionEpochMs.length ? Math.round(etaSec) : null }, b + 1 === batches);
        },
        onEpoch: async (c) => {
          sessionEpochMs.push(c.stats.ms);
          if (c.improved) {
            await saveModel(m, runDir);
            meta.bestEpoch = c.bestEpoch;
            meta.bestValAcc = round(c.stats.valAcc);
          }
          const stats = { ...c.stats, ms: Math.round(c.stats.ms) };
          snap.history.push(stats);
          writeHistory(runDir, snap.history);
          await saveCheckpoint(runDir, m, c.optimizerWeights, { nextEpoch: c.stats.epoch + 1, bestEpoch: c.bestEpoch, bestValLoss: c.bestValLoss });
          meta.timings.trainMs += Math.round(c.stats.ms);
          meta.timings.epochMsMean = Math.round(meta.timings.trainMs / snap.history.length);
          writeMetadata(runDir, meta);
          events.epoch({ runId: snap.runId, stats, improved: c.improved, bestEpoch: c.bestEpoch });
          epochT0 = performance.now();
        },
      }, trainerTakes);
      outcome = result.end;
      const ran = result.history.length - firstEpoch;
      const seconds = String(Math.round((performance.now() - tTrain) / 1000));
      message = outcome === 'cancelled' ? l10n.t('Cancelled after {0} finished epoch(s); resume continues from there.', String(snap.history.length))
        : outcome === 'early-stopped' ? l10n.t('Stopped early after {0} epoch(s) ({1} in this session, {2} s).', String(snap.history.length), String(ran), seconds)
          : l10n.t('Finished after {0} epoch(s) ({1} in this session, {2} s).', String(snap.history.length), String(ran), seconds);
    } catch (e) {
      outcome = job.cancelled ? 'cancelled' : 'failed';
      message = !job.cancelled ? failureMessage(e, usableCheckpoint(runDir).nextEpoch)
        : snap.history.length ? l10n.t('Cancelled while training.') : l10n.t('Cancelled while loading the data.');
      if (!job.cancelled) events.log(`Training ${snap.runId} failed: ${(e as Error).stack ?? String(e)}`);
    } finally {
      if (resumeState) {
        tf.dispose(resumeState.optimizerWeights.map((w) => w.tensor));
        if (resumeState.bestWeights) tf.dispose(resumeState.bestWeights);
      }
      model?.dispose();
    }
    meta.status = outcome;
    try {
      writeMetadata(runDir, meta);
    } catch (e) {
      events.log(`Cannot update ${runDir}/metadata.json: ${(e as Error).message}`);
    }
    // A finished model is scored on Testing at once (official and deduplicated), when the dataset has one.
    let evaluation: P.TrainEnd['evaluation'] = null;
    if ((outcome === 'completed' || outcome === 'early-stopped') && meta.bestEpoch >= 0) {
      evaluation = await this.deps.evaluateFinished(runDir, meta.dataset.root, (done, total) =>
        progress({ phase: 'evaluating', epoch: snap.history.length - 1, epochs: config.epochs, batch: 0, batches: 0, loss: NaN, acc: NaN,
          imgPerSec: 0, etaSec: null, loaded: { done, total } }, done === 0));
    }
    const best = meta.bestEpoch >= 0 ? snap.history[meta.bestEpoch] : undefined;
    const end: P.TrainEnd = {
      runId: snap.runId, runDir, outcome, message, bestEpoch: meta.bestEpoch, bestValAcc: best ? round(best.valAcc) : null,
      epochsRun: snap.history.length, ms: Math.round(performance.now() - t0), evaluation,
    };
    snap.end = end;
    if (snap.progress) snap.progress = { ...snap.progress, phase: 'finished' };
    job.releaseLock();
    events.end(end);
    return end;
  }
}

/** Why a write failed, in words, per error code (a clause: "Could not write X: <why> (CODE)."). */
const WRITE_FAILURES: Record<string, () => string> = {
  ENOSPC: () => l10n.t('the disk is full'), EDQUOT: () => l10n.t('the disk quota is used up'), EROFS: () => l10n.t('the folder is on a read-only file system'),
  EACCES: () => l10n.t('permission was denied'), EPERM: () => l10n.t('the operation was not permitted'), EIO: () => l10n.t('the disk reported an input/output error'),
};

/**
 * A failed run's message: a failed write (full disk, read-only folder) says so in words, and that the checkpoint
 * swap keeps the last finished epoch intact, so the run resumes once the cause is fixed.
 */
export function failureMessage(e: unknown, checkpointEpochs: number): string {
  const err = e as NodeJS.ErrnoException;
  const why = err.code && Object.hasOwn(WRITE_FAILURES, err.code) ? WRITE_FAILURES[err.code]!() : undefined;
  if (!why) return err.message ?? String(e);
  const what = err.path ? l10n.t('Could not write {0}: {1} ({2}).', err.path, why, err.code!) : l10n.t('Could not write to the run folder: {0} ({1}).', why, err.code!);
  return `${what} ` + (checkpointEpochs > 0 ? l10n.t('The checkpoint of epoch {0} is intact: fix that, then resume the run.', String(checkpointEpochs))
    : l10n.t('No epoch had been saved; fix that, then start the run again.'));
}
