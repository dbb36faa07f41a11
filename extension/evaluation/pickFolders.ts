/**
 * A multi-select quick pick of folders remembered per workspace (Evaluate Model's external sets, Train Model's
 * dataset folders): the remembered folders that still exist, the last choice ticked, an "Add folder..." item that
 * opens the folder dialog (several at once), and a button on each folder to forget it. The choice is remembered.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { forgetFolder, readFolderChoice, recordChoice, type FolderChoice } from './folderChoice';

export interface PickFoldersOptions {
  state: vscode.Memento;
  /** workspaceState key of the remembered FolderChoice. */
  key: string;
  title: string;
  placeHolder: string;
  /** The folder dialog's button. */
  openLabel: string;
  /** Under "Add folder...": what a folder should hold. */
  addDetail: string;
  /** Accepting with nothing ticked: allowed (an empty list) or asks again. Default true. */
  allowNone?: boolean;
}

interface FolderItem extends vscode.QuickPickItem { dir?: string; add?: true }

const forget = (): vscode.QuickInputButton => ({ iconPath: new vscode.ThemeIcon('close'), tooltip: vscode.l10n.t('Forget this folder') });
const isDir = (d: string) => { try { return fs.statSync(d).isDirectory(); } catch { return false; } };

function folderItem(dir: string, button: vscode.QuickInputButton): FolderItem {
  return { label: `$(folder) ${path.basename(dir)}`, description: path.dirname(dir), dir, buttons: [button] };
}

/** The folders chosen (possibly none), or undefined when the user cancels. */
export async function pickFolders(o: PickFoldersOptions): Promise<string[] | undefined> {
  let choice: FolderChoice = readFolderChoice(o.state.get(o.key), isDir);
  const add: FolderItem = { label: `$(new-folder) ${vscode.l10n.t('Add folder...')}`, detail: o.addDetail, add: true, alwaysShow: true };
  const button = forget();
  const picked = await new Promise<FolderItem[] | undefined>((resolve) => {
    const qp = vscode.window.createQuickPick<FolderItem>();
    qp.title = o.title;
    qp.placeholder = o.placeHolder;
    qp.canSelectMany = true;
    qp.ignoreFocusOut = true;
    qp.matchOnDescription = true;
    const items = () => [...choice.known.map((d) => folderItem(d, button)), add];
    qp.items = items();
    qp.selectedItems = qp.items.filter((i) => i.dir && choice.chosen.includes(i.dir));
    let done = false;
    const finish = (v: FolderItem[] | undefined) => { if (!done) { done = true; resolve(v); qp.dispose(); } };
    qp.onDidTriggerItemButton((e) => {
      if (!e.item.dir) return;
      choice = forgetFolder(choice, e.item.dir);
      void o.state.update(o.key, choice);
      const keep = new Set(qp.selectedItems.map((i) => i.dir));
      qp.items = items();
      qp.selectedItems = qp.items.filter((i) => i.dir && keep.has(i.dir));
    });
    qp.onDidAccept(() => finish([...qp.selectedItems]));
    qp.onDidHide(() => finish(undefined));
    qp.show();
  });
  if (!picked) return undefined;
  const chosen = picked.flatMap((i) => (i.dir ? [i.dir] : []));
  let added: string[] = [];
  if (picked.some((i) => i.add)) {
    const uris = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, canSelectMany: true, openLabel: o.openLabel, title: o.title });
    if (!uris?.length && !chosen.length) return pickFolders(o); // the dialog was closed: back to the list
    added = (uris ?? []).map((u) => u.fsPath);
  }
  const next = recordChoice(choice, chosen, added);
  if (!next.chosen.length && o.allowNone === false) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Brain Tumor: choose at least one folder.'));
    return pickFolders(o);
  }
  await o.state.update(o.key, next);
  return next.chosen;
}
