/**
 * Writes a chart image a panel's page exported (already checked by parseChartImage) where the user picks in the
 * save dialog: the one way any panel saves a chart, and the only file it writes is the one the user chose.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ChartImage } from '../../webview/protocol';
import { log } from '../log';
import { chartImageBytes } from './chartImageMessages';

/** Asks where to save `img` (suggested in `dir`, else the first workspace folder) and writes it; the path written, or undefined. */
export async function saveChartImage(img: ChartImage, dir?: string): Promise<string | undefined> {
  const base = dir ?? vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file')?.uri.fsPath;
  const file = `${img.name}.${img.format}`;
  const target = await vscode.window.showSaveDialog({
    // toUpperCase, not toLocaleUpperCase: the format is an identifier (no dotted İ in any display language).
    title: vscode.l10n.t('Save chart as {0}', img.format.toUpperCase()), saveLabel: vscode.l10n.t('Save Chart'),
    ...(base ? { defaultUri: vscode.Uri.file(path.join(base, file)) } : {}),
    filters: img.format === 'png' ? { [vscode.l10n.t('PNG image')]: ['png'] } : { [vscode.l10n.t('SVG image')]: ['svg'] },
  });
  if (!target) return undefined;
  try {
    await fs.promises.writeFile(target.fsPath, chartImageBytes(img));
    log.info(`Chart saved: ${target.fsPath}`);
    return target.fsPath;
  } catch (e) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Brain Tumor: cannot save the chart: {0}', (e as Error).message));
    return undefined;
  }
}
