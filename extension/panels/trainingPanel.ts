/**
 * The Training panel: live curves of a running run, or the history of a finished one read from its folder.
 * The data always comes from the backend (live snapshot or run folder), so a window reload mid-run shows the
 * whole run again, not only what the webview had kept.
 */
import * as vscode from 'vscode';
import type { FromTrainingView, ToTrainingView, TrainingView, TrainingViewState } from '../../webview/protocol';
import { log } from '../log';
import { PanelHost, registerPanelSerializer, type PanelKind } from './panelHost';
import { parseFromTrainingView } from './trainingMessages';
import { saveChartImage } from './saveChartImage';

export const TRAINING_VIEW_TYPE = 'brainTumor.training';
const title = () => vscode.l10n.t({ message: 'Training', comment: 'The Training panel\'s title.' });
// A run that starts on its own (resumed after a reload) shows the panel: it must not take the focus from the editor.
const KIND: PanelKind = { viewType: TRAINING_VIEW_TYPE, script: 'training', name: 'Training', preserveFocus: true };

/** What the panel needs from the rest of the extension (training/trainCommands.ts wires these to the controller). */
export interface TrainingActions {
  /** The live run's view as the backend has it now, or the last run this window followed; undefined when none. */
  live(): Promise<TrainingView | undefined>;
  /** A run's view from its folder, read by the backend. */
  readRun(runDir: string): Promise<TrainingView>;
  /** Fires on every change of the live run's view (progress, epoch, end). */
  onDidChange: vscode.Event<TrainingView>;
  /** The Cancel button: stops the live run when it is `runId`. */
  cancel(runId: string): Promise<void>;
  /** The Resume button. */
  resume(runDir: string): void;
}

export class TrainingPanel extends PanelHost<FromTrainingView, ToTrainingView> {
  private view: TrainingView | null = null;
  private error: string | null = null;

  /** Shows `runDir` (or the live run when omitted) in the one Training panel. */
  static show(extensionUri: vscode.Uri, actions: TrainingActions, runDir?: string): TrainingPanel {
    const cur = PanelHost.opened(KIND);
    let p: TrainingPanel;
    if (cur instanceof TrainingPanel) {
      p = cur;
      p.reveal();
    } else {
      p = new TrainingPanel(PanelHost.createPanel(KIND, extensionUri, { title: title() }), extensionUri, title(), actions);
    }
    void p.load(runDir);
    return p;
  }

  /** A panel VS Code restores after a reload: its run comes from the backend again, the saved state only names it. */
  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, actions: TrainingActions, state: unknown): void {
    const saved = state as TrainingViewState | undefined;
    const runDir = typeof saved?.runDir === 'string' ? saved.runDir : undefined;
    log.info(`Restoring the Training panel${runDir ? ` for ${runDir}` : ''}.`);
    PanelHost.adoptPanel(KIND, panel, extensionUri);
    // The restored tab keeps its title ("Training: <run>") until the run is loaded.
    const p = new TrainingPanel(panel, extensionUri, panel.title, actions);
    void p.load(runDir);
  }

  private constructor(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, title: string, private readonly actions: TrainingActions) {
    super(panel, extensionUri, KIND, { title });
    this.track(actions.onDidChange((v) => {
      if (!this.view || this.view.runId === v.runId || v.live) this.setView(v);
    }));
  }

  /** The live run when it is the one asked for (or none was asked for); else the run folder, read by the backend. */
  private async load(runDir?: string): Promise<void> {
    try {
      const live = await this.actions.live();
      if (live && (!runDir || live.runDir === runDir)) return this.setView(live);
      if (!runDir) return this.setView(null, vscode.l10n.t('No training run yet. Run "Brain Tumor: Train Model" to start one.'));
      this.setView(await this.actions.readRun(runDir));
    } catch (e) {
      this.setView(this.view, vscode.l10n.t('Cannot show the run: {0}', (e as Error).message));
    }
  }

  private setView(view: TrainingView | null, error: string | null = null): void {
    this.view = view;
    this.error = error;
    this.panel.title = view ? vscode.l10n.t({ message: 'Training: {0}', args: [view.runId], comment: 'The Training panel\'s title with the run it shows.' }) : title();
    this.send();
  }

  private send(): void {
    this.post({ type: 'view', view: this.view, error: this.error });
  }

  protected override parse(raw: unknown): FromTrainingView | undefined {
    return parseFromTrainingView(raw);
  }

  protected override async handle(m: FromTrainingView): Promise<void> {
    // Actions only ever apply to the run the panel shows: a message naming another run is refused.
    const v = this.view;
    switch (m.type) {
      case 'ready': return this.send();
      case 'exportChart':
        await saveChartImage(m, v?.runDir);
        return;
      case 'cancel':
        if (v?.runId === m.runId) await this.actions.cancel(m.runId);
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
}

export function registerTrainingSerializer(extensionUri: vscode.Uri, actions: TrainingActions): vscode.Disposable {
  return registerPanelSerializer(KIND, (panel, state) => TrainingPanel.revive(panel, extensionUri, actions, state));
}
