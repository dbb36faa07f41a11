/**
 * The JSON-RPC backend: wires each request of protocol.ts to its handler. Thin by design; the work lives in
 * engine/ (and later data/, train/, eval/, infer/). Used by main.ts (IPC, spawned by the extension) and by
 * `brain-tumor serve` (stdio, for remote machines).
 */
import * as os from 'node:os';
import * as path from 'node:path';
import * as l10n from '@vscode/l10n';
import type { CancellationToken, Connection, InitializeResult, RequestHandler, RequestType } from 'vscode-languageserver/node';
import * as P from './protocol';
import type { ResolvedPreference } from './engine/chooseBackend';
import { resolvePreference, BACKEND_LABELS } from './engine/chooseBackend';
import { numTensors, startEngine, tfjsVersion } from './engine/startEngine';
import { defaultCacheDir } from './data/cacheDir';
import { DatasetStore } from './data/datasetStore';
import { parseScanParams } from './data/scanParams';
import { redirectConsole, type Logger } from './logger';
import { evaluateModel } from './eval/evaluate';
import { evaluateAfterTraining } from './eval/evaluateAfterTraining';
import { readEvaluation, saveEvaluation } from './eval/evaluationStore';
import { parseEvaluateParams } from './eval/evaluateParams';
import { parseRunDir, parseRunId, parseTrainParams } from './train/trainParams';
import { runSummary, settledStatus } from './train/runFolder';
import { TrainingService } from './train/trainingService';
import { classifyImages } from './infer/classifyImages';
import { parseClassifyParams, parseLoadModelParams } from './infer/classifyParams';
import { ModelStore } from './infer/modelStore';
import { toProtocolError } from './errorCodes';
import { inEnglish, useBundle } from './language';
import { splitLabel } from './eval/validationText';

export const SERVER_VERSION = BUILD_VERSION;

/** Reads and checks `initializationOptions`; anything malformed is dropped with a warning, never trusted. */
export function parseInitOptions(raw: unknown, log: Logger): P.ServerInitOptions {
  const out: P.ServerInitOptions = {};
  if (raw === undefined || raw === null) return out;
  if (typeof raw !== 'object') {
    log.warn(`initializationOptions ignored: expected an object, got ${typeof raw}`);
    return out;
  }
  const o = raw as Record<string, unknown>;
  if (o.backend !== undefined) {
    if (P.isBackendPreference(o.backend)) out.backend = o.backend;
    else log.warn(`initializationOptions.backend ignored: ${JSON.stringify(o.backend)}`);
  }
  if (o.cacheDir !== undefined) {
    if (typeof o.cacheDir === 'string' && path.isAbsolute(o.cacheDir)) out.cacheDir = o.cacheDir;
    else log.warn(`initializationOptions.cacheDir ignored: expected an absolute path, got ${JSON.stringify(o.cacheDir)}`);
  }
  if (o.threads !== undefined) {
    if (typeof o.threads === 'number' && Number.isInteger(o.threads) && o.threads >= 0 && o.threads <= 256) out.threads = o.threads;
    else log.warn(`initializationOptions.threads ignored: ${JSON.stringify(o.threads)}`);
  }
  if (o.l10n !== undefined) {
    const l10nOptions = parseL10nOption(o.l10n, log);
    if (l10nOptions) out.l10n = l10nOptions;
  }
  return out;
}

type L10nOption = NonNullable<P.ServerInitOptions['l10n']>;
type BundleEntry = NonNullable<L10nOption['bundle']>[string];

const isBundleEntry = (v: unknown): v is BundleEntry => typeof v === 'string' || (typeof v === 'object' && v !== null && !Array.isArray(v) &&
  typeof (v as { message?: unknown }).message === 'string' && Array.isArray((v as { comment?: unknown }).comment) &&
  (v as { comment: unknown[] }).comment.every((c) => typeof c === 'string'));

/**
 * `initializationOptions.l10n`: a short language id, and the extension host's bundle (message -> translation, or
 * {message, comment}). A bad language drops the whole option; a bundle that is not an object is dropped (the
 * messages stay English); single entries of the wrong shape are dropped with one warning for all of them.
 */
function parseL10nOption(raw: unknown, log: Logger): L10nOption | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    log.warn(`initializationOptions.l10n ignored: expected an object, got ${JSON.stringify(raw)}`);
    return undefined;
  }
  const o = raw as Record<string, unknown>;
  if (typeof o.language !== 'string' || !/^[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8})*$/.test(o.language) || o.language.length > 35) {
    log.warn(`initializationOptions.l10n ignored: "language" must be a short language id, got ${JSON.stringify(o.language)}`);
    return undefined;
  }
  const out: L10nOption = { language: o.language };
  if (o.bundle === undefined) return out;
  if (typeof o.bundle !== 'object' || o.bundle === null || Array.isArray(o.bundle)) {
    log.warn(`initializationOptions.l10n.bundle ignored: expected an object of messages, got ${typeof o.bundle}`);
    return out;
  }
  const bundle: Record<string, BundleEntry> = {};
  let dropped = 0;
  for (const [key, value] of Object.entries(o.bundle)) {
    if (isBundleEntry(value)) bundle[key] = value;
    else dropped++;
  }
  if (dropped) log.warn(`initializationOptions.l10n.bundle: ${dropped} entr${dropped === 1 ? 'y' : 'ies'} ignored (expected a string or {message, comment})`);
  out.bundle = bundle;
  return out;
}

/** Threads from the environment beat the setting; 0 = one per core. */
export function resolveThreads(env: string | undefined, setting: number | undefined): number {
  const n = env !== undefined && env !== '' ? Number(env) : NaN;
  if (Number.isInteger(n) && n >= 0 && n <= 256) return n;
  return setting ?? 0;
}

export interface BackendServerOptions {
  /** A CLI --backend flag; beats env and setting. */
  flagBackend?: string;
  flagThreads?: number;
}

export function startBackendServer(connection: Connection, options: BackendServerOptions = {}): void {
  const startedAt = Date.now();
  const log: Logger = {
    error: (m) => connection.console.error(m),
    warn: (m) => connection.console.warn(m),
    info: (m) => connection.console.info(m),
    log: (m) => connection.console.log(m),
  };
  redirectConsole(log);
  let engine: Promise<P.BackendInfo> | undefined;
  let cacheDir = defaultCacheDir();
  const datasets = new DatasetStore();
  const models = new ModelStore();

  connection.onInitialize((params): InitializeResult => {
    const init = parseInitOptions(params.initializationOptions, log);
    // First, before anything is rendered: the messages of every reply are in the client's display language. A
    // client that sends none keeps the process's language (English; `brain-tumor serve` keeps its --lang).
    if (init.l10n) useBundle(init.l10n.language, init.l10n.bundle);
    const preference: ResolvedPreference = resolvePreference({
      flag: options.flagBackend, env: process.env[P.ENV_BACKEND], setting: init.backend,
    });
    if (preference.warning) log.warn(preference.warning);
    const threads = options.flagThreads ?? resolveThreads(process.env[P.ENV_THREADS], init.threads);
    if (init.cacheDir) cacheDir = init.cacheDir;
    // Start the engine now, in the background: the first request waits for it, nothing else does.
    engine = startEngine({ preference, threads });
    engine.then(
      (b) => log.info(`Backend ${b.kind} (${BACKEND_LABELS[b.kind]}), ${b.threads} thread(s)` +
        `${b.simd ? ', SIMD' : ''}, ready in ${Math.round(b.initMs)} ms. ${b.reason}.`),
      (e: Error) => log.error(e.message),
    );
    return { capabilities: {}, serverInfo: { name: 'brain-tumor-backend', version: SERVER_VERSION } };
  });

  const requireEngine = async (): Promise<P.BackendInfo> => {
    if (!engine) throw P.protocolError(P.ErrorCodes.BackendUnavailable, l10n.t('The backend was not initialised.'));
    try {
      return await engine;
    } catch (e) {
      throw P.protocolError(P.ErrorCodes.BackendUnavailable, l10n.t('{0} Check the log, then run "Brain Tumor: Restart Backend".', (e as Error).message));
    }
  };

  /** connection.onRequest with the handler's expected failures mapped to protocol codes in one place (errorCodes.ts). */
  const onRequest = <Params, Result>(type: RequestType<Params, Result, void>,
    handler: (params: Params, token: CancellationToken) => Result | Promise<Result>): void => {
    // HandlerResult's conditional type cannot be checked against a generic Result: the cast states what holds.
    const mapped = (async (params: Params, token: CancellationToken) => {
      try {
        return await handler(params, token);
      } catch (e) {
        throw toProtocolError(e);
      }
    }) as RequestHandler<Params, Result, void>;
    connection.onRequest(type, mapped);
  };

  connection.onRequest(P.status, async (): Promise<P.StatusResult> => {
    const backend = await requireEngine();
    return {
      serverVersion: SERVER_VERSION,
      tfjsVersion: tfjsVersion(),
      nodeVersion: process.version,
      platform: `${os.platform()} ${os.arch()}`,
      pid: process.pid,
      uptimeMs: Date.now() - startedAt,
      backend,
      activeModel: models.active,
      numTensors: numTensors(),
    };
  });

  onRequest(P.scanDataset, async (raw, token): Promise<P.ScanReport> => {
    const params = parseScanParams(raw);
    const { progressToken } = params;
    const result = await datasets.scan(params.root, {
      cacheDir, nearThreshold: params.nearThreshold, volumeSlices: params.volumeSlices,
      isCancelled: () => token.isCancellationRequested,
      onProgress: (p) => { if (progressToken) void connection.sendProgress(P.scanProgress, progressToken, p); },
    });
    log.info(`Scanned ${result.report.root}: ${result.report.totals.files} files, ${result.report.problems.length} problems, ` +
      `${result.report.leaks.length} leaks, ${result.report.timing.ms} ms (${result.report.timing.fromCache} from cache).`);
    return result.report;
  });

  const training = new TrainingService({
    datasets, cacheDir: () => cacheDir, engine: requireEngine,
    evaluateFinished: evaluateAfterTraining({ datasets, cacheDir: () => cacheDir, engine: requireEngine, log: (m) => log.info(m) }),
    events: {
      progress: (p) => void connection.sendNotification(P.trainProgress, p),
      epoch: (e) => void connection.sendNotification(P.trainEpoch, e),
      end: (e) => {
        log.info(`Training ${e.runId}: ${e.outcome}. ${e.message}`);
        void connection.sendNotification(P.trainEnd, e);
      },
      log: (m) => log.info(m),
    },
  });

  onRequest(P.train, async (raw): Promise<P.TrainStarted> => {
    const params = parseTrainParams(raw);
    const started = await training.start(params);
    log.info(`Training ${started.runId} started in ${started.runDir}` +
      `${started.resumedFromEpoch !== null ? ` (resumed at epoch ${started.resumedFromEpoch + 1})` : ''}.`);
    return started;
  });
  connection.onNotification(P.cancelTraining, (raw) => {
    const runId = parseRunId(raw);
    if (runId === undefined || !training.cancel(runId)) log.warn(`cancelTraining ignored: no running run ${JSON.stringify(runId)}`);
  });
  connection.onRequest(P.trainingState, () => training.snapshot());
  onRequest(P.readRun, (raw): P.RunSummary => {
    const runDir = parseRunDir('readRun', raw);
    const summary = runSummary(runDir);
    // Running here, or in another live process that holds the run's lock ("running elsewhere").
    const live = training.isRunning(runDir) || summary.lock !== undefined;
    return { ...summary, status: settledStatus(summary.status, live), resumable: summary.resumable && !live };
  });

  onRequest(P.evaluate, async (raw, token): Promise<P.EvaluationReport> => {
    const params = parseEvaluateParams(raw);
    const backend = await requireEngine();
    const { progressToken } = params;
    const report = await evaluateModel(params.modelDir, {
      datasets, cacheDir, backend, tta: params.tta, calibrate: params.calibrate, split: params.split, isCancelled: () => token.isCancellationRequested,
      ...(params.dataRoot ? { dataRoot: params.dataRoot } : {}), external: params.external, perturb: params.perturb, threshold: params.threshold,
      onProgress: (p) => { if (progressToken) void connection.sendProgress(P.evaluateProgress, progressToken, p); },
    });
    if (params.split !== 'Validation') { // the Testing scores are kept: in a run folder, or in the cache for a shipped model
      const saved = saveEvaluation(params.modelDir, report, path.join(cacheDir, 'evaluations'));
      if (!saved.inModelFolder) log.info(`Evaluation kept in ${saved.file} (${saved.reason ?? 'a shipped or exported model is left as it is'}).`);
    }
    log.info(`Evaluated ${params.modelDir}: ${report.splits.map((s) => `${inEnglish(() => splitLabel(s.key))} ${(s.accuracy * 100).toFixed(2)}%`).join(', ')}.`);
    return report;
  });
  connection.onRequest(P.readEvaluation, (raw): P.EvaluationReport | null => readEvaluation(parseRunDir('readEvaluation', raw), path.join(cacheDir, 'evaluations')) ?? null);

  onRequest(P.loadModel, async (raw): Promise<P.ModelInfo> => {
    const params = parseLoadModelParams(raw);
    await requireEngine();
    const loaded = await models.get(params.modelDir);
    log.info(`Model ${loaded.dir} ready (${loaded.info.architecture}, ${loaded.info.params} parameters${loaded.info.bundled ? ', bundled' : ''}).`);
    return loaded.info;
  });
  onRequest(P.classify, async (raw, token): Promise<P.ClassifyResult> => {
    const params = parseClassifyParams(raw);
    const backend = await requireEngine();
    const { progressToken } = params;
    const loaded = await models.get(params.modelDir);
    const result = await classifyImages(params.paths, loaded, {
      explain: params.explain, withInput: params.withInput, threshold: params.threshold, tta: params.tta, backend: backend.kind,
      orientation: params.orientation, isCancelled: () => token.isCancellationRequested,
      onProgress: (done, total) => { if (progressToken) void connection.sendProgress(P.classifyProgress, progressToken, { done, total }); },
    });
    return { model: loaded.info, ...result };
  });

  connection.onShutdown(() => {
    log.info('Backend shutting down.');
  });
  connection.listen();
}
