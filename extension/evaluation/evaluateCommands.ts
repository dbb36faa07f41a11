/**
 * Evaluate Model: pick a finished run (or get its folder from the Explorer or a caller), pick external dataset
 * folders (sources the model never trained on; remembered per workspace), score it on its dataset's Testing split
 * and on those sets in the backend (under perturbations too when `brainTumor.evaluation.perturbations` is on) with a
 * cancellable progress notification, and show the Metrics panel.
 * The panel's Export Report writes the self-contained HTML report (and its JSON) where the user chooses, and
 * Compare With... puts a second run's saved evaluation beside it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ResponseError } from 'vscode-languageclient/node';
import { ErrorCodes, type EvaluationReport, type RunSummary } from '../../server/protocol';
import { renderReportHtml } from '../../server/eval/reportHtml';
import type { BackendClient } from '../backendClient';
import { SECTION } from '../config';
import { percent } from '../locale';
import { log } from '../log';
import { MetricsPanel, type MetricsActions } from '../panels/metricsPanel';
import { listRunDirs, runsFolder } from '../training/runsFolder';
import { statusText } from '../views/treeItemViews';
import { evaluateProgressText, parseEvaluateArg } from './folderChoice';
import { pickFolders } from './pickFolders';

const EXTERNAL_KEY = 'brainTumor.evaluation.externalFolders';

export interface EvaluateDeps {
  context: vscode.ExtensionContext;
  backend: BackendClient;
}

async function finishedRuns(deps: EvaluateDeps): Promise<RunSummary[]> {
  const out: RunSummary[] = [];
  for (const dir of listRunDirs(runsFolder(deps.context)).slice(0, 50)) {
    try {
      const r = await deps.backend.readRun(dir);
      if (r.bestEpoch >= 0) out.push(r);
    } catch (e) {
      log.warn(`Skipping run folder ${dir}: ${(e as Error).message}`);
    }
  }
  return out;
}

async function pickRun(deps: EvaluateDeps, title: string, exclude?: string): Promise<string | undefined> {
  const runs = (await finishedRuns(deps)).filter((r) => r.runDir !== exclude);
  if (!runs.length) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Brain Tumor: no trained model in {0}. Run "Brain Tumor: Train Model" first.', runsFolder(deps.context)));
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(runs.map((r) => ({
    label: r.runId,
    description: [r.config.model, vscode.l10n.t('{0} epochs', r.history.length), statusText(r.status),
      ...(r.bestEpoch >= 0 ? [vscode.l10n.t('val acc {0}', percent(r.history[r.bestEpoch]!.valAcc))] : [])].join(', '),
    detail: r.dataRoot, runDir: r.runDir,
  })), { title, ignoreFocusOut: true });
  return pick?.runDir;
}

export function metricsActions(deps: EvaluateDeps): MetricsActions {
  return {
    exportReport: (report) => void exportReport(deps, report),
    history: async (report) => (await deps.backend.readRun(report.modelDir).catch(() => null))?.history ?? null,
    pickCompare: async (report) => {
      const runDir = await pickRun(deps, vscode.l10n.t('Compare with which run? (its last evaluation is used)'), report.modelDir);
      if (!runDir) return undefined;
      const other = await deps.backend.readEvaluation(runDir);
      if (!other) {
        void vscode.window.showInformationMessage(vscode.l10n.t('Brain Tumor: that run has not been evaluated yet. Run "Brain Tumor: Evaluate Model" on it first.'));
        return undefined;
      }
      return other;
    },
  };
}

async function exportReport(deps: EvaluateDeps, report: EvaluationReport): Promise<void> {
  const target = await vscode.window.showSaveDialog({
    title: vscode.l10n.t('Export evaluation report'), saveLabel: vscode.l10n.t('Export'),
    defaultUri: vscode.Uri.file(path.join(report.modelDir, 'report.html')), filters: { [vscode.l10n.t('HTML report')]: ['html'] },
  });
  if (!target) return;
  try {
    const run = await deps.backend.readRun(report.modelDir).catch(() => null);
    fs.writeFileSync(target.fsPath, renderReportHtml(report, run ? { config: run.config, history: run.history, bestEpoch: run.bestEpoch, dataset: { trainVal: run.counts } } : null));
    const json = target.fsPath.replace(/\.html?$/i, '') + '.json';
    fs.writeFileSync(json, JSON.stringify(report, null, 1) + '\n');
    const pick = await vscode.window.showInformationMessage(vscode.l10n.t('Brain Tumor: report written to {0} (and {1}).', target.fsPath, path.basename(json)),
      vscode.l10n.t('Reveal'));
    if (pick) await vscode.commands.executeCommand('revealFileInOS', target);
  } catch (e) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Brain Tumor: cannot write the report: {0}', (e as Error).message));
  }
}

/** The external sets for a run, from the remembered list (pre-selected as last time) or new folders; undefined when cancelled. */
async function pickExternal(deps: EvaluateDeps): Promise<string[] | undefined> {
  return pickFolders({
    state: deps.context.workspaceState, key: EXTERNAL_KEY, title: vscode.l10n.t('Evaluate Model: external sets (optional)'),
    placeHolder: vscode.l10n.t('Tick dataset folders from sources the model never trained on, or press Enter with none ticked'),
    openLabel: vscode.l10n.t('Add as external sets'), addDetail: vscode.l10n.t('Class folders (glioma/, notumor/, ...) or coarse tumour/ and no/ folders'),
  });
}

/** Runs the evaluation; returns the report (also for callers and tests), or undefined when cancelled or failed. */
export async function evaluateModel(deps: EvaluateDeps, arg?: unknown): Promise<EvaluationReport | undefined> {
  let given: ReturnType<typeof parseEvaluateArg>;
  try {
    given = parseEvaluateArg(arg);
  } catch (e) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Brain Tumor: Evaluate Model: {0}', (e as Error).message));
    return undefined;
  }
  const cfg = vscode.workspace.getConfiguration(SECTION);
  const tta = given?.tta ?? cfg.get<boolean>('evaluation.testTimeAugmentation') === true;
  const perturb = given?.perturb ?? cfg.get<boolean>('evaluation.perturbations') === true;
  const threshold = cfg.get<number>('classification.uncertaintyThreshold');
  const modelDir = given?.modelDir ?? (typeof arg === 'string' ? arg : arg instanceof vscode.Uri ? arg.fsPath : undefined) ??
    await pickRun(deps, vscode.l10n.t('Evaluate which model? (scored on its dataset\'s Testing split)'));
  if (!modelDir) return undefined;
  // The argument object asks nothing more; a person picks the external sets.
  const external = given ? (given.external ?? []) : await pickExternal(deps);
  if (!external) return undefined;
  try {
    const report = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Evaluating {0}', path.basename(modelDir)), cancellable: true },
      (progress, token) => {
        let last = 0;
        return deps.backend.evaluate({
          modelDir, tta, external, perturb, ...(given?.dataRoot ? { dataRoot: given.dataRoot } : {}), ...(typeof threshold === 'number' && threshold > 0 && threshold <= 1 ? { threshold } : {}),
        }, (p) => {
          const pct = p.total ? (100 * p.done) / p.total : 0;
          progress.report({ message: evaluateProgressText(p), increment: p.phase === 'predicting' ? Math.max(0, pct - last) : 0 });
          if (p.phase === 'predicting') last = Math.max(last, pct);
        }, token);
      });
    MetricsPanel.show(deps.context.extensionUri, report, metricsActions(deps));
    return report;
  } catch (e) {
    if (e instanceof ResponseError && e.code === ErrorCodes.Cancelled) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Brain Tumor: evaluation cancelled.'));
      return undefined;
    }
    log.error(`Evaluation of ${modelDir} failed: ${(e as Error).message}`, false);
    void vscode.window.showErrorMessage(vscode.l10n.t('Brain Tumor: {0}', (e as Error).message), vscode.l10n.t('Open Logs')).then((pick) => pick && log.show());
    return undefined;
  }
}

/** Show Metrics' choice: the bundled model and every finished run. */
async function pickModel(deps: EvaluateDeps): Promise<string | undefined> {
  const runs = await finishedRuns(deps);
  const pick = await vscode.window.showQuickPick([
    { label: `$(package) ${vscode.l10n.t('Bundled model')}`, description: vscode.l10n.t('ships with the extension'), modelDir: deps.context.asAbsolutePath(path.join('models', 'brain-tumor-cnn')) },
    ...runs.map((r) => ({
      label: r.runId, description: [r.config.model, vscode.l10n.t('{0} epochs', r.history.length), statusText(r.status)].join(', '), detail: r.dataRoot, modelDir: r.runDir,
    })),
  ], { title: vscode.l10n.t('Show the metrics of which model?'), ignoreFocusOut: true });
  return pick?.modelDir;
}

/** Evaluate Now for a model whose training dataset is not on this machine (the bundled one, an export): ask for one. */
async function evaluateNow(deps: EvaluateDeps, modelDir: string): Promise<void> {
  let dataRoot: string | undefined;
  try {
    const meta = JSON.parse(fs.readFileSync(path.join(modelDir, 'metadata.json'), 'utf8')) as { dataset?: { root?: unknown } };
    dataRoot = typeof meta.dataset?.root === 'string' && fs.existsSync(meta.dataset.root) ? meta.dataset.root : undefined;
  } catch { /* the backend's evaluation names what is wrong with the folder */ }
  if (dataRoot) {
    await evaluateModel(deps, modelDir);
    return;
  }
  const picked = await vscode.window.showOpenDialog({
    title: vscode.l10n.t('Evaluate on which dataset? (its Testing split is scored)'), canSelectFolders: true, canSelectFiles: false,
    openLabel: vscode.l10n.t('Evaluate on this dataset'),
  });
  if (picked?.[0]) await evaluateModel(deps, { modelDir, dataRoot: picked[0].fsPath, external: [] });
}

/** Show Metrics: the saved evaluation of any model (a run, an exported folder, the bundled one), without computing anything. */
export async function showMetrics(deps: EvaluateDeps, arg?: unknown): Promise<void> {
  const modelDir = typeof arg === 'string' ? arg : arg instanceof vscode.Uri ? arg.fsPath : await pickModel(deps);
  if (!modelDir) return;
  const report = await deps.backend.readEvaluation(modelDir);
  if (!report) {
    const pick = await vscode.window.showInformationMessage(vscode.l10n.t('Brain Tumor: {0} has not been evaluated here yet.', path.basename(modelDir)), vscode.l10n.t('Evaluate Now'));
    if (pick) await evaluateNow(deps, modelDir);
    return;
  }
  MetricsPanel.show(deps.context.extensionUri, report, metricsActions(deps));
}
