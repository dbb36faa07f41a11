/**
 * The run folder a training starts from: a new one (settings resolved, sources checked, metadata written) or an
 * interrupted one to resume (its saved settings re-validated, only epochs and patience changeable). Each takes
 * the run's lock first and gives it back if it fails, so a refused start leaves no lock behind.
 */
import * as l10n from '@vscode/l10n';
import * as path from 'node:path';
import type * as P from '../protocol';
import type { RunLock } from '../protocol';
import { CLASSES } from '../data/classNames';
import { policyFor, type PreprocessPolicy } from '../data/preprocess';
import { walkDataset } from '../data/walkDataset';
import { tfjsVersion } from '../engine/startEngine';
import { RunFolderError } from '../model/folderFiles';
import { readMetadata, writeMetadata, type RunMetadata } from '../model/metadata';
import { acquireRunLock, createRunDir, hasCheckpoint, runSummary } from './runFolder';
import { ConfigError, resolveTrainConfig } from './trainConfig';

export interface PreparedRun { meta: RunMetadata; resumedFrom: number | null; releaseLock: () => void }

type OnRecover = (stale: RunLock) => void;

/** An interrupted or cancelled run, ready to continue from its last finished epoch. */
export function prepareResume(params: P.TrainParams, backend: P.BackendInfo, log: (m: string) => void, recovered: OnRecover): PreparedRun {
  const runDir = params.resumeRunDir!;
  const meta = readMetadata(runDir);
  // One trainer per run folder, across processes: a second one is refused here, before anything is written.
  const releaseLock = acquireRunLock(runDir, recovered);
  try {
    // The saved settings are checked like a new run's: metadata.json may have been edited or damaged.
    try {
      meta.config = resolveTrainConfig(meta.config, { saved: true });
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      throw new ConfigError(l10n.t('{0} holds an invalid setting: {1}. Fix it there, or start a new run.', path.join(runDir, 'metadata.json'), e.message));
    }
    const summary = runSummary(runDir);
    const extending = params.config?.epochs !== undefined && params.config.epochs > summary.history.length && hasCheckpoint(runDir);
    if (!summary.resumable && !extending) {
      throw new RunFolderError(summary.status === 'completed' || summary.status === 'early-stopped'
        ? l10n.t('Run {0} already finished ({1}); start a new run, or make it longer with more epochs (--epochs N).', meta.runId, summary.status)
        : l10n.t('Run {0} has no checkpoint to resume from (no epoch finished); start a new run instead.', meta.runId));
    }
    const resumedFrom = summary.history.length;
    // A resumed run keeps its settings, except that it may be made longer or shorter (the cosine schedule
    // then stretches from here on, so the result differs from a run planned that long from the start), and
    // its early stopping may change: a longer run restarts the schedule, and the validation loss usually
    // rises for a few epochs before it beats the old best, which the old patience would stop.
    const extra = Object.keys(params.config ?? {}).filter((k) => k !== 'epochs' && k !== 'patience');
    if (extra.length) throw new ConfigError(l10n.t('a resumed run keeps its settings; only epochs and patience can change (got {0})', extra.join(', ')));
    if (params.config?.patience !== undefined) {
      const patience = resolveTrainConfig({ patience: params.config.patience }).patience;
      if (patience !== meta.config.patience) log(`Run ${meta.runId}: patience changed from ${meta.config.patience} to ${patience} on resume.`);
      meta.config = { ...meta.config, patience };
    }
    if (params.config?.epochs !== undefined) {
      const epochs = resolveTrainConfig({ epochs: params.config.epochs }).epochs;
      if (epochs <= resumedFrom) throw new ConfigError(l10n.t('epochs must be more than the {0} already finished; got {1}', String(resumedFrom), String(epochs)));
      if (epochs !== meta.config.epochs) log(`Run ${meta.runId}: epochs changed from ${meta.config.epochs} to ${epochs} on resume.`);
      meta.config = { ...meta.config, epochs };
    }
    meta.status = 'running';
    meta.backend = { kind: backend.kind, threads: backend.threads, simd: backend.simd };
    writeMetadata(runDir, meta);
    return { meta, resumedFrom, releaseLock };
  } catch (e) {
    releaseLock();
    throw e;
  }
}

/** A new run folder for `params`, its metadata written; the data are loaded later, by the training itself. */
export async function prepareNewRun(params: P.TrainParams, backend: P.BackendInfo, recovered: OnRecover): Promise<PreparedRun> {
  const config = resolveTrainConfig(params.config);
  const roots = (params.dataRoots?.length ? params.dataRoots : [params.dataRoot!]).map((r) => path.resolve(r));
  if (new Set(roots).size !== roots.length) throw new ConfigError(l10n.t('the same dataset folder is given twice; give each source once'));
  for (const root of roots) await walkDataset(root); // a wrong folder or layout fails now, not after the run folder exists
  const policy: PreprocessPolicy = policyFor(config.inputSize, config.channels, config.intensity);
  const { runId, runDir } = createRunDir(params.runsDir!, config.model);
  const releaseLock = acquireRunLock(runDir, recovered);
  try {
    const now = new Date().toISOString();
    const meta: RunMetadata = {
      format: 'brain-tumor-run', formatVersion: 1, runId, createdAt: now, updatedAt: now, status: 'running',
      classes: CLASSES, inputSize: config.inputSize, channels: config.channels, preprocess: policy,
      dataset: { root: roots[0]!, fingerprint: '', counts: { train: 0, val: 0 }, perClass: {} },
      sources: roots.map((root) => ({ root, fingerprint: '', counts: { train: 0, val: 0 }, perClass: {} })),
      backend: { kind: backend.kind, threads: backend.threads, simd: backend.simd }, config, seed: config.seed,
      bestEpoch: -1, bestValAcc: null, timings: { loadMs: 0, trainMs: 0, epochMsMean: null },
      software: { brainTumor: BUILD_VERSION, tfjs: tfjsVersion() },
    };
    writeMetadata(runDir, meta);
    return { meta, resumedFrom: null, releaseLock };
  } catch (e) {
    releaseLock();
    throw e;
  }
}
