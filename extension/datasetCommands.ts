/** Show Dataset: pick (or get from the Explorer) a folder, scan it in the backend with progress, show the panel. */
import * as vscode from 'vscode';
import { ResponseError } from 'vscode-languageclient/node';
import { ErrorCodes, type ScanReport } from '../server/protocol';
import type { BackendClient } from './backendClient';
import { log } from './log';
import { DatasetPanel, type DatasetActions } from './panels/datasetPanel';
import { rememberScan } from './views/datasetsTree';

async function pickFolder(): Promise<vscode.Uri | undefined> {
  const picked = await vscode.window.showOpenDialog({
    canSelectFolders: true, canSelectFiles: false, canSelectMany: false, openLabel: vscode.l10n.t('Scan Dataset'),
    title: vscode.l10n.t('Dataset folder (Training/ and Testing/ with class folders, or class folders)'),
    ...(vscode.workspace.workspaceFolders?.[0] ? { defaultUri: vscode.workspace.workspaceFolders[0].uri } : {}),
  });
  return picked?.[0];
}

/** Scans with a cancellable progress notification; returns undefined when cancelled or failed (user told). */
export async function scanWithProgress(backend: BackendClient, root: string): Promise<ScanReport | undefined> {
  try {
    return await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Scanning dataset'), cancellable: true },
      async (progress, token) => {
        let last = 0;
        return backend.scanDataset(root, (p) => {
          if (p.phase === 'inspecting' && p.total > 0) {
            const pct = (100 * p.done) / p.total;
            progress.report({ message: vscode.l10n.t('{0} of {1} files', p.done, p.total), increment: pct - last });
            last = pct;
          } else if (p.phase === 'comparing') {
            progress.report({ message: vscode.l10n.t('looking for duplicates and leaks') });
          }
        }, token);
      });
  } catch (e) {
    if (e instanceof ResponseError && e.code === ErrorCodes.Cancelled) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Brain Tumor: scan cancelled. Files inspected so far are cached.'));
      return undefined;
    }
    const msg = (e as Error).message;
    log.error(`Scan of ${root} failed: ${msg}`, false);
    void vscode.window.showErrorMessage(vscode.l10n.t('Brain Tumor: {0}', msg), vscode.l10n.t('Open Logs')).then((pick) => pick && log.show());
    return undefined;
  }
}

const LAST_ROOT_KEY = 'brainTumor.dataset.lastRoot';

/** The Dataset panel's links to the backend and to the workspace's memory. */
export function datasetActions(context: vscode.ExtensionContext, backend: BackendClient): DatasetActions {
  const actions: DatasetActions = {
    rescan: (root) => void showDataset(context, backend, vscode.Uri.file(root)),
    load: (root) => backend.scanDataset(root, () => undefined).catch((e: Error) => {
      log.warn(`Could not restore the Dataset panel for ${root}: ${e.message}`);
      return undefined;
    }),
    remember: (root) => void context.workspaceState.update(LAST_ROOT_KEY, root),
    lastRoot: () => context.workspaceState.get<string>(LAST_ROOT_KEY),
  };
  return actions;
}

export async function showDataset(context: vscode.ExtensionContext, backend: BackendClient, arg?: unknown): Promise<ScanReport | undefined> {
  const uri = arg instanceof vscode.Uri ? arg : await pickFolder();
  if (!uri) return undefined;
  if (uri.scheme !== 'file') {
    void vscode.window.showErrorMessage(vscode.l10n.t('Brain Tumor: the dataset must be a folder on this machine\'s disk.'));
    return undefined;
  }
  const report = await scanWithProgress(backend, uri.fsPath);
  if (report) {
    void rememberScan(context.workspaceState, report);
    DatasetPanel.show(context.extensionUri, report, datasetActions(context, backend));
  }
  return report;
}
