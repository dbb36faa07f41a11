/**
 * Where the backend caches decoded images and scans: `.brain-tumor/cache/` in the first workspace folder (so a
 * project's cache stays with it), else the extension's global storage. The folder gets a `.gitignore` of `*`
 * so that git never picks the cache up.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { prepareFolder } from './workspaceFolder';

export function cacheFolder(context: vscode.ExtensionContext): string {
  const ws = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file');
  const base = ws ? path.join(ws.uri.fsPath, '.brain-tumor') : context.globalStorageUri.fsPath;
  const dir = path.join(base, 'cache');
  // Nothing is written into an untrusted workspace; the extension's own storage is always fine.
  prepareFolder(dir, !ws || vscode.workspace.isTrusted, ws ? base : undefined);
  return dir;
}
