/** Extension entry: wires the backend client, status bar, commands and panels. Logic lives in the modules. */
import * as vscode from 'vscode';
import type { ScanReport, StatusResult } from '../server/protocol';
import { BackendClient, type BackendState } from './backendClient';
import { cacheFolder } from './cacheFolder';
import { registerCommands } from './commands';
import { affectsBackend } from './config';
import { log, logChannel } from './log';
import { registerBackendStatusSerializer } from './panels/backendStatusPanel';
import { registerDatasetSerializer } from './panels/datasetPanel';
import { datasetActions } from './datasetCommands';
import { createStatusBar } from './statusBar';

/** What the extension exports to other extensions (and to its integration tests). */
export interface BrainTumorApi {
  backendState(): BackendState;
  status(): Promise<StatusResult>;
  restartBackend(): Promise<void>;
  /** Scans a dataset folder (no UI). */
  scanDataset(root: string): Promise<ScanReport>;
}

let backend: BackendClient | undefined;

export function activate(context: vscode.ExtensionContext): BrainTumorApi {
  context.subscriptions.push(logChannel());
  const client = new BackendClient(context, () => cacheFolder(context));
  backend = client;
  context.subscriptions.push(
    ...registerCommands({ context, backend: client }),
    registerBackendStatusSerializer(context.extensionUri, client),
    registerDatasetSerializer(context.extensionUri, datasetActions(context, client)),
    createStatusBar(client),
    vscode.workspace.onDidGrantWorkspaceTrust(() => void client.start()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!affectsBackend(e)) return;
      void vscode.window.showInformationMessage('Brain Tumor: the backend setting changed. Restart the backend to apply it?', 'Restart Backend')
        .then((pick) => pick && vscode.commands.executeCommand('brainTumor.restartBackend'));
    }),
  );
  // Not awaited: activation must stay quick; the status bar shows the start and any failure.
  client.start().catch((e: Error) => log.error(`Backend start failed: ${e.message}`));
  return {
    backendState: () => client.state,
    status: () => client.status(),
    restartBackend: () => client.restart(),
    scanDataset: (root) => client.scanDataset(root, () => undefined),
  };
}

export async function deactivate(): Promise<void> {
  await backend?.dispose();
  backend = undefined;
}
