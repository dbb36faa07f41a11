/** The status bar item: which engine the backend runs on, or why it does not run. Click: Backend Status. */
import * as vscode from 'vscode';
import type { StatusResult } from '../server/protocol';
import type { BackendClient } from './backendClient';
import { describeBackend } from './statusText';
import { log } from './log';

export function createStatusBar(backend: BackendClient): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('brainTumor.backend', vscode.StatusBarAlignment.Right, 100);
  item.name = vscode.l10n.t('Brain Tumor Backend');
  item.command = 'brainTumor.showBackendStatus';
  let generation = 0;
  const render = (status?: StatusResult) => {
    const d = describeBackend(backend.state, status, backend.failureReason);
    item.text = d.text;
    item.tooltip = d.tooltip;
    item.backgroundColor = d.warn ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
  };
  const refresh = async () => {
    const mine = ++generation;
    render();
    if (backend.state !== 'running') return;
    try {
      const s = await backend.status();
      if (mine === generation) render(s);
    } catch (e) {
      log.warn(`Status bar: ${(e as Error).message}`);
    }
  };
  const sub = backend.onDidChangeState(() => void refresh());
  void refresh();
  item.show();
  return vscode.Disposable.from(item, sub);
}
