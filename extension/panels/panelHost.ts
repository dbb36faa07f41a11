/**
 * What every panel of the extension shares, so that each panel file keeps only its own view state and handlers:
 * one panel per view type, created or revealed; a panel VS Code restores after a reload adopted; the page shell
 * with its CSP (webviewHtml.ts); messages from the page validated before anything acts on them; posts dropped once
 * the panel is closed; the folders the page may read images from; thumbnails and opening files of those folders.
 */
import * as vscode from 'vscode';
import { log } from '../log';
import { resolveInside } from './datasetMessages';
import { panelHtml, WEBVIEW_DIR, webviewOptions } from './webviewHtml';

/** What is the same for every panel of one kind. */
export interface PanelKind {
  readonly viewType: string;
  /** The page's script: dist/webview/<script>.js. */
  readonly script: string;
  /** How log lines name the panel ("Dataset panel: ..."). */
  readonly name: string;
  /** Reveal without taking the focus: the Training panel is also shown by runs that start on their own. */
  readonly preserveFocus?: boolean;
}

/** The page's title, and the folders besides the extension's webview folder that it may load images from. */
export interface PanelPage {
  readonly title: string;
  readonly roots?: readonly string[];
}

/** The open panel of each view type: VS Code would open any number, each of ours is one of a kind. */
const open = new Map<string, PanelHost<unknown, unknown>>();

/** `In`: the messages the page sends (as its validator returns them); `Out`: those it is sent. */
export abstract class PanelHost<In, Out> implements vscode.Disposable {
  private readonly subscriptions: vscode.Disposable[] = [];
  private closed = false;

  /** The open panel of `kind`, if any; a subclass narrows it to itself with instanceof. */
  protected static opened(kind: PanelKind): PanelHost<unknown, unknown> | undefined {
    return open.get(kind.viewType);
  }

  /** A new webview panel of `kind` in the active column; the open one, if any, is closed first. */
  protected static createPanel(kind: PanelKind, extensionUri: vscode.Uri, page: PanelPage): vscode.WebviewPanel {
    open.get(kind.viewType)?.dispose();
    return vscode.window.createWebviewPanel(kind.viewType, page.title, vscode.ViewColumn.Active, webviewOptions(extensionUri, page.roots));
  }

  /** A restored panel whose saved state has nothing to show is closed rather than left blank. */
  protected static closeUnrestorable(kind: PanelKind, panel: vscode.WebviewPanel, what: string): void {
    log.info(`${kind.name} panel: no saved ${what} to restore; closing it.`);
    panel.dispose();
  }

  /** A panel VS Code restored after a reload replaces the open one; its options are this session's (the roots may differ). */
  protected static adoptPanel(kind: PanelKind, panel: vscode.WebviewPanel, extensionUri: vscode.Uri, roots?: readonly string[]): void {
    open.get(kind.viewType)?.dispose();
    panel.webview.options = webviewOptions(extensionUri, roots);
  }

  protected constructor(protected readonly panel: vscode.WebviewPanel, protected readonly extensionUri: vscode.Uri,
    private readonly kind: PanelKind, page: PanelPage) {
    open.set(kind.viewType, this);
    panel.title = page.title;
    panel.iconPath = vscode.Uri.joinPath(extensionUri, ...WEBVIEW_DIR, 'icon.svg');
    panel.webview.html = panelHtml(panel.webview, extensionUri, kind.script, page.title);
    this.subscriptions.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((m: unknown) => void this.receive(m)),
    );
  }

  /** The page's message as the panel's validator accepts it, or undefined for anything else. */
  protected abstract parse(raw: unknown): In | undefined;

  /** Acts on a message that passed `parse`. */
  protected abstract handle(m: In): void | Promise<void>;

  /** Closed by the user or replaced: a panel's webview must not be touched any more (VS Code throws). */
  protected get disposed(): boolean {
    return this.closed;
  }

  /** Disposed with the panel (event subscriptions of the subclass). */
  protected track(...d: vscode.Disposable[]): void {
    this.subscriptions.push(...d);
  }

  /** Sends `msg` to the page; dropped once the panel is closed, since async work often ends after that. */
  protected post(msg: Out): void {
    if (!this.closed) void this.panel.webview.postMessage(msg);
  }

  protected reveal(): void {
    this.panel.reveal(undefined, this.kind.preserveFocus);
  }

  /** New folders to read from: new options and a fresh page under them (it asks for its data when ready). */
  protected reload(page: PanelPage): void {
    this.panel.webview.options = webviewOptions(this.extensionUri, page.roots);
    this.panel.webview.html = panelHtml(this.panel.webview, this.extensionUri, this.kind.script, page.title);
  }

  /** The page's URL of a file in one of its roots. */
  protected fileUrl(abs: string): string {
    return this.panel.webview.asWebviewUri(vscode.Uri.file(abs)).toString();
  }

  /** Thumbnail URLs by relative path of files inside `root`; a path that would leave it gets none. */
  protected thumbsInside(root: string, rels: Iterable<string>): Record<string, string> {
    const thumbs: Record<string, string> = {};
    for (const rel of rels) {
      const abs = resolveInside(root, rel);
      if (abs) thumbs[rel] = this.fileUrl(abs);
    }
    return thumbs;
  }

  /** Opens `rel` inside `root` beside the panel. The path comes from the page, so one leaving `root` is refused. */
  protected async openInside(root: string, rel: string): Promise<void> {
    const abs = resolveInside(root, rel);
    if (!abs) {
      log.warn(`${this.kind.name} panel: refused to open ${JSON.stringify(rel)}, which is outside ${root}`);
      return;
    }
    try {
      await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(abs), { preview: true, viewColumn: vscode.ViewColumn.Beside });
    } catch (e) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Brain Tumor: cannot open {0}: {1}', rel, (e as Error).message));
    }
  }

  /** Messages from a webview are untrusted input: only what the validator accepts reaches `handle`. */
  private async receive(raw: unknown): Promise<void> {
    const m = this.parse(raw);
    if (m === undefined) {
      log.warn(`${this.kind.name} panel: ignored an unexpected message ${JSON.stringify(raw)?.slice(0, 200)}`);
      return;
    }
    await this.handle(m);
  }

  dispose(): void {
    if (this.closed) return;
    this.closed = true;
    if (open.get(this.kind.viewType) === this) open.delete(this.kind.viewType);
    this.panel.dispose();
    while (this.subscriptions.length) this.subscriptions.pop()?.dispose();
  }
}

/** Has VS Code hand `kind`'s panel back after a window reload to `revive` (register once, at activation). */
export function registerPanelSerializer(kind: PanelKind, revive: (panel: vscode.WebviewPanel, state: unknown) => void): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(kind.viewType, {
    deserializeWebviewPanel: (panel: vscode.WebviewPanel, state: unknown) => {
      revive(panel, state);
      return Promise.resolve();
    },
  });
}
