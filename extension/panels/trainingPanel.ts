/**
 * The Training panel: live curves of a running run, or the history of a finished one read from its folder.
 * The data always comes from the backend (live snapshot or run folder), so a window reload mid-run shows the
 * whole run again, not only what the webview had kept.
 */
import * as vscode from 'vscode';
import type { ToTrainingView, TrainingView, TrainingViewState } from '../../webview/protocol';
import type { BackendClient } from '../backendClient';
import { log } from '../log';
import type { TrainingController } from '../training/trainingController';
import { viewFromSummary } from '../training/trainingView';
import { parseFromTrainingView } from './trainingMessages';
import { panelHtml, webviewOptions, WEBVIEW_DIR } from './webviewHtml';

export const TRAINING_VIEW_TYPE = 'brainTumor.training';

export interface TrainingPanelActions {
  resume(runDir: string): void;
}

export class TrainingPanel {
  private static current: TrainingPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private disposed = false;
  private view: TrainingView | null = null;
  private error: string | null = null;

  /** Shows `runDir` (or the live run when omitted) in the one Training panel. */
  static show(extensionUri: vscode.Uri, backend: BackendClient, controller: TrainingController, actions: TrainingPanelActions, runDir?: string): TrainingPanel {
    let p = TrainingPanel.current;
    if (!p) {
      const panel = vscode.window.createWebviewPanel(TRAINING_VIEW_TYPE, 'Training', vscode.ViewColumn.Active, webviewOptions(extensionUri));
      p = new TrainingPanel(panel, extensionUri, backend, controller, actions);
    } else {
      p.panel.reveal(undefined, true);
    }
    void p.load(runDir);
    return p;
  }

  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, backend: BackendClient, controller: TrainingController,
    actions: TrainingPanelActions, state: unknown): void {
    TrainingPanel.current?.dispose();
    const saved = state as TrainingViewState | undefined;
    const runDir = typeof saved?.runDir === 'string' ? saved.runDir : undefined;
    log.info(`Restoring the Training panel${runDir ? ` for ${runDir}` : ''}.`);
    panel.webview.options = webviewOptions(extensionUri);
    const p = new TrainingPanel(panel, extensionUri, backend, controller, actions);
    void p.load(runDir);
  }

  private constructor(private readonly panel: vscode.WebviewPanel, extensionUri: vscode.Uri, private readonly backend: BackendClient,
    private readonly controller: TrainingController, private readonly actions: TrainingPanelActions) {
    TrainingPanel.current = this;
    panel.iconPath = vscode.Uri.joinPath(extensionUri, ...WEBVIEW_DIR, 'icon.svg');
    panel.webview.html = panelHtml(panel.webview, extensionUri, 'training', 'Training');
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((m: unknown) => void this.onMessage(m)),
      controller.onDidChange((v) => {
        if (!this.view || this.view.runId === v.runId || v.live) this.setView(v);
      }),
    );
  }

  /** The live run when it is the one asked for (or none was asked for); else the run folder, read by the backend. */
  private async load(runDir?: string): Promise<void> {
    try {
      const live = await this.controller.refresh();
      if (live && (!runDir || live.runDir === runDir)) return this.setView(live);
      if (!runDir) return this.setView(null, 'No training run yet. Run "Brain Tumor: Train Model" to start one.');
      this.setView(viewFromSummary(await this.backend.readRun(runDir)));
    } catch (e) {
      this.setView(this.view, `Cannot show the run: ${(e as Error).message}`);
    }
  }

  private setView(view: TrainingView | null, error: string | null = null): void {
    this.view = view;
    this.error = error;
    this.panel.title = view ? `Training: ${view.runId}` : 'Training';
    this.post();
  }

  private post(): void {
    if (this.disposed) return;
    const msg: ToTrainingView = { type: 'view', view: this.view, error: this.error };
    void this.panel.webview.postMessage(msg);
  }

  private async onMessage(raw: unknown): Promise<void> {
    const m = parseFromTrainingView(raw);
    if (!m) {
      log.warn(`Training panel: ignored an unexpected message ${JSON.stringify(raw)?.slice(0, 200)}`);
      return;
    }
    // Actions only ever apply to the run the panel shows: a message naming another run is refused.
    const v = this.view;
    switch (m.type) {
      case 'ready': return this.post();
      case 'cancel':
        if (v?.runId === m.runId) await this.controller.cancel(m.runId);
        return;
      case 'resume':
        if (v?.runDir === m.runDir && v.resumable) this.actions.resume(m.runDir);
        return;
      case 'openFolder':
        if (v?.runDir === m.runDir) await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(m.runDir));
        return;
      case 'showMetrics':
        if (v?.runDir === m.runDir) await vscode.commands.executeCommand('brainTumor.showMetrics', m.runDir);
        return;
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (TrainingPanel.current === this) TrainingPanel.current = undefined;
    this.panel.dispose();
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }
}

export function registerTrainingSerializer(extensionUri: vscode.Uri, backend: BackendClient, controller: TrainingController, actions: TrainingPanelActions): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(TRAINING_VIEW_TYPE, {
    deserializeWebviewPanel: (panel, state: unknown) => {
      TrainingPanel.revive(panel, extensionUri, backend, controller, actions, state);
      return Promise.resolve();
    },
  });
}
