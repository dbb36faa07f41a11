/**
 * Extension entry: wires the backend client, status bar, commands and panels. Logic lives in the modules.
 * Activation starts no process: the backend starts on first use (docs/activation.md).
 */
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import type { ClassifyParams, ClassifyResult, ScanReport, StatusResult, TrainingSnapshot, TrainParams, TrainStarted } from '../server/protocol';
import { BackendClient, type BackendState } from './backendClient';
import { cacheFolder } from './cacheFolder';
import { registerCommands } from './commands';
import { affectsBackend } from './config';
import { useLanguage } from './locale';
import { log, logChannel } from './log';
import { registerBackendStatusSerializer } from './panels/backendStatusPanel';
import { registerDatasetSerializer } from './panels/datasetPanel';
import { datasetActions } from './datasetCommands';
import { createStatusBar } from './statusBar';
import { registerTrainingSerializer } from './panels/trainingPanel';
import { MetricsPanel, registerMetricsSerializer, type MetricsRendered } from './panels/metricsPanel';
import { metricsActions } from './evaluation/evaluateCommands';
import { onTrainingEnded, resumeAfterReload, trainingActions } from './training/trainCommands';
import { TrainingController } from './training/trainingController';
import type { TrainEvent } from './backendClient';
import { ActiveModel } from './classification/activeModel';
import { classificationActions } from './classification/classifyCommands';
import { registerClassificationSerializer } from './panels/classificationPanel';
import { runsFolderPath } from './training/runsFolder';
import { registerSidebar } from './views/sidebar';
import { registerCompareSerializer } from './panels/comparePanel';
import { compareActions } from './compare/compareCommand';

/** What the extension exports to other extensions (and to its integration tests). */
export interface BrainTumorApi {
  backendState(): BackendState;
  status(): Promise<StatusResult>;
  restartBackend(): Promise<void>;
  /** Scans a dataset folder (no UI). */
  scanDataset(root: string): Promise<ScanReport>;
  /** The backend's view of the running (or last) training run. */
  trainingState(): Promise<TrainingSnapshot | null>;
  /** Starts a run with no UI but the progress notification; rejects with the backend's error (e.g. TrainingBusy). */
  train(params: TrainParams): Promise<TrainStarted>;
  /** Every training notification, as the extension receives it. */
  onTrainEvent: vscode.Event<TrainEvent>;
  /** Classifies images (files or folders) with the active model, no UI. */
  classify(params: Omit<ClassifyParams, 'progressToken'>): Promise<ClassifyResult>;
  /** The model classification uses here (undefined: the bundled one). */
  activeModelDir(): string | undefined;
  /** What the open Metrics panel's page last drew (its run, each external set's row), or null (none open, or not drawn yet). */
  metricsShown(): MetricsRendered | null;
}

let backend: BackendClient | undefined;

export function activate(context: vscode.ExtensionContext): BrainTumorApi {
  const activationStart = performance.now();
  // The modules without a vscode import render their messages and numbers in the display language from here on.
  useLanguage(vscode.env.language, vscode.l10n.bundle);
  context.subscriptions.push(logChannel());
  const client = new BackendClient(context, () => cacheFolder(context));
  backend = client;
  // The controller calls back when a run ends; the callback needs the controller itself, hence the late binding.
  const training: TrainingController = new TrainingController(client, (end, view) => onTrainingEnded(trainingDeps, end, view));
  const trainingDeps = { context, backend: client, controller: training };
  const activeModel = new ActiveModel(context, client);
  context.subscriptions.push(
    training,
    activeModel,
    ...registerCommands({ context, backend: client, training, activeModel }),
    // The sidebar reads run folders from disk: it does not start the backend.
    ...registerSidebar({ context, backend: client, training, activeModel, runsDir: () => runsFolderPath(context) }),
    registerClassificationSerializer(context.extensionUri, classificationActions({ context, backend: client, activeModel })),
    client.onDidChangeState((s) => { if (s === 'running') void activeModel.refresh(); }),
    registerTrainingSerializer(context.extensionUri, trainingActions(trainingDeps)),
    registerMetricsSerializer(context.extensionUri, metricsActions(trainingDeps)),
    registerCompareSerializer(context.extensionUri, compareActions()),
    registerBackendStatusSerializer(context.extensionUri, client),
    registerDatasetSerializer(context.extensionUri, datasetActions(context, client)),
    createStatusBar(client),
    vscode.workspace.onDidGrantWorkspaceTrust(() => void client.start()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!affectsBackend(e)) return;
      void vscode.window.showInformationMessage(vscode.l10n.t('Brain Tumor: the backend setting changed. Restart the backend to apply it?'), vscode.l10n.t('Restart Backend'))
        .then((pick) => pick && vscode.commands.executeCommand('brainTumor.restartBackend'));
    }),
  );
  // The backend starts on first use. Only a run that was training when the window went away starts it now
  // (resumeAfterReload asks the backend only then). Not awaited: activation must stay quick.
  void resumeAfterReload(trainingDeps);
  // docs/activation.md reads this line (the UI test measures it).
  log.info(`Activated in ${(performance.now() - activationStart).toFixed(1)} ms; the backend starts on first use.`);
  return {
    backendState: () => client.state,
    status: () => client.status(),
    restartBackend: () => client.restart(),
    scanDataset: (root) => client.scanDataset(root, () => undefined),
    trainingState: () => client.trainingState(),
    train: (params) => training.start(params),
    onTrainEvent: client.onTrainEvent,
    classify: (params) => client.classify({ ...params, modelDir: params.modelDir ?? activeModel.modelDir }),
    activeModelDir: () => activeModel.modelDir,
    metricsShown: () => MetricsPanel.active?.drawn ?? null,
  };
}

export async function deactivate(): Promise<void> {
  await backend?.dispose();
  backend = undefined;
}
