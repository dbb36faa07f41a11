/**
 * The Metrics panel: one evaluation report (official and deduplicated Testing splits), its confusion matrices,
 * ROC curves, reliability diagram and galleries of mistakes; optionally beside a second report to compare with.
 * The report travels in the webview's saved state, so a window reload restores the panel without the backend.
 */
import * as vscode from 'vscode';
import type { EpochStats, EvaluationReport } from '../../server/protocol';
import type { FromMetricsView, RenderedExternalRow, ToMetricsView } from '../../webview/protocol';
import { log } from '../log';
import { galleryPaths, parseFromMetricsView, parseMetricsViewState } from './metricsMessages';
import { PanelHost, registerPanelSerializer, type PanelKind, type PanelPage } from './panelHost';
import { saveChartImage } from './saveChartImage';

export const METRICS_VIEW_TYPE = 'brainTumor.metrics';
const KIND: PanelKind = { viewType: METRICS_VIEW_TYPE, script: 'metrics', name: 'Metrics' };

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

function title(report: EvaluationReport): string {
  return vscode.l10n.t('Metrics: {0}', report.runId ?? report.model.name);
}

/** The dataset folder is a resource root so that the gallery thumbnails load; nothing else of the disk is. */
function page(report: EvaluationReport): PanelPage {
  return { title: title(report), roots: [report.dataRoot] };
}

export class MetricsPanel extends PanelHost<FromMetricsView, ToMetricsView> {
  private rendered: MetricsRendered | null = null;

  /** Shows `report` (and `compare` beside it, when given) in the one Metrics panel, creating or revealing it. */
  static show(extensionUri: vscode.Uri, report: EvaluationReport, actions: MetricsActions, compare?: EvaluationReport): MetricsPanel {
    const cur = MetricsPanel.active;
    if (cur && cur.report.dataRoot === report.dataRoot) {
      cur.actions = actions;
      cur.setReport(report, compare ?? null, null);
      cur.reveal();
      return cur;
    }
    // Another dataset needs another resource root: a fresh panel rather than options changed under a live page.
    const panel = PanelHost.createPanel(KIND, extensionUri, page(report));
    const p = new MetricsPanel(panel, extensionUri, report, compare ?? null, null, actions);
    void p.loadHistory();
    return p;
  }

  /** A panel VS Code restores after a reload: everything comes from the webview's saved state. */
  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, state: unknown, actions: MetricsActions): void {
    const saved = parseMetricsViewState(state);
    if (!saved?.report) return PanelHost.closeUnrestorable(KIND, panel, 'report');
    log.info(`Restoring the Metrics panel for ${saved.report.modelDir}.`);
    PanelHost.adoptPanel(KIND, panel, extensionUri, [saved.report.dataRoot]);
    const p = new MetricsPanel(panel, extensionUri, saved.report, saved.compare, saved.history, actions);
    if (!saved.history) void p.loadHistory();
  }

  private constructor(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, private report: EvaluationReport,
    private compare: EvaluationReport | null, private history: EpochStats[] | null, private actions: MetricsActions) {
    super(panel, extensionUri, KIND, page(report));
  }

  /** The open Metrics panel, if any (for commands that act on the report it shows). */
  static get active(): MetricsPanel | undefined {
    const cur = PanelHost.opened(KIND);
    return cur instanceof MetricsPanel ? cur : undefined;
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
    this.send();
    if (!this.history) void this.loadHistory();
  }

  private async loadHistory(): Promise<void> {
    if (!this.actions.history) return;
    const report = this.report;
    try {
      const h = await this.actions.history(report);
      if (this.disposed || report !== this.report || !h) return;
      this.history = h;
      this.send();
    } catch (e) {
      log.warn(`Metrics panel: no training history for ${report.modelDir}: ${(e as Error).message}`);
    }
  }

  private send(): void {
    if (this.disposed) return;
    const thumbs = this.thumbsInside(this.report.dataRoot, galleryPaths(this.report));
    this.post({ type: 'report', report: this.report, thumbs, compare: this.compare, history: this.history });
  }

  protected override parse(raw: unknown): FromMetricsView | undefined {
    return parseFromMetricsView(raw);
  }

  protected override async handle(m: FromMetricsView): Promise<void> {
    switch (m.type) {
      case 'ready': return this.send();
      case 'rendered':
        this.rendered = { runId: m.runId, external: m.external };
        return;
      case 'export': return this.actions.exportReport(this.report);
      case 'exportChart':
        await saveChartImage(m, this.report.runId ? this.report.modelDir : undefined);
        return;
      case 'clearCompare':
        this.compare = null;
        return this.send();
      case 'compare': {
        const report = this.report;
        try {
          const other = await this.actions.pickCompare(report);
          if (!other || this.disposed || report !== this.report) return;
          this.compare = other;
          this.send();
        } catch (e) {
          void vscode.window.showErrorMessage(vscode.l10n.t('Brain Tumor: cannot compare: {0}', (e as Error).message));
        }
        return;
      }
      case 'open': return this.openInside(this.report.dataRoot, m.rel);
    }
  }
}

/** Restores Metrics panels after a window reload (register once, at activation). */
export function registerMetricsSerializer(extensionUri: vscode.Uri, actions: MetricsActions): vscode.Disposable {
  return registerPanelSerializer(KIND, (panel, state) => MetricsPanel.revive(panel, extensionUri, state, actions));
}
