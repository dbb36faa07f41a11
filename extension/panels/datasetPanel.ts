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

/** What the panel needs from the rest of the extension. */
export interface DatasetActions {
  /** Scan again with the progress UI (the Rescan button). */
  rescan(root: string): void;
  /** Scan quietly (from the cache, normally) to restore a panel whose saved state was lost. */
  load(root: string): Promise<ScanReport | undefined>;
  /** Remember the root of the panel last shown, for that restore. */
  remember(root: string): void;
  lastRoot(): string | undefined;
}

export class DatasetPanel {
  private static current: DatasetPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private disposed = false;

  static show(extensionUri: vscode.Uri, report: ScanReport, actions: DatasetActions): DatasetPanel {
    actions.remember(report.root);
    const cur = DatasetPanel.current;
    if (cur && cur.root === report.root) {
      cur.update(report);
      cur.panel.reveal();
      return cur;
    }
    cur?.dispose();
    const panel = vscode.window.createWebviewPanel(DATASET_VIEW_TYPE, title(report.root), vscode.ViewColumn.Active, options(extensionUri, report.root));
    return new DatasetPanel(panel, extensionUri, report.root, report, actions);
  }

  /**
   * A panel VS Code restores after a reload. Its report comes from the webview's saved state; when the window
   * went away before that state was saved, the dataset is scanned again (from the cache, so quickly).
   */
  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, state: unknown, actions: DatasetActions): void {
    const saved = (state as DatasetViewState | undefined)?.report ?? undefined;
    const root = saved && typeof saved.root === 'string' ? saved.root : actions.lastRoot();
    log.info(`Restoring the Dataset panel for ${root ?? 'no dataset'} (${saved ? 'saved report' : 'scanning again'}).`);
    if (!root) {
      panel.dispose(); // nothing to show: the panel was saved before it had a dataset
      return;
    }
    DatasetPanel.current?.dispose();
    panel.webview.options = options(extensionUri, root);
    const p = new DatasetPanel(panel, extensionUri, root, saved, actions);
    if (!saved) {
      void actions.load(root).then((r) => { if (r) p.update(r); else p.dispose(); });
    }
  }

  private constructor(private readonly panel: vscode.WebviewPanel, extensionUri: vscode.Uri, private readonly root: string,
    private report: ScanReport | undefined, private readonly actions: DatasetActions) {
    DatasetPanel.current = this;
    panel.title = title(root);
    panel.iconPath = vscode.Uri.joinPath(extensionUri, ...WEBVIEW_DIR, 'icon.svg');
    panel.webview.html = panelHtml(panel.webview, extensionUri, 'dataset', title(root));
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((m: unknown) => void this.onMessage(m)),
    );
  }

  private update(report: ScanReport): void {
    this.report = report;
    this.post();
  }

  private post(): void {
    const report = this.report;
    if (!report || this.disposed) return;
    const thumbs: Record<string, string> = {};
    for (const s of report.samples) {
      const abs = resolveInside(report.root, s.rel);
      if (abs) thumbs[s.rel] = this.panel.webview.asWebviewUri(vscode.Uri.file(abs)).toString();
    }
    const msg: ToDatasetView = { type: 'report', report, thumbs };
    void this.panel.webview.postMessage(msg);
  }

  private async onMessage(raw: unknown): Promise<void> {
    const m = parseFromDatasetView(raw);
    if (!m) {
      log.warn(`Dataset panel: ignored an unexpected message ${JSON.stringify(raw)?.slice(0, 200)}`);
      return;
    }
    if (m.type === 'ready') return this.post();
    if (m.type === 'rescan') return this.actions.rescan(this.root);
    const abs = resolveInside(this.root, m.rel);
    if (!abs) {
      log.warn(`Dataset panel: refused to open ${JSON.stringify(m.rel)}, which is outside ${this.root}`);
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

function title(root: string): string {
  return `Dataset: ${root.split(/[\\/]/).filter(Boolean).pop() ?? root}`;
}

export function registerDatasetSerializer(extensionUri: vscode.Uri, actions: DatasetActions): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(DATASET_VIEW_TYPE, {
    deserializeWebviewPanel: (panel: vscode.WebviewPanel, state: unknown) => {
      DatasetPanel.revive(panel, extensionUri, state, actions);
      return Promise.resolve();
    },
  });
}
