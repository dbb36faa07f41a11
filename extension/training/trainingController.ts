/**
 * The extension's side of a training run: starts it in the backend, shows a progress notification (epoch,
 * batch, loss, ETA, Cancel), keeps the live view the Training panel draws, and tells the user how it ended
 * (with Resume when it can be continued). If the backend dies mid-run, the run is marked interrupted: its last
 * finished epoch is on disk, so Resume continues from there.
 */
import * as vscode from 'vscode';
import type * as P from '../../server/protocol';
import type { TrainingView } from '../../webview/protocol';
import type { BackendClient, TrainEvent } from '../backendClient';
import { log } from '../log';
import { resumableAfterBackendLoss } from './resumeRules';
import { progressMessage, viewFromSnapshot } from './trainingView';

export interface ActiveRun {
  started: P.TrainStarted;
  view: TrainingView;
}

export class TrainingController implements vscode.Disposable {
  private active: ActiveRun | undefined;
  private readonly changed = new vscode.EventEmitter<TrainingView>();
  /** Fires on every change of the live run's view (progress, epoch, end). */
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [];
  private finishProgress: (() => void) | undefined;

  constructor(private readonly backend: BackendClient, private readonly onEnded: (end: P.TrainEnd, view: TrainingView) => void) {
    this.disposables.push(
      backend.onTrainEvent((e) => this.onEvent(e)),
      backend.onDidChangeState((s) => { if (s !== 'running') this.onBackendLost(); }),
    );
  }

  /** The run this window started and that is still going, if any. */
  get current(): ActiveRun | undefined {
    return this.active?.view.live ? this.active : undefined;
  }

  /** The view of the live run or of the last run this window followed. */
  get lastView(): TrainingView | undefined {
    return this.active?.view;
  }

  /** Starts (or resumes) a run; shows the progress notification until it ends. */
  async start(params: P.TrainParams): Promise<P.TrainStarted> {
    const started = await this.backend.train(params);
    const snapshot: P.TrainingSnapshot = {
      runId: started.runId, runDir: started.runDir, dataRoot: params.dataRoot ?? params.dataRoots?.[0] ?? '', sources: [], config: started.config,
      backend: { kind: 'cpu', threads: 1, simd: null }, counts: { train: 0, val: 0 }, history: [], progress: null, end: null,
    };
    this.active = { started, view: viewFromSnapshot(snapshot, true) };
    // The backend has the authoritative snapshot (history of a resumed run, backend, dataset root).
    await this.refresh();
    this.showProgress(started);
    return started;
  }

  /** Re-reads the backend's snapshot of the live run (a reloaded window calls this to catch up). */
  async refresh(): Promise<TrainingView | undefined> {
    try {
      const s = await this.backend.trainingState();
      if (!s) return this.active?.view;
      const live = !s.end;
      if (!this.active || this.active.view.runId !== s.runId) {
        this.active = { started: { runId: s.runId, runDir: s.runDir, config: s.config, resumedFromEpoch: null }, view: viewFromSnapshot(s, live) };
        if (live) this.showProgress(this.active.started);
      } else {
        this.active.view = viewFromSnapshot(s, live);
      }
      this.changed.fire(this.active.view);
      return this.active.view;
    } catch (e) {
      log.warn(`Could not read the training state: ${(e as Error).message}`);
      return this.active?.view;
    }
  }

  async cancel(runId?: string): Promise<void> {
    const run = this.current;
    if (!run || (runId && run.started.runId !== runId)) return;
    log.info(`Cancelling training ${run.started.runId}.`);
    await this.backend.cancelTraining(run.started.runId);
  }

  private onEvent(e: TrainEvent): void {
    const run = this.active;
    if (!run) return;
    const v = run.view;
    if (e.kind === 'progress') {
      if (e.progress.runId !== v.runId) return;
      // Loading just ended: the backend's snapshot now has the image counts and the engine; fetch it once.
      if (v.status === 'loading' && e.progress.phase === 'training') void this.refresh();
      v.progress = e.progress;
      v.status = e.progress.phase === 'loading' ? 'loading' : 'training';
    } else if (e.kind === 'epoch') {
      if (e.epoch.runId !== v.runId) return;
      v.history = [...v.history.filter((h) => h.epoch !== e.epoch.stats.epoch), e.epoch.stats];
      v.bestEpoch = e.epoch.bestEpoch;
    } else {
      if (e.end.runId !== v.runId) return;
      v.end = e.end;
      v.evaluation = e.end.evaluation ?? null;
      v.live = false;
      v.status = e.end.outcome;
      v.bestEpoch = e.end.bestEpoch;
      v.resumable = (e.end.outcome === 'cancelled' || e.end.outcome === 'failed') && v.history.length > 0 && v.history.length < v.config.epochs;
      this.finishProgress?.();
      this.onEnded(e.end, v);
    }
    this.changed.fire(v);
  }

  /** The backend stopped while a run was live: nothing more will come from it. */
  private onBackendLost(): void {
    const run = this.current;
    if (!run) return;
    const v = run.view;
    const resumable = resumableAfterBackendLoss(v);
    // The log says it in English (for support); the notification and the panel in the display language.
    const [english, message] = resumable
      ? ['The backend stopped during training. The run folder keeps every finished epoch; Resume continues from the last one.',
        vscode.l10n.t('The backend stopped during training. The run folder keeps every finished epoch; Resume continues from the last one.')]
      : v.history.length
        ? ['The backend stopped after training had ended: the model in the run folder is complete. Run Evaluate Model for its Testing scores.',
          vscode.l10n.t('The backend stopped after training had ended: the model in the run folder is complete. Run Evaluate Model for its Testing scores.')]
        : ['The backend stopped before the first epoch finished: nothing to resume. Start a new run.',
          vscode.l10n.t('The backend stopped before the first epoch finished: nothing to resume. Start a new run.')];
    log.error(`Training ${v.runId}: ${english}`);
    v.end = { runId: v.runId, runDir: v.runDir, outcome: 'failed', message, bestEpoch: v.bestEpoch, bestValAcc: v.history[v.bestEpoch]?.valAcc ?? null, epochsRun: v.history.length, ms: 0 };
    v.live = false;
    v.status = resumable ? 'interrupted' : v.history.length ? 'completed' : 'failed';
    v.resumable = resumable;
    this.finishProgress?.();
    this.onEnded(v.end, v);
    this.changed.fire(v);
  }

  private showProgress(started: P.TrainStarted): void {
    this.finishProgress?.();
    const title = started.resumedFromEpoch !== null
      ? vscode.l10n.t('Training {0} (resumed at epoch {1})', started.config.model, started.resumedFromEpoch + 1)
      : vscode.l10n.t('Training {0}', started.config.model);
    void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) =>
      new Promise<void>((resolve) => {
        let done = false;
        let last = 0;
        const finish = () => { if (!done) { done = true; sub.dispose(); resolve(); } };
        this.finishProgress = finish;
        token.onCancellationRequested(() => void this.cancel(started.runId));
        const sub = this.onDidChange((v) => {
          if (v.runId !== started.runId || !v.progress) return;
          const p = v.progress;
          const frac = p.phase === 'loading' ? 0 : (p.epoch + (p.batches ? p.batch / p.batches : 0)) / p.epochs;
          progress.report({ message: progressMessage(p), increment: Math.max(0, frac * 100 - last) });
          last = Math.max(last, frac * 100);
        });
      }));
  }

  dispose(): void {
    this.finishProgress?.();
    this.changed.dispose();
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }
}
