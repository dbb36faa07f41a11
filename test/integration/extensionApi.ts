/** What every integration test file needs: the extension's id, its activated API, and a wait for an editor tab. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { BrainTumorApi } from '../../extension/main';

export const EXTENSION_ID = 'brain-tumor-tools.brain-tumor-detection';

export async function api(): Promise<BrainTumorApi> {
  const ext = vscode.extensions.getExtension<BrainTumorApi>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not installed in the test host`);
  return ext.activate();
}

/** The labels of the open tabs once one starts with `prefix` (the tab model reaches the host asynchronously), or after 10 s. */
export async function tabsOnceOpen(prefix: string): Promise<string[]> {
  let tabs: string[] = [];
  for (let i = 0; i < 50 && !tabs.some((l) => l.startsWith(prefix)); i++) {
    tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs.map((t) => t.label));
    await new Promise((r) => setTimeout(r, 200));
  }
  return tabs;
}
