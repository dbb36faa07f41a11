/**
 * Owns the backend process: starts it through vscode-languageclient (IPC transport, server module
 * dist/server.js), restarts it on request, and restarts it by itself when it dies, telling the user once per
 * session rather than at every crash. Gives up after repeated crashes, with a way back (Restart Backend).
 * Does not start in an untrusted workspace: the backend reads the workspace's files.
 * Starts lazily: the first request (or `start()`) starts the process, so a window that never uses the extension
 * never pays for a TensorFlow process (docs/activation.md).
 */
import * as vscode from 'vscode';
import {
  CloseAction, ErrorAction, LanguageClient, State, TransportKind,
  type CloseHandlerResult, type ErrorHandlerResult, type LanguageClientOptions, type ServerOptions,
} from 'vscode-languageclient/node';
import * as P from '../server/protocol';
import { serverInitOptions, volumeSlices } from './config';
import { CRASH_WINDOW_MS, CrashPolicy, MAX_CRASHES } from './crashPolicy';
import { log, logChannel } from './log';

import type { BackendState } from './statusText';

export type { BackendState };

/** What a training run tells the extension while it runs, in one stream. */
export type TrainEvent =
  | { kind: 'progress'; progress: P.TrainProgress }
  | { kind: 'epoch'; epoch: P.TrainEpochEvent }
  | { kind: 'end'; end: P.TrainEnd };

export class BackendClient implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private readonly stateEmitter = new vscode.EventEmitter<BackendState>();
  readonly onDidChangeState = this.stateEmitter.event;
  private current: BackendState;
  private readonly crashes = new CrashPolicy();
  private failure: string | undefined;
  private readonly trainEmitter = new vscode.EventEmitter<TrainEvent>();
  /** Training notifications of whichever backend process is current (they survive restarts). */
  readonly onTrainEvent = this.trainEmitter.event;
  /** Numbers the progress tokens of this client's scans. */
  private sequence = 0;
  /** Set by dispose: a late request must not start a new process after deactivation. */
  private disposed = false;

  constructor(private readonly context: vscode.ExtensionContext, private readonly cacheDir: () => string) {
    // Restricted Mode shows at once (status bar), not only when something first asks for the backend.
    this.current = vscode.workspace.isTrusted ? 'stopped' : 'untrusted';
  }

  get state(): BackendState {
    return this.current;
  }

  /** Why the backend is down, when it is. */
  get failureReason(): string | undefined {
    return this.failure;
  }

  private setState(s: BackendState): void {
    if (s === this.current) return;
    this.current = s;
    this.stateEmitter.fire(s);
  }

  async start(): Promise<void> {
    if (!vscode.workspace.isTrusted) {
      this.setState('untrusted');
      log.info('Workspace not trusted: the backend stays stopped until you trust this workspace.');
      return;
    }
    if (this.client) return;
    const serverModule = this.context.asAbsolutePath('dist/server.js');
    const serverOptions: ServerOptions = {
      run: { module: serverModule, transport: TransportKind.ipc },
      debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6011'] } },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [], // a compute backend, not a language server: it watches no documents
      outputChannel: logChannel(),
      // The backend writes its messages in the display language, from the bundle the extension host loaded for it.
      initializationOptions: {
        ...serverInitOptions(), cacheDir: this.cacheDir(),
        l10n: { language: vscode.env.language, bundle: vscode.l10n.bundle },
      } satisfies P.ServerInitOptions,
      errorHandler: {
        error: (_e, _m, count): ErrorHandlerResult => ({
          action: (count ?? 0) <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown, handled: true,
        }),
        closed: (): CloseHandlerResult => this.onUnexpectedClose(),
      },
    };
    const client = new LanguageClient('brainTumorBackend', vscode.l10n.t('Brain Tumor Backend'), serverOptions, clientOptions);
    this.client = client;
    client.onNotification(P.trainProgress, (progress) => this.trainEmitter.fire({ kind: 'progress', progress }));
    client.onNotification(P.trainEpoch, (epoch) => this.trainEmitter.fire({ kind: 'epoch', epoch }));
    client.onNotification(P.trainEnd, (end) => this.trainEmitter.fire({ kind: 'end', end }));
    client.onDidChangeState((e) => {
      if (e.newState === State.Running) {
        this.failure = undefined;
        this.setState('running');
      } else if (e.newState === State.Starting) {
        this.setState('starting');
      } else if (this.current !== 'failed') {
        this.setState('stopped');
      }
    });
    this.setState('starting');
    try {
      await client.start();
    } catch (e) {
      this.failure = (e as Error).message;
      this.setState('failed');
      log.error(`The backend did not start: ${this.failure}`);
      throw e;
    }
  }

  private onUnexpectedClose(): CloseHandlerResult {
    const { restart, tellUser } = this.crashes.onCrash();
    if (!restart) {
      const crashes = MAX_CRASHES + 1, minutes = CRASH_WINDOW_MS / 60_000;
      log.error(`The backend crashed ${crashes} times within ${minutes} minutes and was not restarted again.`);
      this.failure = vscode.l10n.t('The backend crashed {0} times within {1} minutes and was not restarted again.', crashes, minutes);
      this.setState('failed');
      const restart = vscode.l10n.t('Restart Backend');
      const logs = vscode.l10n.t('Open Logs');
      void vscode.window.showErrorMessage(vscode.l10n.t('Brain Tumor: {0} See the log for the cause.', this.failure), restart, logs)
        .then((pick) => {
          if (pick === restart) void vscode.commands.executeCommand('brainTumor.restartBackend');
          if (pick === logs) log.show();
        });
      return { action: CloseAction.DoNotRestart, handled: true };
    }
    log.warn('The backend stopped unexpectedly; restarting it.');
    if (tellUser) {
      void vscode.window.showWarningMessage(
        vscode.l10n.t('Brain Tumor: the backend stopped unexpectedly and was restarted. Later restarts are only logged.'), vscode.l10n.t('Open Logs'),
      ).then((pick) => pick && log.show());
    }
    return { action: CloseAction.Restart, handled: true };
  }

  /** Stops and starts the backend, picking up changed settings. */
  async restart(): Promise<void> {
    this.crashes.reset();
    const old = this.client;
    this.client = undefined;
    this.failure = undefined;
    if (old) {
      this.setState('starting');
      await old.stop().catch((e: Error) => log.warn(`Stopping the old backend: ${e.message}`));
      await old.dispose().catch(() => undefined);
    }
    await this.start();
  }

  /** The backend's status; throws a user-readable error when it is not running. */
  async status(): Promise<P.StatusResult> {
    return (await this.ready()).sendRequest(P.status);
  }

  /** Scans a dataset folder; `onProgress` hears how far it got; the token cancels it. */
  async scanDataset(root: string, onProgress: (p: P.ScanProgress) => void, token?: vscode.CancellationToken): Promise<P.ScanReport> {
    const c = await this.ready();
    const progressToken = `scan-${++this.sequence}`;
    const sub = c.onProgress(P.scanProgress, progressToken, onProgress);
    try {
      return await c.sendRequest(P.scanDataset, { root, progressToken, volumeSlices: volumeSlices() }, token);
    } finally {
      sub.dispose();
    }
  }

  /** Starts (or resumes) a training run; returns when the run folder exists. Events follow on onTrainEvent. */
  async train(params: P.TrainParams): Promise<P.TrainStarted> {
    return (await this.ready()).sendRequest(P.train, params);
  }

  async cancelTraining(runId: string): Promise<void> {
    await (await this.ready()).sendNotification(P.cancelTraining, { runId });
  }

  async trainingState(): Promise<P.TrainingSnapshot | null> {
    return (await this.ready()).sendRequest(P.trainingState);
  }

  async readRun(runDir: string): Promise<P.RunSummary> {
    return (await this.ready()).sendRequest(P.readRun, { runDir });
  }

  /** Evaluates a model on its dataset's Testing split; `onProgress` hears how far it got; the token cancels it. */
  async evaluate(params: Omit<P.EvaluateParams, 'progressToken'>, onProgress: (p: P.EvaluateProgress) => void, token?: vscode.CancellationToken): Promise<P.EvaluationReport> {
    const c = await this.ready();
    const progressToken = `evaluate-${++this.sequence}`;
    const sub = c.onProgress(P.evaluateProgress, progressToken, onProgress);
    try {
      return await c.sendRequest(P.evaluate, { ...params, progressToken }, token);
    } finally {
      sub.dispose();
    }
  }

  async readEvaluation(runDir: string): Promise<P.EvaluationReport | null> {
    return (await this.ready()).sendRequest(P.readEvaluation, { runDir });
  }

  /** Loads and checks a model folder (omitted: the bundled model); rejects with the backend's error naming what is wrong. */
  async loadModel(modelDir?: string): Promise<P.ModelInfo> {
    return (await this.ready()).sendRequest(P.loadModel, modelDir ? { modelDir } : {});
  }

  /** Classifies images (files and/or folders); `onProgress` hears how far it got; the token cancels it. */
  async classify(params: Omit<P.ClassifyParams, 'progressToken'>, onProgress?: (p: P.ClassifyProgress) => void, token?: vscode.CancellationToken): Promise<P.ClassifyResult> {
    const c = await this.ready();
    const progressToken = `classify-${++this.sequence}`;
    const sub = c.onProgress(P.classifyProgress, progressToken, (p) => onProgress?.(p));
    try {
      return await c.sendRequest(P.classify, { ...params, progressToken }, token);
    } finally {
      sub.dispose();
    }
  }

  /**
   * The running client: starts the backend on first use, waits for a start in progress; throws a user-readable
   * error when there is none (untrusted, failed, or given up after crashes: those wait for Restart Backend).
   */
  private async ready(): Promise<LanguageClient> {
    if (!this.client && !this.disposed && vscode.workspace.isTrusted) await this.start();
    const c = this.client;
    if (this.current === 'untrusted') throw new Error(vscode.l10n.t('The backend does not run in an untrusted workspace. Trust the workspace to use it.'));
    if (!c || !c.isRunning()) {
      if (this.current === 'starting' && c) await waitFor(this.onDidChangeState, (s) => s !== 'starting', 60_000);
      if (!c || !c.isRunning()) throw new Error(this.failure ?? vscode.l10n.t('The backend is not running. Run "Brain Tumor: Restart Backend".'));
    }
    return c;
  }

  async dispose(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    this.disposed = true;
    this.stateEmitter.dispose();
    this.trainEmitter.dispose();
    if (c) await c.stop().catch(() => undefined);
  }
}

function waitFor<T>(event: vscode.Event<T>, pred: (v: T) => boolean, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => { sub.dispose(); resolve(); }, timeoutMs);
    const sub = event((v) => {
      if (pred(v)) { clearTimeout(timer); sub.dispose(); resolve(); }
    });
  });
}
