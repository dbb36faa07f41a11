/** The Dataset panel: counts per split and class, samples, sizes and modes, problems, duplicates and leaks. */
import * as vscode from 'vscode';
import type { ScanReport } from '../../server/protocol';
import type { DatasetViewState, FromDatasetView, ToDatasetView } from '../../webview/protocol';
import { log } from '../log';
import { parseFromDatasetView } from './datasetMessages';
import { PanelHost, registerPanelSerializer, type PanelKind, type PanelPage } from './panelHost';

export const DATASET_VIEW_TYPE = 'brainTumor.dataset';
const KIND: PanelKind = { viewType: DATASET_VIEW_TYPE, script: 'dataset', name: 'Dataset' };

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

/** The dataset folder is a resource root so that sample thumbnails load; nothing else of the disk is. */
function page(root: string): PanelPage {
  return { title: vscode.l10n.t('Dataset: {0}', root.split(/[\\/]/).filter(Boolean).pop() ?? root), roots: [root] };
}

export class DatasetPanel extends PanelHost<FromDatasetView, ToDatasetView> {
  static show(extensionUri: vscode.Uri, report: ScanReport, actions: DatasetActions): DatasetPanel {
    actions.remember(report.root);
    const cur = PanelHost.opened(KIND);
    if (cur instanceof DatasetPanel && cur.root === report.root) {
      cur.update(report);
      cur.reveal();
      return cur;
    }
    // Another dataset needs another resource root: a fresh panel rather than options changed under a live page.
    const panel = PanelHost.createPanel(KIND, extensionUri, page(report.root));
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
    PanelHost.adoptPanel(KIND, panel, extensionUri, [root]);
    const p = new DatasetPanel(panel, extensionUri, root, saved, actions);
    if (!saved) {
      void actions.load(root).then((r) => { if (r) p.update(r); else p.dispose(); });
    }
  }

  private constructor(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, private readonly root: string,
    private report: ScanReport | undefined, private readonly actions: DatasetActions) {
    super(panel, extensionUri, KIND, page(root));
  }

  private update(report: ScanReport): void {
    this.report = report;
    this.send();
  }

  private send(): void {
    const report = this.report;
    if (!report || this.disposed) return;
    this.post({ type: 'report', report, thumbs: this.thumbsInside(report.root, report.samples.map((s) => s.rel)) });
  }

  protected override parse(raw: unknown): FromDatasetView | undefined {
    return parseFromDatasetView(raw);
  }

  protected override handle(m: FromDatasetView): Promise<void> | void {
    switch (m.type) {
      case 'ready': return this.send();
      case 'rescan': return this.actions.rescan(this.root);
      case 'open': return this.openInside(this.root, m.rel);
    }
  }
}

export function registerDatasetSerializer(extensionUri: vscode.Uri, actions: DatasetActions): vscode.Disposable {
  return registerPanelSerializer(KIND, (panel, state) => DatasetPanel.revive(panel, extensionUri, state, actions));
}
