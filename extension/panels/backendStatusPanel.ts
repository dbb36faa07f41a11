/** The Backend Status panel: which engine runs and why, versions, uptime; restart and logs at hand. */
import * as vscode from 'vscode';
import type { FromStatusView, ToStatusView } from '../../webview/protocol';
import type { BackendClient } from '../backendClient';
import { log } from '../log';
import { PanelHost, registerPanelSerializer, type PanelKind } from './panelHost';
import { parseFromStatusView } from './statusMessages';

export const STATUS_VIEW_TYPE = 'brainTumor.backendStatus';
const title = () => vscode.l10n.t('Brain Tumor: Backend Status');
const KIND: PanelKind = { viewType: STATUS_VIEW_TYPE, script: 'backendStatus', name: 'Backend Status' };

/** What the panel reads of the backend: only its state and status, so the panel cannot drive the client. */
export type BackendStatusSource = Pick<BackendClient, 'state' | 'failureReason' | 'status' | 'onDidChangeState'>;

export class BackendStatusPanel extends PanelHost<FromStatusView, ToStatusView> {
  /** Opens the panel, or reveals the open one and asks the backend again. */
  static show(extensionUri: vscode.Uri, backend: BackendStatusSource): BackendStatusPanel {
    const cur = PanelHost.opened(KIND);
    if (cur instanceof BackendStatusPanel) {
      cur.reveal();
      void cur.refresh();
      return cur;
    }
    return new BackendStatusPanel(PanelHost.createPanel(KIND, extensionUri, { title: title() }), extensionUri, backend);
  }

  /** For the serializer: a panel VS Code restores after a window reload (the page asks for the status when ready). */
  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, backend: BackendStatusSource): BackendStatusPanel {
    PanelHost.adoptPanel(KIND, panel, extensionUri);
    return new BackendStatusPanel(panel, extensionUri, backend);
  }

  private constructor(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, private readonly backend: BackendStatusSource) {
    super(panel, extensionUri, KIND, { title: title() });
    this.track(backend.onDidChangeState(() => void this.refresh()));
  }

  protected override parse(raw: unknown): FromStatusView | undefined {
    return parseFromStatusView(raw);
  }

  protected override handle(m: FromStatusView): Promise<void> | void {
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

  /** The backend's state, and its status when it answers (a failed backend shows why it failed instead). */
  async refresh(): Promise<void> {
    const msg: ToStatusView = { type: 'status', state: this.backend.state, status: null, error: null };
    // 'stopped' too: asking for the status is a first use, which starts a backend that has not started yet.
    if (this.backend.state === 'running' || this.backend.state === 'starting' || this.backend.state === 'stopped') {
      try {
        msg.status = await this.backend.status();
        msg.state = this.backend.state;
      } catch (e) {
        msg.error = (e as Error).message;
      }
    } else if (this.backend.state === 'failed') {
      msg.error = this.backend.failureReason ?? vscode.l10n.t('The backend is down.');
    }
    this.post(msg);
  }
}

export function registerBackendStatusSerializer(extensionUri: vscode.Uri, backend: BackendStatusSource): vscode.Disposable {
  return registerPanelSerializer(KIND, (panel) => void BackendStatusPanel.revive(panel, extensionUri, backend));
}
