/**
 * The Datasets view: the dataset folders this workspace used (Train Model's and Evaluate Model's remembered
 * folders, the last one scanned, and the runs' data folders), with the image counts of their last scan.
 */
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { ScanReport } from '../../server/protocol';
import { readFolderChoice } from '../evaluation/folderChoice';
import { dateTime } from '../locale';
import type { RunsTree } from './runsTree';
import { treeItemOf } from './runsTree';
import { datasetItemView, type DatasetCounts } from './treeItemViews';

/** Where the pickers and Show Dataset remember folders (see trainCommands, evaluateCommands, datasetCommands). */
const REMEMBERED_LISTS = ['brainTumor.training.dataFolders', 'brainTumor.evaluation.externalFolders'];
const LAST_SCANNED = 'brainTumor.dataset.lastRoot';
const COUNTS_KEY = 'brainTumor.datasets.counts';

const scanned = new vscode.EventEmitter<void>();

/** Keeps a scan's counts per split for the Datasets view (called after every Show Dataset). */
export async function rememberScan(state: vscode.Memento, report: ScanReport): Promise<void> {
  const all = state.get<Record<string, DatasetCounts>>(COUNTS_KEY) ?? {};
  all[report.root] = { splits: report.splits.map((s) => ({ split: s.split, usable: s.usable })), scannedAt: dateTime(new Date()) };
  await state.update(COUNTS_KEY, all);
  scanned.fire();
}

/** The element of the Datasets view; commands get the folder (`folder`). */
export interface DatasetNode { readonly kind: 'dataset'; readonly folder: string }

const isDir = (d: string) => { try { return fs.statSync(d).isDirectory(); } catch { return false; } };

export class DatasetsTree implements vscode.TreeDataProvider<DatasetNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly state: vscode.Memento, private readonly runs: RunsTree) {
    this.disposables.push(runs.onDidReadRuns(() => this.changed.fire()), scanned.event(() => this.changed.fire()));
  }

  /** Re-reads the remembered folders (the pickers do not announce their changes). */
  refresh(): void {
    this.changed.fire();
  }

  getChildren(element?: DatasetNode): DatasetNode[] {
    if (element) return [];
    const remembered = REMEMBERED_LISTS.flatMap((key) => readFolderChoice(this.state.get(key), isDir).known);
    const last = this.state.get<string>(LAST_SCANNED);
    const fromRuns = this.runs.records.flatMap((r) => r.dataRoots).filter(isDir);
    const folders = [...new Set([...(last && isDir(last) ? [last] : []), ...remembered, ...fromRuns])];
    return folders.map((folder) => ({ kind: 'dataset', folder }));
  }

  getTreeItem(node: DatasetNode): vscode.TreeItem {
    const counts = this.state.get<Record<string, DatasetCounts>>(COUNTS_KEY)?.[node.folder];
    const item = treeItemOf(datasetItemView(node.folder, counts));
    item.id = `dataset:${node.folder}`;
    item.command = { command: 'brainTumor.showDataset', title: vscode.l10n.t('Show Dataset'), arguments: [node] };
    return item;
  }

  dispose(): void {
    this.changed.dispose();
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }
}
