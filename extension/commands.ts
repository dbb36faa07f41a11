/**
 * Every command of the extension, as a table from id to a handler factory.
 */
import * as vscode from 'vscode';
import type { BackendClient } from './backendClient';
import { showDataset } from './datasetCommands';
import { log } from './log';
import { BackendStatusPanel } from './panels/backendStatusPanel';
import { evaluateModel, showMetrics } from './evaluation/evaluateCommands';
import { resumeTraining, showTraining, trainModel } from './training/trainCommands';
import type { TrainingController } from './training/trainingController';
import type { ActiveModel } from './classification/activeModel';
import { classifyImage, selectModel } from './classification/classifyCommands';
import { compareRuns } from './compare/compareCommand';

export interface CommandContext {
  context: vscode.ExtensionContext;
  backend: BackendClient;
  training: TrainingController;
  activeModel: ActiveModel;
}

type Handler = (...args: unknown[]) => unknown;

/**
 * Commands that read the workspace's files through the backend: in an untrusted workspace they stop at once with
 * a way to trust it, instead of walking the user through their prompts first (the backend does not run there).
 */
function needsTrust(what: string, handler: Handler): Handler {
  return (...args) => {
    if (vscode.workspace.isTrusted) return handler(...args);
    void vscode.window.showWarningMessage(vscode.l10n.t({
      message: 'Brain Tumor: {0} needs a trusted workspace: the backend reads and writes files here, so it does not run in Restricted Mode.',
      args: [what], comment: '{0} is a command\'s title, such as Train Model.',
    }), vscode.l10n.t('Manage Workspace Trust')).then((pick) => pick && vscode.commands.executeCommand('workbench.trust.manage'));
    return undefined;
  };
}

/**
 * A sidebar item as a command's argument (extension/views/): a run or model becomes its folder's path, a dataset
 * folder a Uri (as the Explorer passes it); anything else passes through unchanged.
 */
export function itemArg(arg: unknown): unknown {
  if (typeof arg !== 'object' || arg === null || arg instanceof vscode.Uri) return arg;
  const o = arg as { kind?: unknown; runDir?: unknown; modelDir?: unknown; folder?: unknown };
  if (o.kind === 'run' || o.kind === 'model') return typeof o.runDir === 'string' ? o.runDir : typeof o.modelDir === 'string' ? o.modelDir : arg;
  if (o.kind === 'dataset' && typeof o.folder === 'string') return vscode.Uri.file(o.folder);
  return arg;
}

/** Select Model's argument: the bundled model's item as `{ bundled: true }`, another model's folder as a Uri. */
function modelArg(arg: unknown): unknown {
  if (typeof arg === 'object' && arg !== null && (arg as { bundled?: unknown }).bundled === true) return { bundled: true };
  const a = itemArg(arg);
  return typeof a === 'string' ? vscode.Uri.file(a) : a;
}

export function commandTable(ctx: CommandContext): Record<string, Handler> {
  const deps = { context: ctx.context, backend: ctx.backend, controller: ctx.training };
  const classifyDeps = { context: ctx.context, backend: ctx.backend, activeModel: ctx.activeModel };
  const table: Record<string, Handler> = {
    'brainTumor.showBackendStatus': () => {
      BackendStatusPanel.show(ctx.context.extensionUri, ctx.backend);
    },
    'brainTumor.restartBackend': async () => {
      try {
        await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Restarting the Brain Tumor backend') },
          () => ctx.backend.restart(),
        );
        const s = await ctx.backend.status();
        log.info(`Backend restarted: ${s.backend.kind}, pid ${s.pid}.`);
      } catch (e) {
        log.error(`Restart failed: ${(e as Error).message}`);
        void vscode.window.showErrorMessage(vscode.l10n.t('Brain Tumor: the backend did not restart: {0}', (e as Error).message), vscode.l10n.t('Open Logs'))
          .then((pick) => pick && log.show());
      }
    },
    'brainTumor.openLogs': () => log.show(),
    'brainTumor.showDataset': needsTrust(vscode.l10n.t('Show Dataset'), (arg?: unknown) => showDataset(ctx.context, ctx.backend, itemArg(arg))),
    'brainTumor.trainModel': needsTrust(vscode.l10n.t('Train Model'), (arg?: unknown) => trainModel(deps, itemArg(arg))),
    'brainTumor.resumeTraining': needsTrust(vscode.l10n.t('Resume Training'), (arg?: unknown) => resumeTraining(deps, itemArg(arg))),
    'brainTumor.cancelTraining': () => ctx.training.cancel(),
    'brainTumor.showTraining': (arg?: unknown) => showTraining(deps, itemArg(arg)),
    'brainTumor.evaluateModel': needsTrust(vscode.l10n.t('Evaluate Model'), (arg?: unknown) => evaluateModel(deps, itemArg(arg))),
    'brainTumor.showMetrics': (arg?: unknown) => showMetrics(deps, itemArg(arg)),
    'brainTumor.classifyImage': needsTrust(vscode.l10n.t('Classify Image'), (arg?: unknown, all?: unknown) => classifyImage(classifyDeps, arg, all)),
    'brainTumor.selectModel': (arg?: unknown) => selectModel(classifyDeps, modelArg(arg)),
    'brainTumor.compareRuns': needsTrust(vscode.l10n.t('Compare Runs'), (arg?: unknown, selected?: unknown) => compareRuns(deps, arg, selected)),
  };
  return table;
}

/** Commands that do not need the backend, so running one does not start it. */
const WITHOUT_BACKEND = new Set(['brainTumor.openLogs']);

export function registerCommands(ctx: CommandContext): vscode.Disposable[] {
  return Object.entries(commandTable(ctx)).map(([id, handler]) => vscode.commands.registerCommand(id, (...args: unknown[]) => {
    // Any other command is a first use: the backend starts now, while the command asks its questions, instead of
    // after them. A start failure shows in the status bar and the log; the command reports its own.
    if (!WITHOUT_BACKEND.has(id) && ctx.backend.state === 'stopped') ctx.backend.start().catch((e: Error) => log.error(`Backend start failed: ${e.message}`));
    return handler(...args);
  }));
}
