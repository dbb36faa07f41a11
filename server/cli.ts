/**
 * `brain-tumor`: the backend as a command line, for headless and remote GPU machines.
 *   brain-tumor status [--json] [--backend B] [--threads N]
 *   brain-tumor scan DIR [--json] [--near N] [--cache DIR | --no-cache]
 *   brain-tumor train --data DIR [--epochs N] [--model NAME] ... | --resume RUN_DIR
 *   brain-tumor evaluate --model DIR [--data DIR] ...
 *   brain-tumor classify FILE|DIR... [--model DIR] [--json | --csv] [--explain OUT_DIR]
 *   brain-tumor export --model RUN_DIR --out DIR [--quantize uint8|float16|none]
 *   brain-tumor serve [--backend B] [--threads N]     JSON-RPC on stdio (what the extension speaks over IPC)
 * Results go to stdout; progress, logs and errors to stderr. Exit codes: 0 ok, 1 failure, 2 usage error.
 */
import './threadPool';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { defaultCacheDir } from './data/cacheDir';
import { DEFAULT_NEAR_THRESHOLD, ScanCancelledError, scanDataset } from './data/scanDataset';
import { DatasetLayoutError } from './data/walkDataset';
import { HoldoutError, planHoldout, writeHoldout } from './data/externalHoldout';
import { formatScan } from './cli/scanText';
import type { BackendInfo } from './protocol';
import { BACKEND_KINDS, ENV_BACKEND, ENV_THREADS } from './protocol';
import { BACKEND_LABELS, resolvePreference } from './engine/chooseBackend';
import { startEngine, tfjsVersion } from './engine/startEngine';
import { SERVER_VERSION, resolveThreads } from './backendServer';
import { redirectConsole, stderrLogger } from './logger';
import { DatasetStore } from './data/datasetStore';
import { MODEL_NAMES, type TrainConfig } from './protocol';
import { NO_AUGMENT } from './train/augment';
import { ConfigError, DEFAULT_TRAIN_CONFIG } from './train/trainConfig';
import { RunFolderError } from './train/runFolder';
import { TrainingService } from './train/trainingService';
import { formatTrainEnd, TrainProgressPrinter } from './cli/trainProgressText';
import { EvaluationError, evaluateModel } from './eval/evaluate';
import { saveEvaluation } from './eval/evaluationStore';
import { renderReportHtml, type ReportRunInfo } from './eval/reportHtml';
import { readHistory, readMetadata, runSummary } from './train/runFolder';
import { formatEvaluation } from './cli/evaluationText';
import { DEFAULT_UNCERTAINTY_THRESHOLD, type ClassifyResult } from './protocol';
import { ClassifyError, classifyImages } from './infer/classifyImages';
import { ModelError, ModelStore } from './infer/modelStore';
import { exportModel, QUANTIZATIONS } from './infer/exportModel';
import type { WeightQuantization } from './train/runFolder';
import { formatClassifyResult, writeExplanations } from './cli/classifyText';
import { toCsv } from './infer/resultsCsv';

const HELP = `brain-tumor ${SERVER_VERSION}: brain-MRI tumour classification backend (research use only, not for clinical diagnosis)

Usage: brain-tumor <command> [options]

Commands:
  status            Start the engine and print which backend runs and why the others were not used
  scan DIR          Check a dataset folder: counts, sizes, modes, bad files, duplicates, Training->Testing leaks
  holdout           Split a second source into a part to train on and a part kept for external validation only
  train             Train a model on a dataset folder; writes a run folder (model, metadata, history, checkpoint)
  evaluate          Score a model on the Testing split, official and deduplicated (accuracy, F1, AUC, calibration)
  classify PATH...  Classify images (files, or folders searched recursively) with the bundled or a chosen model
  export            Copy a run's model into a self-contained folder, optionally with quantized weights
  serve             Run the JSON-RPC backend on stdin/stdout (for a remote VS Code or another client)

Options:
  --backend B       auto | gpu | node | wasm | cpu   (default: auto, or $${ENV_BACKEND})
  --threads N       worker threads, 0 = one per core (default: 0, or $${ENV_THREADS})
  --json            machine-readable output (status, scan)
  --near N          scan: dHash Hamming distance that counts as a near copy (default 5)
  --cache DIR       cache folder (default $BRAIN_TUMOR_CACHE or ~/.cache/brain-tumor); --no-cache to bypass

Training (brain-tumor train --data DIR [options]; Ctrl+C stops after the current batch, resumable):
  --data DIR        dataset folder (Kaggle layout Training/<class>/..., or <class>/... folders); repeat it to train on
                    several sources at once (--data A --data B): the validation split is stratified by source and
                    class, near copies stay on one side across sources. Class folders may say tumour, tumor, yes or
                    tumour_unknown for a tumour of unknown type: those images teach tumour vs none (partial-label loss)
  --runs DIR        where run folders go (default ./.brain-tumor/runs)
  --resume RUN_DIR  continue an interrupted or cancelled run from its last finished epoch (with --epochs N:
                    make it longer or shorter; the learning-rate schedule stretches from there; --patience N:
                    change early stopping, e.g. when a longer run restarts the schedule)
  --model NAME      ${MODEL_NAMES.join(' | ')} (default ${DEFAULT_TRAIN_CONFIG.model})
  --epochs N        (default ${DEFAULT_TRAIN_CONFIG.epochs})    --batch N (default ${DEFAULT_TRAIN_CONFIG.batchSize})    --size N  input side in px (default ${DEFAULT_TRAIN_CONFIG.inputSize})
  --lr X            peak learning rate of AdamW (default ${DEFAULT_TRAIN_CONFIG.learningRate})
  --weight-decay X  AdamW's decoupled weight decay of the kernels, 0 = Adam (default ${DEFAULT_TRAIN_CONFIG.weightDecay})
  --warmup E        epochs of linear learning-rate warm-up before the cosine decay (default ${DEFAULT_TRAIN_CONFIG.warmupEpochs})
  --ema D           per-step decay of the weight average validation scores and the model keeps, 0 = off (default ${DEFAULT_TRAIN_CONFIG.ema})
  --config JSON     any training settings as a JSON object or a .json file, e.g. '{"augment":{"gamma":0}}';
                    flags given beside it win
  --val F           fraction of Training held out for validation (default ${DEFAULT_TRAIN_CONFIG.valFraction})
  --seed N          (default ${DEFAULT_TRAIN_CONFIG.seed})    --patience N  early stopping, 0 = off (default ${DEFAULT_TRAIN_CONFIG.patience})
  --class-weights   weigh classes by inverse frequency    --no-augment  train on the images as they are
  --label-smoothing X  (default ${DEFAULT_TRAIN_CONFIG.labelSmoothing})

External hold-out (brain-tumor holdout --data DIR --out DIR [--fraction F]):
  Writes OUT/train and OUT/holdout (hard links) and OUT/holdout.json: a file is held out when sha256 of its name
  falls in the top F of the range (default 0.25); training files with a near copy among the held-out ones are left
  out of both. Train on OUT/train beside your main dataset, evaluate with --external OUT/holdout, never tune on it.

Evaluation (brain-tumor evaluate --model RUN_DIR [--data DIR] [options]):
  --model DIR       a run folder (model.json + metadata.json)
  --data DIR        dataset with a Testing split (default: the one the model trained on)
  --split S         Testing (default: official and deduplicated) or Validation (the run's held-out files)
  --tta             also score test-time augmentation (image + mirror), reported separately
  --no-calibrate    do not fit temperature scaling on the run's validation split
  --external DIR    also score a dataset from a source the model never trained on (repeatable): every image of
                    it, tumour vs no tumour (sensitivity, specificity, confident misses and false alarms at
                    --threshold, default 0.7) and the four classes where its labels are fine
  --perturb         also score Testing under seeded perturbations (contrast, gamma, brightness, noise, blur,
                    resolution, JPEG, rotation, flip): accuracy and its drop from clean
  --json            the full report as JSON       --report FILE  also write a self-contained HTML report
  --into-model      record the evaluation in the model folder even when it is an exported or shipped copy (when
                    preparing a model to ship); otherwise such folders are left untouched and the evaluation is
                    kept in the cache (--cache DIR)/evaluations

Classification (brain-tumor classify FILE|DIR... [options]):
  --model DIR       a run or model folder (default: the bundled model)
  --json | --csv    machine-readable results (default: one line per image)
  --explain DIR     also write Grad-CAM overlays (model input + heat map, PNG) into DIR
  --threshold X     calibrated confidence below X is "uncertain: needs expert review" (default 0.7)
  --tta             test-time augmentation: average the image's and its mirror image's probabilities

Export (brain-tumor export --model RUN_DIR --out DIR [--quantize uint8|float16|none], default uint8)

  -h, --help        this help
  -v, --version     print the version
`;

class UsageError extends Error {}

interface Flags {
  backend?: string; threads?: string; json?: boolean; help?: boolean; version?: boolean;
  near?: string; cache?: string; 'no-cache'?: boolean;
  data?: string[]; runs?: string; resume?: string; model?: string; epochs?: string; batch?: string; size?: string; lr?: string;
  val?: string; seed?: string; patience?: string; 'class-weights'?: boolean; 'no-augment'?: boolean; 'label-smoothing'?: string;
  'weight-decay'?: string; warmup?: string; ema?: string; config?: string;
  tta?: boolean; 'no-calibrate'?: boolean; 'into-model'?: boolean; report?: string; split?: string; external?: string[]; perturb?: boolean;
  csv?: boolean; explain?: string; threshold?: string; out?: string; fraction?: string; quantize?: string;
}

function parse(argv: string[]): { command: string | undefined; args: string[]; flags: Flags } {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        backend: { type: 'string' },
        threads: { type: 'string' },
        json: { type: 'boolean' },
        near: { type: 'string' },
        cache: { type: 'string' },
        'no-cache': { type: 'boolean' },
        data: { type: 'string', multiple: true }, runs: { type: 'string' }, resume: { type: 'string' }, model: { type: 'string' },
        epochs: { type: 'string' }, batch: { type: 'string' }, size: { type: 'string' }, lr: { type: 'string' },
        val: { type: 'string' }, seed: { type: 'string' }, patience: { type: 'string' }, 'label-smoothing': { type: 'string' },
        'weight-decay': { type: 'string' }, warmup: { type: 'string' }, ema: { type: 'string' }, config: { type: 'string' },
        'class-weights': { type: 'boolean' }, 'no-augment': { type: 'boolean' },
        tta: { type: 'boolean' }, 'no-calibrate': { type: 'boolean' }, 'into-model': { type: 'boolean' }, report: { type: 'string' }, split: { type: 'string' },
        external: { type: 'string', multiple: true }, perturb: { type: 'boolean' },
        csv: { type: 'boolean' }, explain: { type: 'string' }, threshold: { type: 'string' }, out: { type: 'string' }, fraction: { type: 'string' }, quantize: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
    const max = positionals[0] === 'scan' ? 2 : positionals[0] === 'classify' ? Infinity : 1;
    if (positionals.length > max) throw new UsageError(`unexpected argument "${positionals[max]}"`);
    return { command: positionals[0], args: positionals.slice(1), flags: values };
  } catch (e) {
    throw e instanceof UsageError ? e : new UsageError((e as Error).message);
  }
}

function threadsFrom(flags: Flags): number {
  if (flags.threads === undefined) return resolveThreads(process.env[ENV_THREADS], undefined);
  const n = Number(flags.threads);
  if (!Number.isInteger(n) || n < 0 || n > 256) throw new UsageError(`--threads must be an integer from 0 to 256, got "${flags.threads}"`);
  return n;
}

function checkBackendFlag(flags: Flags): void {
  if (flags.backend !== undefined && !['auto', ...BACKEND_KINDS].includes(flags.backend)) {
    throw new UsageError(`--backend must be one of auto, ${BACKEND_KINDS.join(', ')}; got "${flags.backend}"`);
  }
}

/** The engine the --backend flag or the environment asks for (a warning when that choice was adjusted). */
function engineFromFlags(flags: Flags): Promise<BackendInfo> {
  const preference = resolvePreference({ flag: flags.backend, env: process.env[ENV_BACKEND] });
  if (preference.warning) stderrLogger.warn(preference.warning);
  return startEngine({ preference, threads: threadsFrom(flags) });
}

/** Ctrl+C during a job sets a flag the job checks between steps, so it stops cleanly (exit 130); dispose after. */
function listenForCtrlC(): { isCancelled: () => boolean; dispose: () => void } {
  let cancelled = false;
  const onSigint = () => { cancelled = true; };
  process.once('SIGINT', onSigint);
  return { isCancelled: () => cancelled, dispose: () => process.off('SIGINT', onSigint) };
}

export function formatStatus(b: BackendInfo): string {
  const lines = [
    `Backend:  ${b.kind} (${BACKEND_LABELS[b.kind]}), ${b.threads} thread${b.threads === 1 ? '' : 's'}` +
      (b.simd === null ? '' : b.simd ? ', SIMD' : ', no SIMD'),
    `Why:      ${b.reason}`,
    `Asked:    ${b.requested} (${b.requestedBy})`,
    'Tried:',
    ...b.attempts.map((a) => `  ${a.kind.padEnd(5)} ${a.ok ? 'yes' : 'no '}  ${a.reason}${a.ms >= 1 ? ` (${Math.round(a.ms)} ms)` : ''}`),
    `Ready in: ${Math.round(b.initMs)} ms`,
    `tfjs ${tfjsVersion()}, Node ${process.version}, ${process.platform} ${process.arch}`,
  ];
  if (b.kind !== 'gpu') {
    lines.push('Hint:     GPU training needs Linux, CUDA 11.2 and cuDNN 8.1, then `npm install @tensorflow/tfjs-node-gpu`', '          next to this tool (README, "GPU training").');
  }
  return lines.join('\n');
}

async function cmdStatus(flags: Flags): Promise<number> {
  checkBackendFlag(flags);
  const backend = await engineFromFlags(flags);
  process.stdout.write(flags.json
    ? JSON.stringify({ version: SERVER_VERSION, tfjsVersion: tfjsVersion(), backend }, null, 2) + '\n'
    : `brain-tumor ${SERVER_VERSION}\n${formatStatus(backend)}\n`);
  return 0;
}

async function cmdScan(args: string[], flags: Flags): Promise<number> {
  const dir = args[0];
  if (!dir) throw new UsageError('scan needs a dataset folder: brain-tumor scan DIR');
  const near = flags.near === undefined ? DEFAULT_NEAR_THRESHOLD : Number(flags.near);
  if (!Number.isInteger(near) || near < 0 || near > 64) throw new UsageError(`--near must be an integer from 0 to 64, got "${flags.near}"`);
  const cacheDir = flags['no-cache'] ? null : path.resolve(flags.cache ?? defaultCacheDir());
  const ctrlC = listenForCtrlC();
  const tty = process.stderr.isTTY;
  try {
    const { report } = await scanDataset(dir, {
      cacheDir, nearThreshold: near, isCancelled: ctrlC.isCancelled,
      onProgress: (p) => {
        if (tty && p.phase === 'inspecting') process.stderr.write(`\rinspecting ${p.done}/${p.total}`);
        if (tty && p.phase === 'comparing') process.stderr.write('\rcomparing hashes...      ');
      },
    });
    if (tty) process.stderr.write('\r\x1b[K');
    process.stdout.write(flags.json ? JSON.stringify(report, null, 2) + '\n' : formatScan(report) + '\n');
    return 0;
  } catch (e) {
    if (tty) process.stderr.write('\n');
    if (e instanceof ScanCancelledError) {
      process.stderr.write('brain-tumor: scan cancelled; files inspected so far are cached for the next scan.\n');
      return 130;
    }
    if (e instanceof DatasetLayoutError) throw new UsageError(e.message);
    throw e;
  } finally {
    ctrlC.dispose();
  }
}

/** `--config`: inline JSON (starts with "{") or a file holding it; checked field by field later. */
function configJson(v: string): Partial<TrainConfig> {
  let text = v;
  if (!v.trimStart().startsWith('{')) {
    try { text = fs.readFileSync(v, 'utf8'); } catch (e) { throw new UsageError(`--config: cannot read ${v} (${(e as Error).message})`); }
  }
  let parsed: unknown;
  try { parsed = JSON.parse(text); } catch (e) { throw new UsageError(`--config is not valid JSON: ${(e as Error).message}`); }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new UsageError('--config must be a JSON object of training settings');
  return parsed;
}

/** `holdout`: a second source split into a training part and an external-validation part (externalHoldout.ts). */
async function cmdHoldout(flags: Flags): Promise<number> {
  const dir = flags.data?.[0];
  if (!dir || (flags.data?.length ?? 0) > 1 || !flags.out) throw new UsageError('holdout needs one --data DIR and --out DIR');
  const fraction = flags.fraction === undefined ? 0.25 : Number(flags.fraction);
  if (!(fraction > 0 && fraction < 1)) throw new UsageError(`--fraction must be a number between 0 and 1, got "${flags.fraction}"`);
  const cacheDir = flags['no-cache'] ? null : path.resolve(flags.cache ?? defaultCacheDir());
  let scan;
  try {
    scan = await scanDataset(dir, { cacheDir, nearThreshold: DEFAULT_NEAR_THRESHOLD });
  } catch (e) {
    if (e instanceof DatasetLayoutError) throw new UsageError(e.message);
    throw e;
  }
  const plan = planHoldout(scan, fraction, DEFAULT_NEAR_THRESHOLD);
  try {
    const { linked, copied } = writeHoldout(path.resolve(dir), plan, path.resolve(flags.out));
    process.stdout.write(`${path.resolve(flags.out)}: train ${plan.train.length} images, holdout ${plan.holdout.length} ` +
      `(sha256 of the file name in the top ${Math.round(fraction * 100)}%), ${plan.dropped.length} left out of training as near copies of held-out images; ` +
      `${linked} hard links, ${copied} copies. The list: holdout.json.\n`);
  } catch (e) {
    if (e instanceof HoldoutError) throw new UsageError(e.message);
    throw e;
  }
  return 0;
}

/** --flags to a partial TrainConfig; the service validates it whole (ranges, names) like any other request. */
export function trainConfigFromFlags(flags: Flags): Partial<TrainConfig> {
  const num = (name: string, v: string | undefined): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${name} must be a number, got "${v}"`);
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

async function cmdTrain(flags: Flags): Promise<number> {
  checkBackendFlag(flags);
  if (!flags.resume && !flags.data?.length) throw new UsageError('train needs --data DIR (or --resume RUN_DIR)');
  if (flags.resume && flags.data?.length) throw new UsageError('--resume continues a run on its own datasets; leave out --data');
  const config = trainConfigFromFlags(flags);
  if (flags.resume && Object.keys(config).some((k) => k !== 'epochs' && k !== 'patience')) {
    throw new UsageError('--resume continues a run with its own settings; only --epochs (make it longer or shorter) and --patience may change');
  }
  const engine = engineFromFlags(flags); // starts now, awaited by the service when it needs it
  const cacheDir = flags['no-cache'] ? null : path.resolve(flags.cache ?? defaultCacheDir());
  const tty = process.stderr.isTTY;
  const out = new TrainProgressPrinter(tty ? process.stderr.columns ?? 100 : 0, (t) => process.stderr.write(t));
  const service = new TrainingService({
    datasets: new DatasetStore(), cacheDir: () => cacheDir, engine: () => engine,
    progressIntervalMs: tty ? 200 : 60_000,
    events: { progress: (p) => out.progress(p), epoch: (e) => out.epoch(e), end: () => undefined, log: (m) => out.line(m) },
  });
  let started;
  try {
    started = await service.start({
      ...(flags.resume ? { resumeRunDir: path.resolve(flags.resume), config } : {
        dataRoot: path.resolve(flags.data![0]!), ...(flags.data!.length > 1 ? { dataRoots: flags.data!.map((d) => path.resolve(d)) } : {}),
        runsDir: path.resolve(flags.runs ?? '.brain-tumor/runs'), config,
      }),
    });
  } catch (e) {
    if (e instanceof ConfigError || e instanceof DatasetLayoutError || e instanceof RunFolderError) throw new UsageError(e.message);
    throw e;
  }
  const backend = await engine;
  out.line(`Run ${started.runId} in ${started.runDir}
  ${started.config.model}, ${started.config.inputSize} px, ${started.config.epochs} epochs, ` +
    `batch ${started.config.batchSize}, on ${backend.kind} (${backend.threads} thread${backend.threads === 1 ? '' : 's'})` +
    `${started.resumedFromEpoch !== null ? `, resuming at epoch ${started.resumedFromEpoch + 1}` : ''}`);
  const onSigint = () => {
    out.line('Stopping after the current batch (Ctrl+C again to quit at once)...');
    service.cancel(started.runId);
    process.once('SIGINT', () => process.exit(130));
  };
  process.once('SIGINT', onSigint);
  const end = await service.done!;
  process.off('SIGINT', onSigint);
  out.finish();
  const history = service.snapshot()?.history ?? [];
  process.stdout.write(flags.json ? JSON.stringify({ ...end, config: started.config, history }, null, 2) + '\n' : formatTrainEnd(end, history, resumeState(end.runDir)) + '\n');
  return end.outcome === 'failed' ? 1 : end.outcome === 'cancelled' ? 130 : 0;
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

/** What the HTML report tells of the run behind a model: its settings, curves and data counts. */
function reportRunOf(modelDir: string): ReportRunInfo | null {
  try {
    const m = readMetadata(modelDir);
    return { config: m.config, history: readHistory(modelDir), bestEpoch: m.bestEpoch, dataset: { trainVal: m.dataset.counts } };
  } catch {
    return null;
  }
}

async function cmdEvaluate(flags: Flags): Promise<number> {
  checkBackendFlag(flags);
  if (!flags.model) throw new UsageError('evaluate needs --model RUN_DIR');
  const modelDir = path.resolve(flags.model);
  const split = flags.split ?? 'Testing';
  if (split !== 'Testing' && split !== 'Validation') throw new UsageError(`--split must be Testing or Validation, got "${split}"`);
  if ((flags.data?.length ?? 0) > 1) throw new UsageError('evaluate scores one dataset\'s Testing split: give one --data (other sources go in --external)');
  const threshold = flags.threshold === undefined ? DEFAULT_UNCERTAINTY_THRESHOLD : Number(flags.threshold);
  if (!(threshold >= 0 && threshold <= 1)) throw new UsageError(`--threshold must be a number from 0 to 1, got "${flags.threshold}"`);
  const external = (flags.external ?? []).map((d) => path.resolve(d));
  for (const d of external) if (!fs.existsSync(d)) throw new UsageError(`--external ${d}: no such folder`);
  const backend = await engineFromFlags(flags);
  const cacheDir = flags['no-cache'] ? null : path.resolve(flags.cache ?? defaultCacheDir());
  const ctrlC = listenForCtrlC();
  const tty = process.stderr.isTTY;
  try {
    const report = await evaluateModel(modelDir, {
      datasets: new DatasetStore(), cacheDir, backend, tta: !!flags.tta, calibrate: !flags['no-calibrate'], intoModelFolder: !!flags['into-model'], split, isCancelled: ctrlC.isCancelled,
      ...(flags.data?.length ? { dataRoot: path.resolve(flags.data[0]!) } : {}), external, perturb: !!flags.perturb, threshold,
      onProgress: (p) => { if (tty) process.stderr.write(`\r${p.phase}${p.detail ? ` ${p.detail}` : ''} ${p.done}/${p.total}\x1b[K`); },
    });
    if (tty) process.stderr.write('\r\x1b[K');
    if (split === 'Testing') { // the Testing scores are kept: in a run folder, or beside the cache for a shipped model
      const saved = saveEvaluation(modelDir, report, path.join(path.resolve(flags.cache ?? defaultCacheDir()), 'evaluations'), { intoModelFolder: !!flags['into-model'] });
      if (!saved.inModelFolder) process.stderr.write(`Evaluation kept in ${saved.file} (${saved.reason ?? `${modelDir} is a shipped or exported model, left as it is`}).\n`);
    }
    if (flags.report) {
      const file = path.resolve(flags.report);
      fs.writeFileSync(file, renderReportHtml(report, reportRunOf(modelDir)));
      fs.writeFileSync(file.replace(/\.html?$/i, '') + '.json', JSON.stringify(report, null, 1) + '\n');
      process.stderr.write(`Report: ${file}\n`);
    }
    process.stdout.write(flags.json ? JSON.stringify(report, null, 2) + '\n' : formatEvaluation(report) + '\n');
    return 0;
  } catch (e) {
    if (tty) process.stderr.write('\n');
    if (e instanceof EvaluationError && e.kind === 'cancelled') return 130;
    if (e instanceof EvaluationError || e instanceof RunFolderError || e instanceof DatasetLayoutError) throw new UsageError(e.message);
    throw e;
  } finally {
    ctrlC.dispose();
  }
}

async function cmdClassify(args: string[], flags: Flags): Promise<number> {
  checkBackendFlag(flags);
  if (!args.length) throw new UsageError('classify needs image files or folders: brain-tumor classify FILE|DIR...');
  if (flags.json && flags.csv) throw new UsageError('choose one of --json and --csv');
  const threshold = flags.threshold === undefined ? DEFAULT_UNCERTAINTY_THRESHOLD : Number(flags.threshold);
  if (!(threshold >= 0 && threshold <= 1)) throw new UsageError(`--threshold must be a number from 0 to 1, got "${flags.threshold}"`);
  const backend = await engineFromFlags(flags);
  const store = new ModelStore();
  const ctrlC = listenForCtrlC();
  const tty = process.stderr.isTTY;
  try {
    const loaded = await store.get(flags.model ? path.resolve(flags.model) : undefined);
    const explain = flags.explain !== undefined;
    const result = await classifyImages(args.map((a) => path.resolve(a)), loaded, {
      explain, withInput: explain, threshold, tta: !!flags.tta, backend: backend.kind, isCancelled: ctrlC.isCancelled,
      onProgress: (done, total) => { if (tty && total > 1) process.stderr.write(`\rclassifying ${done}/${total}\x1b[K`); },
    });
    if (tty) process.stderr.write('\r\x1b[K');
    const full: ClassifyResult = { model: loaded.info, ...result };
    if (explain) {
      const files = await writeExplanations(full, path.resolve(flags.explain!));
      process.stderr.write(`Grad-CAM overlays: ${files.length} written to ${path.resolve(flags.explain!)}\n`);
      // The overlays carry the pictures; the printed result stays small.
      for (const it of full.items) if (it.ok) it.input = null;
    }
    if (flags.json) process.stdout.write(JSON.stringify(full, null, 1) + '\n');
    else if (flags.csv) process.stdout.write(toCsv(full.items, full.model.classes));
    else process.stdout.write(formatClassifyResult(full) + '\n');
    // Exit 1 when nothing could be classified, so scripts notice; partial failures are listed but not fatal.
    return full.items.some((i) => i.ok) ? 0 : 1;
  } catch (e) {
    if (tty) process.stderr.write('\n');
    if (e instanceof ClassifyError && e.kind === 'cancelled') return 130;
    if (e instanceof ModelError || e instanceof ClassifyError) throw new UsageError(e.message);
    throw e;
  } finally {
    ctrlC.dispose();
    store.dispose();
  }
}

async function cmdExport(flags: Flags): Promise<number> {
  if (!flags.model || !flags.out) throw new UsageError('export needs --model RUN_DIR and --out DIR');
  const quantization = (flags.quantize ?? 'uint8') as WeightQuantization;
  if (!QUANTIZATIONS.includes(quantization)) throw new UsageError(`--quantize must be one of ${QUANTIZATIONS.join(', ')}, got "${flags.quantize}"`);
  await startEngine({ preference: resolvePreference({ flag: 'cpu' }), threads: 1 });
  try {
    const r = await exportModel(path.resolve(flags.model), path.resolve(flags.out), quantization);
    process.stdout.write(`Exported ${flags.model} to ${r.outDir}: weights ${(r.weightBytes / 2 ** 20).toFixed(2)} MB (${r.quantization}); ` +
      `files ${r.files.join(', ')}.\nEvaluate the export (and record it there): brain-tumor evaluate --model "${r.outDir}" --data DATASET --into-model\n`);
    return 0;
  } catch (e) {
    if (e instanceof RunFolderError) throw new UsageError(e.message);
    throw e;
  }
}

async function cmdServe(flags: Flags): Promise<number> {
  checkBackendFlag(flags);
  const threads = flags.threads === undefined ? undefined : threadsFrom(flags);
  // Loaded here, not at the top: `status` and `--help` should not pay for the protocol library.
  const { createConnection, ProposedFeatures, StreamMessageReader, StreamMessageWriter } = await import('vscode-languageserver/node');
  const { startBackendServer } = await import('./backendServer');
  const connection = createConnection(ProposedFeatures.all, new StreamMessageReader(process.stdin), new StreamMessageWriter(process.stdout));
  startBackendServer(connection, { ...(flags.backend ? { flagBackend: flags.backend } : {}), ...(threads !== undefined ? { flagThreads: threads } : {}) });
  return new Promise<number>(() => { /* runs until the client sends exit */ });
}

export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parse(argv);
  } catch (e) {
    process.stderr.write(`brain-tumor: ${(e as Error).message}\nRun "brain-tumor --help" for usage.\n`);
    return 2;
  }
  const { command, args, flags } = parsed;
  if (flags.version) {
    process.stdout.write(`${SERVER_VERSION}\n`);
    return 0;
  }
  if (flags.help || command === undefined || command === 'help') {
    process.stdout.write(HELP);
    return command === undefined && !flags.help ? 2 : 0;
  }
  // Libraries must never print to stdout: it carries results (and, for serve, the protocol).
  redirectConsole(stderrLogger);
  try {
    switch (command) {
      case 'status': return await cmdStatus(flags);
      case 'serve': return await cmdServe(flags);
      case 'scan': return await cmdScan(args, flags);
      case 'holdout': return await cmdHoldout(flags);
      case 'train': return await cmdTrain(flags);
      case 'evaluate': return await cmdEvaluate(flags);
      case 'classify': return await cmdClassify(args, flags);
      case 'export': return await cmdExport(flags);
      default:
        throw new UsageError(`unknown command "${command}" (commands: status, scan, holdout, train, evaluate, classify, export, serve)`);
    }
  } catch (e) {
    process.stderr.write(`brain-tumor: ${(e as Error).message}\n`);
    return e instanceof UsageError ? 2 : 1;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
