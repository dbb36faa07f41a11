/**
 * The Metrics panel: one evaluation report (official and deduplicated Testing splits), its confusion matrices,
 * ROC curves, reliability diagram and galleries of mistakes; optionally beside a second report to compare with.
 * The report travels in the webview's saved state, so a window reload restores the panel without the backend.
 */
import * as vscode from 'vscode';
import type { EpochStats, EvaluationReport } from '../../server/protocol';
import type { RenderedExternalRow, ToMetricsView } from '../../webview/protocol';
import { log } from '../log';
import { resolveInside } from './datasetMessages';
import { galleryPaths, parseFromMetricsView, parseMetricsViewState } from './metricsMessages';
import { panelHtml, WEBVIEW_DIR } from './webviewHtml';

export const METRICS_VIEW_TYPE = 'brainTumor.metrics';

/** What the panel needs from the rest of the extension (commands wire these). */
export interface MetricsActions {
  /** The Export Report button: write the report (HTML and/or JSON) where the user chooses. */
  exportReport(report: EvaluationReport): void;
  /** The Compare With... button: let the user pick another report; undefined when they cancel. */
  pickCompare(report: EvaluationReport): Promise<EvaluationReport | undefined>;
  /** The training history of the report's run (for the panel's context), or null when it cannot be read. Optional. */
  history?(report: EvaluationReport): Promise<EpochStats[] | null>;
}

/** What the page drew of its report: the run, and each external set's row as shown. */
export interface MetricsRendered {
  runId: string | null;
  external: RenderedExternalRow[];
}

function options(extensionUri: vscode.Uri, dataRoot: string): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  // The dataset folder is a resource root so that the gallery thumbnails load; nothing else of the disk is.
  return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, ...WEBVIEW_DIR), vscode.Uri.file(dataRoot)] };
}

function title(report: EvaluationReport): string {
  return `Metrics: ${report.runId ?? report.model.name}`;
}

export class MetricsPanel {
  private static current: MetricsPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private disposed = false;
  private history: EpochStats[] | null = null;
  private rendered: MetricsRendered | null = null;

  /** Shows `report` (and `compare` beside it, when given) in the one Metrics panel, creating or revealing it. */
  static show(extensionUri: vscode.Uri, report: EvaluationReport, actions: MetricsActions, compare?: EvaluationReport): MetricsPanel {
    const cur = MetricsPanel.current;
    if (cur && cur.report.dataRoot === report.dataRoot) {
      cur.actions = actions;
      cur.setReport(report, compare ?? null, null);
      cur.panel.reveal();
      return cur;
    }
    // Another dataset needs another resource root: a fresh panel rather than options changed under a live page.
    cur?.dispose();
    const panel = vscode.window.createWebviewPanel(METRICS_VIEW_TYPE, title(report), vscode.ViewColumn.Active, options(extensionUri, report.dataRoot));
    const p = new MetricsPanel(panel, extensionUri, report, compare ?? null, null, actions);
    void p.loadHistory();
    return p;
  }

  /** A panel VS Code restores after a reload: everything comes from the webview's saved state. */
  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, state: unknown, actions: MetricsActions): void {
    const saved = parseMetricsViewState(state);
    if (!saved?.report) {
      log.info('Metrics panel: no saved report to restore; closing it.');
      panel.dispose();
      return;
    }
    log.info(`Restoring the Metrics panel for ${saved.report.modelDir}.`);
    MetricsPanel.current?.dispose();
    panel.webview.options = options(extensionUri, saved.report.dataRoot);
    const p = new MetricsPanel(panel, extensionUri, saved.report, saved.compare, saved.history, actions);
    if (!saved.history) void p.loadHistory();
  }

  private constructor(private readonly panel: vscode.WebviewPanel, extensionUri: vscode.Uri, private report: EvaluationReport,
    private compare: EvaluationReport | null, history: EpochStats[] | null, private actions: MetricsActions) {
    MetricsPanel.current = this;
    this.history = history;
    panel.title = title(report);
    panel.iconPath = vscode.Uri.joinPath(extensionUri, ...WEBVIEW_DIR, 'icon.svg');
    panel.webview.html = panelHtml(panel.webview, extensionUri, 'metrics', title(report));
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((m: unknown) => void this.onMessage(m)),
    );
  }

  /** The open Metrics panel, if any (for commands that act on the report it shows). */
  static get active(): MetricsPanel | undefined {
    return MetricsPanel.current;
  }

  /** The report on screen (for commands such as export). */
  get shown(): EvaluationReport {
    return this.report;
  }

  /** What the page last said it drew (null until it has drawn this report): the extension's API passes it to tests. */
  get drawn(): MetricsRendered | null {
    return this.rendered;
  }

  private setReport(report: EvaluationReport, compare: EvaluationReport | null, history: EpochStats[] | null): void {
    const sameRun = report.modelDir === this.report.modelDir;
    this.report = report;
    this.compare = compare;
    this.rendered = null;
    this.history = history ?? (sameRun ? this.history : null);
    this.panel.title = title(report);
    this.post();
    if (!this.history) void this.loadHistory();
  }

  private async loadHistory(): Promise<void> {
    if (!this.actions.history) return;
    const report = this.report;
    try {
      const h = await this.actions.history(report);
      if (this.disposed || report !== this.report || !h) return;
      this.history = h;
      this.post();
    } catch (e) {
      log.warn(`Metrics panel: no training history for ${report.modelDir}: ${(e as Error).message}`);
    }
  }

  private post(): void {
    if (this.disposed) return;
    const thumbs: Record<string, string> = {};
    for (const rel of galleryPaths(this.report)) {
      const abs = resolveInside(this.report.dataRoot, rel);
      if (abs) thumbs[rel] = this.panel.webview.asWebviewUri(vscode.Uri.file(abs)).toString();
    }
    const msg: ToMetricsView = { type: 'report', report: this.report, thumbs, compare: this.compare, history: this.history };
    void this.panel.webview.postMessage(msg);
  }

  private async onMessage(raw: unknown): Promise<void> {
    const m = parseFromMetricsView(raw);
    if (!m) {
      log.warn(`Metrics panel: ignored an unexpected message ${JSON.stringify(raw)?.slice(0, 200)}`);
      return;
    }
    switch (m.type) {
      case 'ready': return this.post();
      case 'rendered':
        this.rendered = { runId: m.runId, external: m.external };
        return;
      case 'export': return this.actions.exportReport(this.report);
      case 'clearCompare':
        this.compare = null;
        return this.post();
      case 'compare': {
        const report = this.report;
        try {
          const other = await this.actions.pickCompare(report);
          if (!other || this.disposed || report !== this.report) return;
          this.compare = other;
          this.post();
        } catch (e) {
          void vscode.window.showErrorMessage(`Brain Tumor: cannot compare: ${(e as Error).message}`);
        }
        return;
      }
      case 'open': {
        const abs = resolveInside(this.report.dataRoot, m.rel);
        if (!abs) {
          log.warn(`Metrics panel: refused to open ${JSON.stringify(m.rel)}, which is outside ${this.report.dataRoot}`);
          return;
        }
        try {
          await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(abs), { preview: true, viewColumn: vscode.ViewColumn.Beside });
        } catch (e) {
          void vscode.window.showErrorMessage(`Brain Tumor: cannot open ${m.rel}: ${(e as Error).message}`);
        }
        return;
      }
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (MetricsPanel.current === this) MetricsPanel.current = undefined;
    this.panel.dispose();
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }
}

/** Restores Metrics panels after a window reload (register once, at activation). */
export function registerMetricsSerializer(extensionUri: vscode.Uri, actions: MetricsActions): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(METRICS_VIEW_TYPE, {
    deserializeWebviewPanel: (panel: vscode.WebviewPanel, state: unknown) => {
      MetricsPanel.revive(panel, extensionUri, state, actions);
      return Promise.resolve();
    },
  });
}
