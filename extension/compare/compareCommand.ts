/**
 * Compare Runs: the runs named by the arguments (paths, or the Runs view's items, one or a multi-selection), or
 * picked from the runs folder in a multi-select quick pick; each read from its folder by the backend (readRun, and
 * readEvaluation for the Testing and external figures), shown in the Compare Runs panel. A run that cannot be read
 * is named in the panel rather than failing the whole comparison.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunSummary } from '../../server/protocol';
import type { CompareRun } from '../../webview/protocol';
import type { BackendClient } from '../backendClient';
import { percent } from '../locale';
import { log } from '../log';
import { ComparePanel, type CompareActions } from '../panels/comparePanel';
import { isEvaluationReport } from '../panels/metricsMessages';
import { listRunDirs, runsFolder } from '../training/runsFolder';
import { statusText } from '../views/treeItemViews';
import { compareRunFrom, MAX_COMPARED, runDirsFromArgs, runsCsv } from './compareRuns';

export interface CompareDeps {
  context: vscode.ExtensionContext;
  backend: BackendClient;
}

/** The runs in the runs folder, newest first, ticked by the user; undefined when cancelled. */
async function pickRuns(deps: CompareDeps): Promise<string[] | undefined> {
  const folder = runsFolder(deps.context);
  const summaries: RunSummary[] = [];
  for (const dir of listRunDirs(folder).slice(0, 50)) {
    try {
      summaries.push(await deps.backend.readRun(dir));
    } catch (e) {
      log.warn(`Compare Runs: skipping ${dir}: ${(e as Error).message}`);
    }
  }
  if (summaries.length < 2) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Brain Tumor: Compare Runs needs two runs or more in {0}; it has {1}.', folder, summaries.length));
    return undefined;
  }
  const picks = await vscode.window.showQuickPick(summaries.map((r, i) => ({
    label: r.runId, runDir: r.runDir, picked: i < 2,
    description: [r.config.model, vscode.l10n.t('{0} of {1} epochs', r.history.length, r.config.epochs), statusText(r.status),
      ...(r.history[r.bestEpoch] ? [vscode.l10n.t('val acc {0}', percent(r.history[r.bestEpoch]!.valAcc))] : [])].join(', '),
    detail: r.runDir,
  })), { title: vscode.l10n.t('Compare Runs'), placeHolder: vscode.l10n.t('Tick the runs to compare (two or more)'), canPickMany: true, ignoreFocusOut: true });
  return picks?.map((p) => p.runDir);
}

/** A run's row, or the sentence saying why it cannot be compared. */
async function readCompareRun(deps: CompareDeps, runDir: string): Promise<CompareRun | string> {
  try {
    const summary = await deps.backend.readRun(runDir);
    // An evaluation that cannot be read leaves the Testing columns empty; it does not drop the run.
    const report = await deps.backend.readEvaluation(runDir).catch((e: Error) => {
      log.warn(`Compare Runs: no evaluation for ${runDir}: ${e.message}`);
      return null;
    });
    return compareRunFrom(summary, isEvaluationReport(report) ? report : null);
  } catch (e) {
    return vscode.l10n.t('{0} cannot be compared: {1}', path.basename(runDir), (e as Error).message);
  }
}

export function compareActions(): CompareActions {
  return { exportCsv: (runs) => exportCsv(runs) };
}

async function exportCsv(runs: CompareRun[]): Promise<void> {
  const dir = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file')?.uri.fsPath;
  const target = await vscode.window.showSaveDialog({
    title: vscode.l10n.t('Export the runs as CSV'), saveLabel: vscode.l10n.t('Export'),
    ...(dir ? { defaultUri: vscode.Uri.file(path.join(dir, 'runs.csv')) } : {}), filters: { CSV: ['csv'] },
  });
  if (!target) return;
  try {
    await fs.promises.writeFile(target.fsPath, runsCsv(runs));
    log.info(`Compare Runs: ${runs.length} runs written to ${target.fsPath}`);
  } catch (e) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Brain Tumor: cannot write the CSV: {0}', (e as Error).message));
  }
}

/** The command: `arg` and `selected` as VS Code or a caller passes them. Returns the panel's runs (for callers and tests). */
export async function compareRuns(deps: CompareDeps, arg?: unknown, selected?: unknown): Promise<readonly CompareRun[] | undefined> {
  const dirs = runDirsFromArgs(arg, selected) ?? await pickRuns(deps);
  if (!dirs?.length) return undefined;
  if (dirs.length > MAX_COMPARED) void vscode.window.showWarningMessage(vscode.l10n.t('Brain Tumor: comparing the first {0} of {1} runs.', MAX_COMPARED, dirs.length));
  const results = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Reading the runs') },
    () => Promise.all(dirs.slice(0, MAX_COMPARED).map((d) => readCompareRun(deps, d))));
  const runs = results.filter((r): r is CompareRun => typeof r !== 'string');
  const problems = results.filter((r): r is string => typeof r === 'string');
  if (!runs.length) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Brain Tumor: {0}', problems[0] ?? vscode.l10n.t('no run to compare.')));
    return undefined;
  }
  return ComparePanel.show(deps.context.extensionUri, runs, problems, compareActions()).shown;
}
