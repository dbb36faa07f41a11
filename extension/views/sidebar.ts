/**
 * The "Brain Tumor" activity-bar container: the Runs, Models and Datasets views, the commands only their items
 * offer (reveal, delete, export, evaluate on a dataset), the training status bar item and the context keys that
 * `when` and `enablement` clauses in package.json read. Nothing here starts the backend: the views read disk.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { BackendClient } from '../backendClient';
import type { ActiveModel } from '../classification/activeModel';
import { log } from '../log';
import type { TrainingController } from '../training/trainingController';
import { DatasetsTree, type DatasetNode } from './datasetsTree';
import { ModelsTree, type ModelNode } from './modelsTree';
import { isReadable, readRunRecord } from './runRecords';
import { RunsTree, type RunNode } from './runsTree';
import { createTrainingStatusBar } from './trainingStatusBar';
import { contextKeys } from './treeItemViews';

export interface SidebarDeps {
  context: vscode.ExtensionContext;
  backend: BackendClient;
  training: TrainingController;
  activeModel: ActiveModel;
  runsDir: () => string;
}

/** The bundled model's folder in the installed extension (models/ beside dist/). */
export function bundledModelFolder(context: vscode.ExtensionContext): string {
  return context.asAbsolutePath(path.join('models', 'brain-tumor-cnn'));
}

export function registerSidebar(deps: SidebarDeps): vscode.Disposable[] {
  const runs = new RunsTree(deps.runsDir, deps.training, () => deps.activeModel.modelDir);
  const models = new ModelsTree(deps.context, runs, deps.activeModel, bundledModelFolder(deps.context));
  const datasets = new DatasetsTree(deps.context.workspaceState, runs);
  const runsView = vscode.window.createTreeView('brainTumor.runs', { treeDataProvider: runs, showCollapseAll: false });
  const datasetsView = vscode.window.createTreeView('brainTumor.datasets', { treeDataProvider: datasets });
  const setKeys = () => {
    const keys = contextKeys({ backendState: deps.backend.state, trainingLive: !!deps.training.current, runs: runs.records });
    for (const [key, value] of Object.entries(keys)) void vscode.commands.executeCommand('setContext', key, value);
  };
  setKeys();
  return [
    runs, models, datasets, runsView, datasetsView,
    vscode.window.registerTreeDataProvider('brainTumor.models', models),
    createTrainingStatusBar(deps.training),
    runs.onDidReadRuns(setKeys),
    deps.training.onDidChange(setKeys),
    deps.backend.onDidChangeState(setKeys),
    deps.activeModel.onDidChange(() => runs.refreshSoon()),
    // The pickers remember folders without telling anyone: read them again whenever the view shows.
    datasetsView.onDidChangeVisibility((e) => { if (e.visible) datasets.refresh(); }),
    // Select Model with the clicked item (the title "Use for Classification" reads better in a tree's menu).
    vscode.commands.registerCommand('brainTumor.useModel', (node?: ModelNode | RunNode) => vscode.commands.executeCommand('brainTumor.selectModel', node)),
    vscode.commands.registerCommand('brainTumor.refreshRuns', () => { runs.refreshSoon(); datasets.refresh(); }),
    vscode.commands.registerCommand('brainTumor.revealRun', (node?: RunNode | ModelNode | DatasetNode) => revealFolder(folderOf(node))),
    vscode.commands.registerCommand('brainTumor.deleteRun', (node?: RunNode) => deleteRun(deps, node, runs)),
    vscode.commands.registerCommand('brainTumor.exportModel', (node?: ModelNode | RunNode) => exportModel(deps, node, models)),
    vscode.commands.registerCommand('brainTumor.evaluateOnDataset', (node?: DatasetNode) => evaluateOnDataset(deps, node)),
  ];
}

function folderOf(node: RunNode | ModelNode | DatasetNode | undefined): string | undefined {
  if (!node) return undefined;
  return node.kind === 'run' ? node.runDir : node.kind === 'model' ? node.modelDir : node.folder;
}

async function revealFolder(dir: string | undefined): Promise<void> {
  if (!dir) return;
  const uri = vscode.Uri.file(dir);
  // The Explorer shows only the workspace's folders; anything else opens in the system's file manager.
  if (vscode.workspace.getWorkspaceFolder(uri)) await vscode.commands.executeCommand('revealInExplorer', uri);
  else await vscode.commands.executeCommand('revealFileInOS', uri);
}

/** Deletes a run folder after a modal confirmation; a run that trains (here or in another process) is never deleted. */
async function deleteRun(deps: SidebarDeps, node: RunNode | undefined, runs: RunsTree): Promise<void> {
  if (!node) return;
  const record = readRunRecord(node.runDir);
  const live = deps.training.current?.started.runDir === node.runDir || (isReadable(record) && record.state === 'running');
  if (live) {
    void vscode.window.showWarningMessage(vscode.l10n.t('Brain Tumor: {0} is training. Cancel it before deleting it.', path.basename(node.runDir)));
    return;
  }
  const active = deps.activeModel.modelDir === node.runDir;
  const detail = active
    ? vscode.l10n.t('This deletes {0} with its model, history and checkpoints. Classification uses its model: it goes back to the bundled model. It cannot be undone.', node.runDir)
    : vscode.l10n.t('This deletes {0} with its model, history and checkpoints. It cannot be undone.', node.runDir);
  const del = vscode.l10n.t({ message: 'Delete', comment: 'Button of the modal dialog that deletes a run folder.' });
  const pick = await vscode.window.showWarningMessage(vscode.l10n.t('Delete the run {0}?', path.basename(node.runDir)), { modal: true, detail }, del);
  if (pick !== del) return;
  try {
    fs.rmSync(node.runDir, { recursive: true, force: true });
    log.info(`Deleted run folder ${node.runDir}.`);
    runs.refreshSoon(); // a whole folder going may reach the file watcher as one event it does not match
    if (active) await vscode.commands.executeCommand('brainTumor.selectModel', { bundled: true });
  } catch (e) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Brain Tumor: cannot delete {0}: {1}', node.runDir, (e as Error).message));
  }
}

/**
 * Export: the CLI's `export` (a standalone model folder, optionally with uint8 weights), run by VS Code's own node
 * as a child process with a progress notification; its output goes to the log.
 */
async function exportModel(deps: SidebarDeps, node: ModelNode | RunNode | undefined, models: ModelsTree): Promise<void> {
  const dir = node?.kind === 'run' ? node.runDir : node?.modelDir;
  if (!dir) return;
  const quantize = await vscode.window.showQuickPick([
    { label: 'uint8', description: vscode.l10n.t('about a quarter of the size; accuracy usually within a fraction of a point'), value: 'uint8' },
    { label: 'float32', description: vscode.l10n.t('weights as trained'), value: 'none' },
  ], { title: vscode.l10n.t('Export {0}: weights', path.basename(dir)) });
  if (!quantize) return;
  const target = await vscode.window.showSaveDialog({
    title: vscode.l10n.t('Export the model to a new folder'), saveLabel: vscode.l10n.t('Export'), defaultUri: vscode.Uri.file(`${dir}-export`),
  });
  if (!target) return;
  const args = [deps.context.asAbsolutePath('dist/cli.js'), 'export', '--model', dir, '--out', target.fsPath, '--quantize', quantize.value];
  try {
    const out = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Exporting {0}', path.basename(dir)) }, () =>
      new Promise<string>((resolve, reject) => execFile(process.execPath, args, { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } },
        (e, stdout, stderr) => (e ? reject(new Error(stderr.trim() || e.message)) : resolve(stdout)))));
    log.info(out.trim());
    await models.remember(target.fsPath);
    const pick = await vscode.window.showInformationMessage(vscode.l10n.t('Brain Tumor: model exported to {0}.', target.fsPath), vscode.l10n.t('Use for Classification'));
    if (pick) await vscode.commands.executeCommand('brainTumor.selectModel', { kind: 'model', modelDir: target.fsPath });
  } catch (e) {
    log.error(`Export of ${dir} failed: ${(e as Error).message}`, false);
    void vscode.window.showErrorMessage(vscode.l10n.t('Brain Tumor: export failed: {0}', (e as Error).message), vscode.l10n.t('Open Logs')).then((p) => p && log.show());
  }
}

/** Evaluate on a dataset: the model classification uses, on that folder's Testing split. */
async function evaluateOnDataset(deps: SidebarDeps, node: DatasetNode | undefined): Promise<void> {
  if (!node) return;
  const modelDir = deps.activeModel.modelDir ?? bundledModelFolder(deps.context);
  await vscode.commands.executeCommand('brainTumor.evaluateModel', { modelDir, dataRoot: node.folder, external: [] });
}
