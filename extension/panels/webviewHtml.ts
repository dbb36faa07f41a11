/**
 * The one way this extension builds webview HTML: a strict Content-Security-Policy with a fresh nonce, only
 * local scripts and styles from dist/webview (through asWebviewUri), no remote content of any kind.
 */
import * as crypto from 'node:crypto';
import * as vscode from 'vscode';
import { contentSecurityPolicy } from './csp';

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

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The page shell; the panel's script (dist/webview/<name>.js) renders everything inside #root. */
export function panelHtml(webview: vscode.Webview, extensionUri: vscode.Uri, name: string, title: string): string {
  const nonce = makeNonce();
  const asset = (file: string) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...WEBVIEW_DIR, file)).toString();
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(webview.cspSource, nonce)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" nonce="${nonce}" href="${asset('common.css')}">
<title>${escapeHtml(title)}</title>
</head>
<body>
<main id="root" aria-live="polite"><p class="muted">Loading...</p></main>
<script nonce="${nonce}" src="${asset(`${name}.js`)}"></script>
</body>
</html>`;
}
