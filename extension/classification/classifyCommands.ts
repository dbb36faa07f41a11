/**
 * Classify Image (Explorer: one or many images, or folders; palette: the active image, else a file dialog) and
 * Select Model (the bundled model, finished runs, or any model folder). Results open in the Classification panel.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ResponseError } from 'vscode-languageclient/node';
import { DEFAULT_UNCERTAINTY_THRESHOLD, ErrorCodes, type ClassifiedImage, type ClassifyResult, type FailedImage } from '../../server/protocol';
import type { BackendClient } from '../backendClient';
import { SECTION, sliceOrientation } from '../config';
import { percent } from '../locale';
import { log } from '../log';
import { ClassificationPanel, type ClassificationActions } from '../panels/classificationPanel';
import { listRunDirs, runsFolder } from '../training/runsFolder';
import { modelFolderName } from '../statusText';
import { statusText } from '../views/treeItemViews';
import type { ActiveModel } from './activeModel';

export interface ClassifyDeps {
  context: vscode.ExtensionContext;
  backend: BackendClient;
  activeModel: ActiveModel;
}

/** Up to this many single files get heat maps and model inputs right away; bigger batches explain on demand. */
const EXPLAIN_AT_ONCE = 24;
const IMAGE_EXTENSIONS = ['jpg', 'jpeg', 'png', 'bmp', 'webp', 'tif', 'tiff', 'gif', 'dcm', 'dicom', 'nii', 'nii.gz'];
/** The file dialog matches on the last extension only: `.nii.gz` files need `gz` (the backend rejects other gzip files). */
const DIALOG_EXTENSIONS = [...IMAGE_EXTENSIONS.filter((e) => !e.includes('.')), 'gz'];
const DICOM_FILE = /\.(dcm|dicom)$/i;

/**
 * Whether `dir` holds DICOM files and nothing else the backend reads: a series the backend classifies as one volume,
 * so that it gets its heat maps at once like a single file (a folder of JPEGs is a batch and explains on demand).
 */
export function isDicomSeriesFolder(dir: string): boolean {
  try {
    const entries = fs.readdirSync(dir, { withFileTypes: true });
    const files = entries.filter((e) => e.isFile() && !e.name.startsWith('.'));
    return files.some((e) => DICOM_FILE.test(e.name)) && files.every((e) => DICOM_FILE.test(e.name) || !path.extname(e.name)) &&
      !entries.some((e) => e.isDirectory() && !e.name.startsWith('.'));
  } catch {
    return false;
  }
}

/** Test-time augmentation (image + mirror) for Classify Image, from the setting. */
function tta(): boolean {
  return vscode.workspace.getConfiguration(SECTION).get<boolean>('classification.testTimeAugmentation') === true;
}

function threshold(): number {
  const v = vscode.workspace.getConfiguration(SECTION).get<number>('classification.uncertaintyThreshold');
  return typeof v === 'number' && v >= 0 && v <= 1 ? v : DEFAULT_UNCERTAINTY_THRESHOLD;
}

/** The files or folders a command invocation means: the Explorer selection, else the active image tab. */
export function targetsOf(arg?: unknown, all?: unknown): vscode.Uri[] {
  if (Array.isArray(all) && all.length && all.every((u) => u instanceof vscode.Uri)) return all;
  if (arg instanceof vscode.Uri) return [arg];
  const tab = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  if (tab instanceof vscode.TabInputCustom || tab instanceof vscode.TabInputText) return [tab.uri];
  const doc = vscode.window.activeTextEditor?.document.uri;
  return doc ? [doc] : [];
}

function userMessage(e: unknown): string {
  return e instanceof ResponseError || e instanceof Error ? e.message : String(e);
}

async function classifyPaths(deps: ClassifyDeps, paths: string[], explain: boolean, token?: vscode.CancellationToken,
  progress?: vscode.Progress<{ message?: string; increment?: number }>): Promise<ClassifyResult> {
  let last = 0;
  const params = { paths, modelDir: deps.activeModel.modelDir, explain, withInput: explain, threshold: threshold(), tta: tta(), orientation: sliceOrientation() };
  return deps.backend.classify(params, (p) => {
    const pct = p.total ? (p.done / p.total) * 100 : 0;
    progress?.report({ message: vscode.l10n.t('{0} of {1} images', p.done, p.total), increment: pct - last });
    last = pct;
  }, token);
}

export function classificationActions(deps: ClassifyDeps): ClassificationActions {
  return {
    openImage: (p) => void vscode.commands.executeCommand('vscode.open', vscode.Uri.file(p)),
    explain: async (p): Promise<ClassifiedImage | FailedImage> => {
      const r = await classifyPaths(deps, [p], true);
      return r.items[0]!;
    },
    exportCsv: (csv, suggestedName) => void exportCsv(csv, suggestedName),
  };
}

async function exportCsv(csv: string, suggestedName: string): Promise<void> {
  const ws = vscode.workspace.workspaceFolders?.[0]?.uri;
  const target = await vscode.window.showSaveDialog({
    title: vscode.l10n.t('Export classification results'), saveLabel: vscode.l10n.t('Export'), filters: { CSV: ['csv'] },
    ...(ws ? { defaultUri: vscode.Uri.joinPath(ws, suggestedName) } : {}),
  });
  if (!target) return;
  try {
    fs.writeFileSync(target.fsPath, '\ufeff' + csv); // the byte-order mark makes Excel read non-ASCII paths as UTF-8
    void vscode.window.showInformationMessage(vscode.l10n.t('Brain Tumor: results written to {0}.', target.fsPath));
  } catch (e) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Brain Tumor: cannot write {0}: {1}', target.fsPath, (e as Error).message));
  }
}

/** Offers the fix that fits a model error; other errors are shown as they are. */
function showClassifyError(e: unknown): void {
  const message = userMessage(e);
  log.error(`Classify: ${message}`);
  const code = e instanceof ResponseError ? e.code : undefined;
  if (code === ErrorCodes.RunFolder || code === ErrorCodes.IncompatibleModel) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Brain Tumor: {0}', message), vscode.l10n.t('Select Model'))
      .then((pick) => pick && vscode.commands.executeCommand('brainTumor.selectModel'));
  } else {
    void vscode.window.showErrorMessage(vscode.l10n.t('Brain Tumor: classification failed: {0}', message), vscode.l10n.t('Open Logs')).then((pick) => pick && log.show());
  }
}

export async function classifyImage(deps: ClassifyDeps, arg?: unknown, all?: unknown): Promise<ClassifyResult | undefined> {
  let uris = targetsOf(arg, all).filter((u) => u.scheme === 'file');
  if (!uris.length) {
    uris = await vscode.window.showOpenDialog({ title: vscode.l10n.t('Classify which images?'), canSelectMany: true, canSelectFolders: false,
      filters: { [vscode.l10n.t('Images')]: DIALOG_EXTENSIONS } }) ?? [];
    if (!uris.length) return undefined;
  }
  const paths = uris.map((u) => u.fsPath);
  const folders = paths.filter((p) => { try { return fs.statSync(p).isDirectory(); } catch { return false; } });
  const oneSeries = paths.length === 1 && folders.length === 1 && isDicomSeriesFolder(folders[0]!);
  const explain = oneSeries || (!folders.length && paths.length <= EXPLAIN_AT_ONCE);
  const what = paths.length === 1 ? path.basename(paths[0]!) : vscode.l10n.t('{0} items', paths.length);
  try {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Brain Tumor: classifying {0}', what), cancellable: true },
      (progress, token) => classifyPaths(deps, paths, explain, token, progress),
    );
    deps.activeModel.show(result.model);
    const ok = result.items.filter((i) => i.ok).length;
    log.info(`Classified ${ok} of ${result.items.length} image(s) with ${result.model.modelDir} in ${result.timing.ms} ms.`);
    if (!result.items.length) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Brain Tumor: no images found in {0} (looked for {1}).', what, IMAGE_EXTENSIONS.join(', ')));
      return result;
    }
    ClassificationPanel.show(deps.context.extensionUri, result, classificationActions(deps));
    return result;
  } catch (e) {
    if (e instanceof ResponseError && e.code === ErrorCodes.Cancelled) return undefined;
    showClassifyError(e);
    return undefined;
  }
}

interface ModelPick extends vscode.QuickPickItem { modelDir?: string; browse?: boolean }

export async function selectModel(deps: ClassifyDeps, arg?: unknown): Promise<void> {
  let dir: string | undefined;
  let bundled = false;
  if (arg instanceof vscode.Uri) {
    dir = arg.fsPath;
  } else if (typeof arg === 'object' && arg !== null && (arg as { bundled?: unknown }).bundled === true) {
    bundled = true; // the sidebar's bundled model
  } else {
    const items: ModelPick[] = [{
      label: `$(package) ${vscode.l10n.t('Bundled model')}`, description: vscode.l10n.t('ships with the extension'),
      detail: vscode.l10n.t('Trained on the Kaggle Brain Tumor MRI Dataset; see its model card.'),
    }];
    for (const runDir of listRunDirs(runsFolder(deps.context)).slice(0, 50)) {
      if (!fs.existsSync(path.join(runDir, 'model.json'))) continue;
      try {
        const r = await deps.backend.readRun(runDir);
        const val = r.bestEpoch >= 0 ? vscode.l10n.t('val acc {0}', percent(r.history[r.bestEpoch]!.valAcc)) : vscode.l10n.t('no finished epoch');
        items.push({ label: `$(folder) ${r.runId}`, description: `${r.config.model}, ${statusText(r.status)}, ${val}`, detail: r.runDir, modelDir: r.runDir });
      } catch (e) {
        log.warn(`Select Model: skipping ${runDir}: ${userMessage(e)}`);
      }
    }
    items.push({ label: `$(folder-opened) ${vscode.l10n.t('Browse for a model folder...')}`, browse: true });
    const active = deps.activeModel.modelDir;
    const activeMark = vscode.l10n.t({ message: '(active)', comment: 'After a model in the quick pick: classification uses it now.' });
    for (const i of items) if (i.modelDir === active || (!active && !i.modelDir && !i.browse)) i.description = [i.description, activeMark].filter(Boolean).join(' ');
    const pick = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Brain Tumor: model for classification'), ignoreFocusOut: true });
    if (!pick) return;
    if (pick.browse) {
      const folder = await vscode.window.showOpenDialog({ title: vscode.l10n.t('A folder with model.json and metadata.json'), canSelectFolders: true, canSelectFiles: false });
      if (!folder?.[0]) return;
      dir = folder[0].fsPath;
    } else {
      dir = pick.modelDir;
      bundled = !dir;
    }
  }
  try {
    const info = await deps.backend.loadModel(bundled ? undefined : dir);
    await deps.activeModel.set(info);
    const name = info.bundled ? vscode.l10n.t('the bundled model') : modelFolderName(info);
    const official = info.evaluation?.official;
    void vscode.window.showInformationMessage(official
      ? vscode.l10n.t('Brain Tumor: classifying with {0}, Testing accuracy {1}.', name, percent(official.accuracy))
      : vscode.l10n.t('Brain Tumor: classifying with {0}, not evaluated yet.', name));
  } catch (e) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Brain Tumor: cannot use that model: {0}', userMessage(e)));
  }
}
