/**
 * Where training runs live: the `brainTumor.runsFolder` setting, else `.brain-tumor/runs/` in the first workspace
 * folder (next to the cache, git-ignored), else the extension's global storage. Also lists the run folders in it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { SECTION } from '../config';
import { prepareFolder } from '../workspaceFolder';

export function runsFolder(context: vscode.ExtensionContext): string {
  const dir = runsFolderPath(context);
  const ws = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file');
  const base = ws && path.join(ws.uri.fsPath, '.brain-tumor');
  // Nothing is written into an untrusted workspace (the backend does not run there either).
  if (base && dir === path.join(base, 'runs')) prepareFolder(base, vscode.workspace.isTrusted, base);
  return dir;
}

/** Where runs are, without creating anything (the sidebar only looks: an open view must not write a .brain-tumor folder). */
export function runsFolderPath(context: vscode.ExtensionContext): string {
  const setting = vscode.workspace.getConfiguration(SECTION).get<string>('runsFolder')?.trim();
  const ws = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file');
  if (setting) return path.isAbsolute(setting) || !ws ? setting : path.join(ws.uri.fsPath, setting);
  if (!ws) return path.join(context.globalStorageUri.fsPath, 'runs');
  return path.join(ws.uri.fsPath, '.brain-tumor', 'runs');
}

/** Run folders (those with a metadata.json) in `dir`, newest first by name (names start with the date). */
export function listRunDirs(dir: string): string[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory() && fs.existsSync(path.join(dir, d.name, 'metadata.json')))
      .map((d) => path.join(dir, d.name))
      .sort()
      .reverse();
  } catch {
    return [];
  }
}
