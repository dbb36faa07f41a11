/**
 * The Classification panel: one image's verdict with its Grad-CAM heat map, or a batch as a sortable, filterable
 * table whose rows open the same detail. The result travels in the webview's saved state, so a window reload
 * restores the panel without the backend.
 */
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { ClassifiedImage, ClassifyResult, FailedImage } from '../../server/protocol';
import type { ToClassificationView } from '../../webview/protocol';
import { csvFileName, toCsv } from '../../server/infer/resultsCsv';
import { log } from '../log';
import {
  inlineThumbnail, isClassifyItem, itemsByPath, parseClassificationViewState, parseFromClassificationView, replaceItem, rootsCovered, thumbnailPlan, thumbnailRoots,
} from './classificationMessages';
import { panelHtml, WEBVIEW_DIR } from './webviewHtml';

export const CLASSIFICATION_VIEW_TYPE = 'brainTumor.classification';

/** What the panel needs from the rest of the extension (commands wire these). */
export interface ClassificationActions {
  /** Open one of the classified images in an editor. */
  openImage(path: string): void;
  /** Classify one image again with its heat map and model input (a batch row opened without them). */
  explain(path: string): Promise<ClassifiedImage | FailedImage>;
  /** The Export CSV button: save `csv` where the user chooses, proposing `suggestedName`. */
  exportCsv(csv: string, suggestedName: string): void;
}

function title(result: ClassifyResult): string {
  const only = result.items.length === 1 ? result.items[0] : undefined;
  return only ? `Classification: ${baseName(only.path)}` : `Classification: ${result.items.length} images`;
}

const baseName = (p: string) => p.split(/[\\/]/).pop() ?? p;

/** The folders of the result's images, for thumbnails of rows without a model input. */
function imageRoots(result: ClassifyResult): string[] {
  return thumbnailRoots(result.items.map((i) => i.path));
}

function options(extensionUri: vscode.Uri, roots: readonly string[]): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  // The images' folders are resource roots so that batch thumbnails load; nothing else of the disk is.
  return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, ...WEBVIEW_DIR), ...roots.map((r) => vscode.Uri.file(r))] };
}

export class ClassificationPanel {
  private static current: ClassificationPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private disposed = false;
  private known: Set<string>;
  private roots: string[];
  /** Paths whose `explain` is running: a second click waits for the first answer instead of starting another. */
  private readonly explaining = new Set<string>();
  /** Counts the results shown: an `explain` answer for an earlier one is dropped (heat maps also replace items). */
  private generation = 0;

  /** Shows `result` in the one Classification panel, creating it or replacing what it shows, and reveals it. */
  static show(extensionUri: vscode.Uri, result: ClassifyResult, actions: ClassificationActions): ClassificationPanel {
    const cur = ClassificationPanel.current;
    if (cur && !cur.disposed) {
      cur.actions = actions;
      cur.setResult(result);
      cur.panel.reveal();
      return cur;
    }
    const roots = imageRoots(result);
    const panel = vscode.window.createWebviewPanel(CLASSIFICATION_VIEW_TYPE, title(result), vscode.ViewColumn.Active, options(extensionUri, roots));
    return new ClassificationPanel(panel, extensionUri, result, roots, actions);
  }

  /** A panel VS Code restores after a reload: everything comes from the webview's saved state. */
  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, state: unknown, actions: ClassificationActions): void {
    const saved = parseClassificationViewState(state);
    if (!saved?.result) {
      log.info('Classification panel: no saved result to restore; closing it.');
      panel.dispose();
      return;
    }
    log.info(`Restoring the Classification panel (${saved.result.items.length} images).`);
    ClassificationPanel.current?.dispose();
    const roots = imageRoots(saved.result);
    panel.webview.options = options(extensionUri, roots);
    new ClassificationPanel(panel, extensionUri, saved.result, roots, actions);
  }

  private constructor(private readonly panel: vscode.WebviewPanel, private readonly extensionUri: vscode.Uri, private result: ClassifyResult,
    roots: string[], private actions: ClassificationActions) {
    ClassificationPanel.current = this;
    this.known = new Set(result.items.map((i) => i.path));
    this.roots = roots;
    panel.title = title(result);
    panel.iconPath = vscode.Uri.joinPath(extensionUri, ...WEBVIEW_DIR, 'icon.svg');
    panel.webview.html = panelHtml(panel.webview, extensionUri, 'classification', title(result));
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((m: unknown) => void this.onMessage(m)),
    );
  }

  /** The open Classification panel, if any. */
  static get active(): ClassificationPanel | undefined {
    return ClassificationPanel.current;
  }

  /** The result on screen, with the heat maps fetched since. */
  get shown(): ClassifyResult {
    return this.result;
  }

  private setResult(result: ClassifyResult): void {
    this.result = result;
    this.generation++;
    this.known = new Set(result.items.map((i) => i.path));
    this.explaining.clear();
    this.panel.title = title(result);
    const roots = imageRoots(result);
    if (!rootsCovered(roots, this.roots)) {
      // New folders to read from: new options, and a fresh page under them (it asks for the result when ready).
      this.roots = roots;
      this.panel.webview.options = options(this.extensionUri, roots);
      this.panel.webview.html = panelHtml(this.panel.webview, this.extensionUri, 'classification', title(result));
      return;
    }
    this.post();
  }

  private post(): void {
    if (this.disposed) return;
    const thumbs: Record<string, string> = {};
    const inline = new Set(thumbnailPlan(this.result.items.map((i) => i.path)).inline);
    for (const item of this.result.items) {
      if (!item.ok || item.input) continue;
      if (!inline.has(item.path)) {
        thumbs[item.path] = this.panel.webview.asWebviewUri(vscode.Uri.file(item.path)).toString();
        continue;
      }
      // Its folder is not opened to the page (the home folder, a root): this one file is sent instead.
      try {
        const url = inlineThumbnail(item.path, fs.readFileSync(item.path));
        if (url) thumbs[item.path] = url;
      } catch {
        // Gone since it was classified: the row shows no thumbnail.
      }
    }
    const msg: ToClassificationView = { type: 'result', result: this.result, thumbs };
    void this.panel.webview.postMessage(msg);
  }

  private async explain(path: string): Promise<void> {
    if (this.explaining.has(path)) return;
    this.explaining.add(path);
    const generation = this.generation;
    let reply: Extract<ToClassificationView, { type: 'explained' }>;
    try {
      const item = await this.actions.explain(path);
      if (!isClassifyItem(item)) throw new Error('the backend answered with something that is not a classified image');
      reply = { type: 'explained', path, item: { ...item, path }, error: null };
    } catch (e) {
      const error = (e as Error).message;
      log.warn(`Classification panel: no heat map for ${path}: ${error}`);
      reply = { type: 'explained', path, item: null, error };
    } finally {
      this.explaining.delete(path);
    }
    if (this.disposed || generation !== this.generation) return; // a newer result replaced the one that asked
    if (reply.item) this.result = replaceItem(this.result, path, reply.item);
    void this.panel.webview.postMessage(reply);
  }

  private async onMessage(raw: unknown): Promise<void> {
    const m = parseFromClassificationView(raw, this.known);
    if (!m) {
      log.warn(`Classification panel: ignored an unexpected message ${JSON.stringify(raw)?.slice(0, 200)}`);
      return;
    }
    switch (m.type) {
      case 'ready': return this.post();
      case 'open': return this.actions.openImage(m.path);
      case 'explain': return this.explain(m.path);
      case 'exportCsv':
        return this.actions.exportCsv(toCsv(itemsByPath(this.result, m.paths), this.result.model.classes), csvFileName(new Date()));
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (ClassificationPanel.current === this) ClassificationPanel.current = undefined;
    this.panel.dispose();
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }
}

/** Restores the Classification panel after a window reload (register once, at activation). */
export function registerClassificationSerializer(extensionUri: vscode.Uri, actions: ClassificationActions): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(CLASSIFICATION_VIEW_TYPE, {
    deserializeWebviewPanel: (panel: vscode.WebviewPanel, state: unknown) => {
      ClassificationPanel.revive(panel, extensionUri, state, actions);
      return Promise.resolve();
    },
  });
}
