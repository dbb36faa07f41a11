/**
 * The Runs view: every run folder of the runs folder, newest first, read from disk (never through the backend,
 * so an open sidebar does not start it). It redraws when run files change on disk and on every training event
 * of the run this window follows (the epoch count and accuracy move live).
 */
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { TrainingController } from '../training/trainingController';
import { listRunDirs } from '../training/runsFolder';
import { isReadable, readRunRecord, type RunRecord, type UnreadableRun } from './runRecords';
import { runItemView, unreadableItemView, type ItemView } from './treeItemViews';

/** The element of the Runs view, and the argument its commands receive (`runDir`). */
export interface RunNode { readonly kind: 'run'; readonly runDir: string; readonly record: RunRecord | UnreadableRun }

export function treeItemOf(v: ItemView, collapsible = vscode.TreeItemCollapsibleState.None): vscode.TreeItem {
  const item = new vscode.TreeItem(v.label, collapsible);
  item.description = v.description;
  item.tooltip = new vscode.MarkdownString(v.tooltip.map((l) => l.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&')).join('  \n'));
  item.iconPath = new vscode.ThemeIcon(v.icon, v.color ? new vscode.ThemeColor(v.color) : undefined);
  item.contextValue = v.contextValue;
  return item;
}

export class RunsTree implements vscode.TreeDataProvider<RunNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly stateChanged = new vscode.EventEmitter<void>();
  /** Fires after the run list was read again (context keys follow it). */
  readonly onDidReadRuns = this.stateChanged.event;
  private runs: RunNode[] = [];
  private watcher: vscode.FileSystemWatcher | undefined;
  private watchedDir = '';
  private watchedExists = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly runsDir: () => string, private readonly training: TrainingController, private readonly activeModelDir: () => string | undefined) {
    this.disposables.push(
      training.onDidChange(() => this.refreshSoon()),
      vscode.workspace.onDidChangeConfiguration((e) => { if (e.affectsConfiguration('brainTumor.runsFolder')) this.refreshSoon(); }),
    );
    this.read();
  }

  /** The runs as last read (readable ones only). */
  get records(): RunRecord[] {
    return this.runs.map((n) => n.record).filter(isReadable);
  }

  refreshSoon(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => { this.read(); this.changed.fire(); }, 250);
  }

  private read(): void {
    const dir = this.runsDir();
    this.watch(dir);
    const live = this.training.current?.started.runDir;
    this.runs = listRunDirs(dir).map((runDir) => {
      const record = readRunRecord(runDir);
      // The run this window trains is running even before its lock or metadata say so.
      const fixed = isReadable(record) && runDir === live ? { ...record, state: 'running' as const, resumable: false } : record;
      return { kind: 'run' as const, runDir, record: fixed };
    });
    this.stateChanged.fire();
  }

  /**
   * Watches everything in the runs folder (a deleted run folder comes as one event; refreshes are debounced), and
   * again once the folder exists (a watcher on a folder not yet made may never fire).
   */
  private watch(dir: string): void {
    const exists = fs.existsSync(dir);
    if (dir === this.watchedDir && exists === this.watchedExists) return;
    this.watcher?.dispose();
    this.watchedDir = dir;
    this.watchedExists = exists;
    this.watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(dir), '**'));
    for (const on of [this.watcher.onDidCreate, this.watcher.onDidChange, this.watcher.onDidDelete]) on(() => this.refreshSoon(), this, this.disposables);
  }

  getChildren(element?: RunNode): RunNode[] {
    return element ? [] : this.runs;
  }

  getTreeItem(node: RunNode): vscode.TreeItem {
    const r = node.record;
    const view = isReadable(r) ? runItemView(r, this.activeModelDir() === r.runDir) : unreadableItemView(r.runDir, r.error);
    const item = treeItemOf(view);
    item.id = node.runDir;
    item.command = { command: 'brainTumor.showTraining', title: vscode.l10n.t('Show Training'), arguments: [node] };
    return item;
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.watcher?.dispose();
    this.changed.dispose();
    this.stateChanged.dispose();
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }
}
