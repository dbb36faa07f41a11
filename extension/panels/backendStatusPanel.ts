/** The Backend Status panel: which engine runs and why, versions, uptime; restart and logs at hand. */
import * as vscode from 'vscode';
import type { ToStatusView } from '../../webview/protocol';
import type { BackendClient } from '../backendClient';
import { log } from '../log';
import { parseFromStatusView } from './statusMessages';
import { panelHtml, webviewOptions } from './webviewHtml';

export const STATUS_VIEW_TYPE = 'brainTumor.backendStatus';
const TITLE = 'Brain Tumor: Backend Status';

export class BackendStatusPanel implements vscode.Disposable {
  private static current: BackendStatusPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  static createOrShow(extensionUri: vscode.Uri, backend: BackendClient): BackendStatusPanel {
    if (BackendStatusPanel.current) {
      BackendStatusPanel.current.panel.reveal();
      void BackendStatusPanel.current.refresh();
      return BackendStatusPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(STATUS_VIEW_TYPE, TITLE, vscode.ViewColumn.Active, webviewOptions(extensionUri));
    return new BackendStatusPanel(panel, extensionUri, backend);
  }

  /** For the serializer: a panel VS Code restores after a window reload. */
  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, backend: BackendClient): BackendStatusPanel {
    BackendStatusPanel.current?.dispose();
    panel.webview.options = webviewOptions(extensionUri);
    return new BackendStatusPanel(panel, extensionUri, backend);
  }

  private constructor(private readonly panel: vscode.WebviewPanel, extensionUri: vscode.Uri, private readonly backend: BackendClient) {
    BackendStatusPanel.current = this;
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'dist', 'webview', 'icon.svg');
    panel.webview.html = panelHtml(panel.webview, extensionUri, 'backendStatus', TITLE);
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((m: unknown) => void this.onMessage(m)),
      backend.onDidChangeState(() => void this.refresh()),
    );
  }

  private async onMessage(raw: unknown): Promise<void> {
    const m = parseFromStatusView(raw);
    if (!m) {
      log.warn(`Backend Status panel: ignored an unexpected message ${JSON.stringify(raw)?.slice(0, 200)}`);
      return;
    }
    switch (m.type) {
      case 'ready':
      case 'refresh':
        return this.refresh();
      case 'restart':
        return void vscode.commands.executeCommand('brainTumor.restartBackend');
      case 'openLogs':
        return log.show();
    }
  }

  async refresh(): Promise<void> {
    const msg: ToStatusView = { type: 'status', state: this.backend.state, status: null, error: null };
    if (this.backend.state === 'running' || this.backend.state === 'starting') {
      try {
        msg.status = await this.backend.status();
        msg.state = this.backend.state;
      } catch (e) {
        msg.error = (e as Error).message;
      }
    } else if (this.backend.state === 'failed') {
      msg.error = this.backend.failureReason ?? 'The backend is down.';
    }
    if (BackendStatusPanel.current === this) void this.panel.webview.postMessage(msg);
  }

  private disposed = false;

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (BackendStatusPanel.current === this) BackendStatusPanel.current = undefined;
    this.panel.dispose();
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }
}

export function registerBackendStatusSerializer(extensionUri: vscode.Uri, backend: BackendClient): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(STATUS_VIEW_TYPE, {
    deserializeWebviewPanel: (panel: vscode.WebviewPanel) => {
      BackendStatusPanel.revive(panel, extensionUri, backend);
      return Promise.resolve();
    },
  });
}
