/**
 * The one way this extension builds webview HTML: a strict Content-Security-Policy with a fresh nonce, only
 * local scripts and styles from dist/webview (through asWebviewUri), no remote content of any kind, and the page's
 * language (webviewShell.ts).
 */
import * as crypto from 'node:crypto';
import * as vscode from 'vscode';
import { panelShellHtml } from './webviewShell';

export const WEBVIEW_DIR = ['dist', 'webview'] as const;

/**
 * Scripts on; readable: the extension's webview folder and `roots`, the folders a panel shows images from
 * (a dataset, a batch's folders). Nothing else of the disk is opened to the page.
 */
export function webviewOptions(extensionUri: vscode.Uri, roots: readonly string[] = []): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, ...WEBVIEW_DIR), ...roots.map((r) => vscode.Uri.file(r))],
    retainContextWhenHidden: false,
  };
}

export function makeNonce(): string {
  return crypto.randomBytes(18).toString('base64');
}

/**
 * The page shell (webviewShell.ts) with the page's language: VS Code's display language and the bundle it loaded for
 * it (none in English), embedded in the HTML so that the page draws in that language from its first frame.
 */
export function panelHtml(webview: vscode.Webview, extensionUri: vscode.Uri, name: string, title: string): string {
  const nonce = makeNonce();
  const asset = (file: string) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...WEBVIEW_DIR, file)).toString();
  return panelShellHtml({
    cspSource: webview.cspSource, nonce, styleHref: asset('common.css'), scriptSrc: asset(`${name}.js`), title,
    language: vscode.env.language, bundle: vscode.l10n.bundle, loadingText: vscode.l10n.t('Loading...'),
  });
}
