/**
 * `brain-tumor train --data DIR... | --resume RUN_DIR`: train through the same TrainingService the extension uses,
 * with progress on stderr and the outcome on stdout. Ctrl+C stops after the current batch (the run stays
 * resumable); a second Ctrl+C quits at once.
 */
import * as l10n from '@vscode/l10n';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DatasetStore } from '../data/datasetStore';
import { evaluateAfterTraining } from '../eval/evaluateAfterTraining';
import type { TrainConfig } from '../protocol';
import { NO_AUGMENT } from '../train/augment';
import { runSummary } from '../train/runFolder';
import { TrainingService } from '../train/trainingService';
import { EXIT, UsageError } from './exitCodes';
import { cacheDirFrom, checkBackendFlag, type Flags } from './flags';
import { engineFromFlags } from './jobSetup';
import { formatTrainEnd, TrainProgressPrinter } from './trainProgressText';

/** `--config`: inline JSON (starts with "{") or a file holding it; checked field by field later. */
function configJson(v: string): Partial<TrainConfig> {
  let text = v;
  if (!v.trimStart().startsWith('{')) {
    try { text = fs.readFileSync(v, 'utf8'); } catch (e) { throw new UsageError(l10n.t('--config: cannot read {0} ({1})', v, (e as Error).message)); }
  }
  let parsed: unknown;
  try { parsed = JSON.parse(text); } catch (e) { throw new UsageError(l10n.t('--config is not valid JSON: {0}', (e as Error).message)); }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new UsageError(l10n.t('--config must be a JSON object of training settings'));
  return parsed;
}

/** --flags to a partial TrainConfig; the service validates it whole (ranges, names) like any other request. */
export function trainConfigFromFlags(flags: Flags): Partial<TrainConfig> {
  const num = (name: string, v: string | undefined): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n)) throw new UsageError(l10n.t('{0} must be a number, got "{1}"', `--${name}`, v));
    return n;
  };
  const c: Partial<TrainConfig> = flags.config !== undefined ? configJson(flags.config) : {};
  if (flags.model !== undefined) c.model = flags.model as TrainConfig['model'];
  const set = <K extends keyof TrainConfig>(k: K, v: TrainConfig[K] | undefined) => { if (v !== undefined) c[k] = v; };
  set('epochs', num('epochs', flags.epochs));
  set('batchSize', num('batch', flags.batch));
  set('inputSize', num('size', flags.size));
  set('learningRate', num('lr', flags.lr));
  set('valFraction', num('val', flags.val));
  set('seed', num('seed', flags.seed));
  set('patience', num('patience', flags.patience));
  set('labelSmoothing', num('label-smoothing', flags['label-smoothing']));
  set('weightDecay', num('weight-decay', flags['weight-decay']));
  set('warmupEpochs', num('warmup', flags.warmup));
  set('ema', num('ema', flags.ema));
  if (flags['class-weights']) c.classWeights = true;
  if (flags['no-augment']) c.augment = { ...NO_AUGMENT };
  return c;
}

/** Whether a stopped run can be resumed, from its folder as it is now (undefined when it cannot be read). */
function resumeState(runDir: string): { resumable: boolean; problem?: string } | undefined {
  try {
    const s = runSummary(runDir);
    return { resumable: s.resumable, ...(s.resumeProblem ? { problem: s.resumeProblem } : {}) };
  } catch {
    return undefined;
  }
}

export async function trainCommand(flags: Flags): Promise<number> {
  checkBackendFlag(flags);
  if (!flags.resume && !flags.data?.length) throw new UsageError(l10n.t('train needs --data DIR (or --resume RUN_DIR)'));
  if (flags.resume && flags.data?.length) throw new UsageError(l10n.t('--resume continues a run on its own datasets; leave out --data'));
  const config = trainConfigFromFlags(flags);
  if (flags.resume && Object.keys(config).some((k) => k !== 'epochs' && k !== 'patience')) {
    throw new UsageError(l10n.t('--resume continues a run with its own settings; only --epochs (make it longer or shorter) and --patience may change'));
  }
  const engine = engineFromFlags(flags); // starts now, awaited by the service when it needs it
  const cacheDir = cacheDirFrom(flags);
  const tty = process.stderr.isTTY;
  const out = new TrainProgressPrinter(tty ? process.stderr.columns ?? 100 : 0, (t) => process.stderr.write(t));
  const datasets = new DatasetStore();
  const service = new TrainingService({
    datasets, cacheDir: () => cacheDir, engine: () => engine,
    evaluateFinished: evaluateAfterTraining({ datasets, cacheDir: () => cacheDir, engine: () => engine, log: (m) => out.line(m) }),
    progressIntervalMs: tty ? 200 : 60_000,
    events: { progress: (p) => out.progress(p), epoch: (e) => out.epoch(e), end: () => undefined, log: (m) => out.line(m) },
  });
  const started = await service.start({
    ...(flags.resume ? { resumeRunDir: path.resolve(flags.resume), config } : {
      dataRoot: path.resolve(flags.data![0]!), ...(flags.data!.length > 1 ? { dataRoots: flags.data!.map((d) => path.resolve(d)) } : {}),
      runsDir: path.resolve(flags.runs ?? '.brain-tumor/runs'), config,
    }),
  });
  const backend = await engine;
  const c = started.config;
  const plan = [c.model, String(c.inputSize), String(c.epochs), String(c.batchSize), backend.kind, String(backend.threads)] as const;
  const settings = started.resumedFromEpoch !== null
    ? (backend.threads === 1 ? l10n.t('{0}, {1} px, {2} epochs, batch {3}, on {4} ({5} thread), resuming at epoch {6}', ...plan, String(started.resumedFromEpoch + 1))
      : l10n.t('{0}, {1} px, {2} epochs, batch {3}, on {4} ({5} threads), resuming at epoch {6}', ...plan, String(started.resumedFromEpoch + 1)))
    : backend.threads === 1 ? l10n.t('{0}, {1} px, {2} epochs, batch {3}, on {4} ({5} thread)', ...plan)
      : l10n.t('{0}, {1} px, {2} epochs, batch {3}, on {4} ({5} threads)', ...plan);
  out.line(`${l10n.t('Run {0} in {1}', started.runId, started.runDir)}\n  ${settings}`);
  const onSigint = () => {
    out.line(l10n.t('Stopping after the current batch (Ctrl+C again to quit at once)...'));
    service.cancel(started.runId);
    process.once('SIGINT', () => process.exit(EXIT.cancelled));
  };
  process.once('SIGINT', onSigint);
  const end = await service.done!;
  process.off('SIGINT', onSigint);
  out.finish();
  const history = service.snapshot()?.history ?? [];
  process.stdout.write(flags.json ? JSON.stringify({ ...end, config: started.config, history }, null, 2) + '\n' : formatTrainEnd(end, history, resumeState(end.runDir)) + '\n');
  return end.outcome === 'failed' ? EXIT.failure : end.outcome === 'cancelled' ? EXIT.cancelled : EXIT.ok;
}
