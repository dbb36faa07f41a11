/**
 * The Classification panel: one image's verdict with its Grad-CAM heat map, or a batch as a sortable, filterable
 * table whose rows open the same detail. The result travels in the webview's saved state, so a window reload
 * restores the panel without the backend.
 */
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { ClassifiedImage, ClassifyResult, FailedImage } from '../../server/protocol';
import type { FromClassificationView, ToClassificationView } from '../../webview/protocol';
import { csvFileName, toCsv } from '../../server/infer/resultsCsv';
import { log } from '../log';
import {
  inlineThumbnail, isClassifyItem, itemsByPath, parseClassificationViewState, parseFromClassificationView, replaceItem, rootsCovered, thumbnailPlan, thumbnailRoots,
} from './classificationMessages';
import { PanelHost, registerPanelSerializer, type PanelKind, type PanelPage } from './panelHost';

export const CLASSIFICATION_VIEW_TYPE = 'brainTumor.classification';
const KIND: PanelKind = { viewType: CLASSIFICATION_VIEW_TYPE, script: 'classification', name: 'Classification' };

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
  return only ? vscode.l10n.t('Classification: {0}', baseName(only.path)) : vscode.l10n.t('Classification: {0} images', result.items.length);
}

const baseName = (p: string) => p.split(/[\\/]/).pop() ?? p;

/**
 * The folders of the result's images are resource roots so that thumbnails of rows without a model input load;
 * nothing else of the disk is.
 */
function page(result: ClassifyResult): PanelPage & { roots: readonly string[] } {
  return { title: title(result), roots: thumbnailRoots(result.items.map((i) => i.path)) };
}

export class ClassificationPanel extends PanelHost<FromClassificationView, ToClassificationView> {
  private known: Set<string>;
  private roots: readonly string[];
  /** Paths whose `explain` is running: a second click waits for the first answer instead of starting another. */
  private readonly explaining = new Set<string>();
  /** Counts the results shown: an `explain` answer for an earlier one is dropped (heat maps also replace items). */
  private generation = 0;

  /** Shows `result` in the one Classification panel, creating it or replacing what it shows, and reveals it. */
  static show(extensionUri: vscode.Uri, result: ClassifyResult, actions: ClassificationActions): ClassificationPanel {
    const cur = ClassificationPanel.active;
    if (cur) {
      cur.actions = actions;
      cur.setResult(result);
      cur.reveal();
      return cur;
    }
    const first = page(result);
    return new ClassificationPanel(PanelHost.createPanel(KIND, extensionUri, first), extensionUri, result, first, actions);
  }

  /** A panel VS Code restores after a reload: everything comes from the webview's saved state. */
  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, state: unknown, actions: ClassificationActions): void {
    const result = parseClassificationViewState(state)?.result;
    if (!result) return PanelHost.closeUnrestorable(KIND, panel, 'result');
    log.info(`Restoring the Classification panel (${result.items.length} images).`);
    const first = page(result);
    PanelHost.adoptPanel(KIND, panel, extensionUri, first.roots);
    new ClassificationPanel(panel, extensionUri, result, first, actions);
  }

  private constructor(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, private result: ClassifyResult,
    first: PanelPage & { roots: readonly string[] }, private actions: ClassificationActions) {
    super(panel, extensionUri, KIND, first);
    this.known = new Set(result.items.map((i) => i.path));
    this.roots = first.roots;
  }

  /** The open Classification panel, if any. */
  static get active(): ClassificationPanel | undefined {
    const cur = PanelHost.opened(KIND);
    return cur instanceof ClassificationPanel ? cur : undefined;
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
    const next = page(result);
    if (!rootsCovered(next.roots, this.roots)) {
      // New folders to read from: a fresh page under them (it asks for the result when ready).
      this.roots = next.roots;
      this.reload(next);
      return;
    }
    this.send();
  }

  private send(): void {
    if (this.disposed) return;
    const thumbs: Record<string, string> = {};
    const inline = new Set(thumbnailPlan(this.result.items.map((i) => i.path)).inline);
    for (const item of this.result.items) {
      if (!item.ok || item.input) continue;
      if (!inline.has(item.path)) {
        thumbs[item.path] = this.fileUrl(item.path);
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
    this.post({ type: 'result', result: this.result, thumbs });
  }

  private async explain(path: string): Promise<void> {
    if (this.explaining.has(path)) return;
    this.explaining.add(path);
    const generation = this.generation;
    let reply: Extract<ToClassificationView, { type: 'explained' }>;
    try {
      const item = await this.actions.explain(path);
      if (!isClassifyItem(item)) throw new Error(vscode.l10n.t('the backend answered with something that is not a classified image'));
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
    this.post(reply);
  }

  /** Only paths of the result on screen are accepted: the page cannot name other files. */
  protected override parse(raw: unknown): FromClassificationView | undefined {
    return parseFromClassificationView(raw, this.known);
  }

  protected override handle(m: FromClassificationView): Promise<void> | void {
    switch (m.type) {
      case 'ready': return this.send();
      case 'open': return this.actions.openImage(m.path);
      case 'explain': return this.explain(m.path);
      case 'exportCsv':
        return this.actions.exportCsv(toCsv(itemsByPath(this.result, m.paths), this.result.model.classes), csvFileName(new Date()));
    }
  }
}

/** Restores the Classification panel after a window reload (register once, at activation). */
export function registerClassificationSerializer(extensionUri: vscode.Uri, actions: ClassificationActions): vscode.Disposable {
  return registerPanelSerializer(KIND, (panel, state) => ClassificationPanel.revive(panel, extensionUri, state, actions));
}
