/**
 * The Models view: the bundled model, model folders picked before with Select Model, and the runs that have a
 * trained model; the one classification uses is marked. Read from disk (metadata.json's last evaluation), never
 * through the backend.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ActiveModel } from '../classification/activeModel';
import { isReadable, readRunRecord } from './runRecords';
import type { RunsTree } from './runsTree';
import { treeItemOf } from './runsTree';
import { modelItemView, type ModelKind } from './treeItemViews';

const PICKED_KEY = 'brainTumor.models.picked';
const MAX_PICKED = 20;

/** The element of the Models view; commands get `modelDir` (and `runDir` for a run's model, `bundled` for the bundled one). */
export interface ModelNode { readonly kind: 'model'; readonly modelKind: ModelKind; readonly modelDir: string; readonly runDir?: string; readonly bundled?: true }

export class ModelsTree implements vscode.TreeDataProvider<ModelNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly context: vscode.ExtensionContext, private readonly runs: RunsTree, private readonly active: ActiveModel,
    private readonly bundledDir: string) {
    this.disposables.push(
      runs.onDidReadRuns(() => this.changed.fire()),
      active.onDidChange(() => void this.rememberActive()),
    );
  }

  /** A model folder that is not a run of the runs view is remembered once picked (Select Model keeps only the current one). */
  private async rememberActive(): Promise<void> {
    const dir = this.active.modelDir;
    if (dir && !this.runs.records.some((r) => r.runDir === dir)) await this.remember(dir);
    this.changed.fire();
  }

  /** Lists a model folder (picked, or just exported) from now on. */
  async remember(dir: string): Promise<void> {
    const picked = this.picked();
    if (!picked.includes(dir)) await this.context.workspaceState.update(PICKED_KEY, [dir, ...picked].slice(0, MAX_PICKED));
    this.changed.fire();
  }

  private picked(): string[] {
    const v = this.context.workspaceState.get<unknown>(PICKED_KEY);
    return Array.isArray(v) ? v.filter((d): d is string => typeof d === 'string' && path.isAbsolute(d)) : [];
  }

  getChildren(element?: ModelNode): ModelNode[] {
    if (element) return [];
    const runDirs = new Set(this.runs.records.map((r) => r.runDir));
    const folders = this.picked().filter((d) => !runDirs.has(d) && fs.existsSync(path.join(d, 'model.json')));
    const runs = this.runs.records.filter((r) => r.hasModel && r.epochsDone > 0 && r.state !== 'running');
    return [
      { kind: 'model', modelKind: 'bundled', modelDir: this.bundledDir, bundled: true },
      ...folders.map((d): ModelNode => ({ kind: 'model', modelKind: 'folder', modelDir: d })),
      ...runs.map((r): ModelNode => ({ kind: 'model', modelKind: 'run', modelDir: r.runDir, runDir: r.runDir })),
    ];
  }

  getTreeItem(node: ModelNode): vscode.TreeItem {
    const activeDir = this.active.modelDir;
    const isActive = node.bundled ? !activeDir : activeDir === node.modelDir;
    const record = readRunRecord(node.modelDir);
    const item = treeItemOf(modelItemView(node.modelKind, node.modelDir, isActive, isReadable(record) ? record.testAcc : null, isReadable(record) ? record.bestValAcc : null));
    item.id = `model:${node.modelDir}`;
    return item;
  }

  dispose(): void {
    this.changed.dispose();
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }
}
