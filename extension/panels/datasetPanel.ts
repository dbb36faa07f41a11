/** The Dataset panel: counts per split and class, samples, sizes and modes, problems, duplicates and leaks. */
import * as vscode from 'vscode';
import type { ScanReport } from '../../server/protocol';
import type { DatasetViewState, ToDatasetView } from '../../webview/protocol';
import { log } from '../log';
import { parseFromDatasetView, resolveInside } from './datasetMessages';
import { panelHtml, WEBVIEW_DIR } from './webviewHtml';

export const DATASET_VIEW_TYPE = 'brainTumor.dataset';

function options(extensionUri: vscode.Uri, root: string): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  // The dataset folder is a resource root so that sample thumbnails load; nothing else of the disk is.
  return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, ...WEBVIEW_DIR), vscode.Uri.file(root)] };
}

export class DatasetPanel {
  private static current: DatasetPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private disposed = false;

  static show(extensionUri: vscode.Uri, report: ScanReport, rescan: (root: string) => void): DatasetPanel {
    const cur = DatasetPanel.current;
    if (cur && cur.report.root === report.root) {
      cur.report = report;
      cur.panel.reveal();
      cur.post();
      return cur;
    }
    cur?.dispose();
    const panel = vscode.window.createWebviewPanel(DATASET_VIEW_TYPE, title(report), vscode.ViewColumn.Active, options(extensionUri, report.root));
    return new DatasetPanel(panel, extensionUri, report, rescan);
  }

  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, state: unknown, rescan: (root: string) => void): void {
    const report = (state as DatasetViewState | undefined)?.report;
    if (!report || typeof report.root !== 'string') {
      panel.dispose(); // nothing to show: the panel was saved before it had a report
      return;
    }
    DatasetPanel.current?.dispose();
    panel.webview.options = options(extensionUri, report.root);
    new DatasetPanel(panel, extensionUri, report, rescan);
  }

  private constructor(private readonly panel: vscode.WebviewPanel, extensionUri: vscode.Uri, private report: ScanReport,
    private readonly rescan: (root: string) => void) {
    DatasetPanel.current = this;
    panel.iconPath = vscode.Uri.joinPath(extensionUri, ...WEBVIEW_DIR, 'icon.svg');
    panel.webview.html = panelHtml(panel.webview, extensionUri, 'dataset', title(report));
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((m: unknown) => void this.onMessage(m)),
    );
  }

  private post(): void {
    const thumbs: Record<string, string> = {};
    for (const s of this.report.samples) {
      const abs = resolveInside(this.report.root, s.rel);
      if (abs) thumbs[s.rel] = this.panel.webview.asWebviewUri(vscode.Uri.file(abs)).toString();
    }
    const msg: ToDatasetView = { type: 'report', report: this.report, thumbs };
    void this.panel.webview.postMessage(msg);
  }

  private async onMessage(raw: unknown): Promise<void> {
    const m = parseFromDatasetView(raw);
    if (!m) {
      log.warn(`Dataset panel: ignored an unexpected message ${JSON.stringify(raw)?.slice(0, 200)}`);
      return;
    }
    if (m.type === 'ready') return this.post();
    if (m.type === 'rescan') return this.rescan(this.report.root);
    const abs = resolveInside(this.report.root, m.rel);
    if (!abs) {
      log.warn(`Dataset panel: refused to open ${JSON.stringify(m.rel)}, which is outside ${this.report.root}`);
      return;
    }
    try {
      await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(abs), { preview: true, viewColumn: vscode.ViewColumn.Beside });
    } catch (e) {
      void vscode.window.showErrorMessage(`Brain Tumor: cannot open ${m.rel}: ${(e as Error).message}`);
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (DatasetPanel.current === this) DatasetPanel.current = undefined;
    this.panel.dispose();
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }
}

function title(r: ScanReport): string {
  return `Dataset: ${r.root.split(/[\\/]/).filter(Boolean).pop() ?? r.root}`;
}

export function registerDatasetSerializer(extensionUri: vscode.Uri, rescan: (root: string) => void): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(DATASET_VIEW_TYPE, {
    deserializeWebviewPanel: (panel: vscode.WebviewPanel, state: unknown) => {
      DatasetPanel.revive(panel, extensionUri, state, rescan);
      return Promise.resolve();
    },
  });
}
