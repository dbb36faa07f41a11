/**
 * Where the backend caches decoded images and scans: `.brain-tumor/cache/` in the first workspace folder (so a
 * project's cache stays with it), else the extension's global storage. The folder gets a `.gitignore` of `*`
 * so that git never picks the cache up.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

export function cacheFolder(context: vscode.ExtensionContext): string {
  const ws = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file');
  const base = ws ? path.join(ws.uri.fsPath, '.brain-tumor') : context.globalStorageUri.fsPath;
  const dir = path.join(base, 'cache');
  try {
    fs.mkdirSync(dir, { recursive: true });
    if (ws && !fs.existsSync(path.join(base, '.gitignore'))) fs.writeFileSync(path.join(base, '.gitignore'), '*\n');
  } catch {
    // A read-only workspace: the backend reports the failure when it writes; nothing else depends on this.
  }
  return dir;
}
