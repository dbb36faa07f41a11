/**
 * Every command of the extension, as a table from id to a handler factory. Commands whose feature has not
 * landed yet say so plainly instead of doing nothing.
 */
import * as vscode from 'vscode';
import type { BackendClient } from './backendClient';
import { showDataset } from './datasetCommands';
import { log } from './log';
import { BackendStatusPanel } from './panels/backendStatusPanel';
import { evaluateModel, showMetrics } from './evaluation/evaluateCommands';
import { resumeTraining, showTraining, trainModel } from './training/trainCommands';
import type { TrainingController } from './training/trainingController';

export interface CommandContext {
  context: vscode.ExtensionContext;
  backend: BackendClient;
  training: TrainingController;
}

type Handler = (...args: unknown[]) => unknown;

/** Features still to come, with what the user gets told when they call them. */
const NOT_YET: Record<string, string> = {
  'brainTumor.classifyImage': 'Classify Image',
  'brainTumor.selectModel': 'Select Model',
};

export function notAvailableYet(title: string): string {
  return `Brain Tumor: "${title}" is not available yet in this version of the extension.`;
}

export function commandTable(ctx: CommandContext): Record<string, Handler> {
  const deps = { context: ctx.context, backend: ctx.backend, controller: ctx.training };
  const table: Record<string, Handler> = {
    'brainTumor.showBackendStatus': () => {
      BackendStatusPanel.createOrShow(ctx.context.extensionUri, ctx.backend);
    },
    'brainTumor.restartBackend': async () => {
      try {
        await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Window, title: 'Restarting the Brain Tumor backend' },
          () => ctx.backend.restart(),
        );
        const s = await ctx.backend.status();
        log.info(`Backend restarted: ${s.backend.kind}, pid ${s.pid}.`);
      } catch (e) {
        log.error(`Restart failed: ${(e as Error).message}`);
        void vscode.window.showErrorMessage(`Brain Tumor: the backend did not restart: ${(e as Error).message}`, 'Open Logs')
          .then((pick) => pick && log.show());
      }
    },
    'brainTumor.openLogs': () => log.show(),
    'brainTumor.showDataset': (arg?: unknown) => showDataset(ctx.context, ctx.backend, arg),
    'brainTumor.trainModel': (arg?: unknown) => trainModel(deps, arg),
    'brainTumor.resumeTraining': (arg?: unknown) => resumeTraining(deps, arg),
    'brainTumor.cancelTraining': () => ctx.training.cancel(),
    'brainTumor.showTraining': (arg?: unknown) => showTraining(deps, arg),
    'brainTumor.evaluateModel': (arg?: unknown) => evaluateModel(deps, arg),
    'brainTumor.showMetrics': (arg?: unknown) => showMetrics(deps, arg),
  };
  for (const [id, title] of Object.entries(NOT_YET)) {
    table[id] = () => void vscode.window.showInformationMessage(notAvailableYet(title));
  }
  return table;
}

export function registerCommands(ctx: CommandContext): vscode.Disposable[] {
  return Object.entries(commandTable(ctx)).map(([id, handler]) => vscode.commands.registerCommand(id, handler));
}
