/**
 * The model classification uses in this workspace: the bundled one unless the user picked another with Select
 * Model (kept in workspace state). Its status bar item names it and its Testing accuracy, or says what is wrong
 * with it; a click opens Select Model.
 */
import * as vscode from 'vscode';
import type { ModelInfo } from '../../server/protocol';
import { describeModel } from '../statusText';
import type { BackendClient } from '../backendClient';
import { log } from '../log';

const KEY = 'brainTumor.activeModel';

export class ActiveModel implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;
  private readonly item = vscode.window.createStatusBarItem('brainTumor.model', vscode.StatusBarAlignment.Right, 99);
  private info: ModelInfo | null = null;
  private generation = 0;

  constructor(private readonly context: vscode.ExtensionContext, private readonly backend: BackendClient) {
    this.item.name = vscode.l10n.t('Brain Tumor Model');
    this.item.command = 'brainTumor.selectModel';
    this.item.text = `$(package) ${vscode.l10n.t({ message: 'model', comment: 'Status bar text before the active model is known.' })}`;
    this.item.tooltip = vscode.l10n.t('Brain Tumor: the model classification uses. Click to select another.');
  }

  /** The chosen model folder, or undefined for the bundled model. */
  get modelDir(): string | undefined {
    return this.context.workspaceState.get<string>(KEY) || undefined;
  }

  get current(): ModelInfo | null {
    return this.info;
  }

  /** Makes `info` (already loaded and checked by the backend) the active model. */
  async set(info: ModelInfo): Promise<void> {
    await this.context.workspaceState.update(KEY, info.bundled ? undefined : info.modelDir);
    this.show(info);
  }

  show(info: ModelInfo): void {
    this.info = info;
    const d = describeModel(info);
    this.item.text = d.text;
    this.item.tooltip = d.tooltip;
    this.item.backgroundColor = undefined;
    this.item.show();
    this.emitter.fire();
  }

  /** Asks the backend for the active model; on failure the item warns with the backend's message. */
  async refresh(): Promise<void> {
    const mine = ++this.generation;
    if (this.backend.state !== 'running') return;
    try {
      const info = await this.backend.loadModel(this.modelDir);
      if (mine === this.generation) this.show(info);
    } catch (e) {
      if (mine !== this.generation) return;
      const message = (e as Error).message;
      log.warn(`Active model: ${message}`);
      this.info = null;
      this.item.text = `$(warning) ${vscode.l10n.t('Model unavailable')}`;
      this.item.tooltip = `${vscode.l10n.t('Brain Tumor: {0}', message)}\n${vscode.l10n.t('Click to select another model.')}`;
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
      this.item.show();
    }
  }

  dispose(): void {
    this.item.dispose();
    this.emitter.dispose();
  }
}
