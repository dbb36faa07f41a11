/** Typed, validated reads of the extension's settings. */
import * as vscode from 'vscode';
import type { ServerInitOptions } from '../server/protocol';
import { isBackendPreference } from '../server/protocol';

export const SECTION = 'brainTumor';

export function serverInitOptions(): ServerInitOptions {
  const cfg = vscode.workspace.getConfiguration(SECTION);
  const backend = cfg.get<unknown>('backend');
  const threads = cfg.get<unknown>('threads');
  return {
    ...(isBackendPreference(backend) ? { backend } : {}),
    ...(typeof threads === 'number' && Number.isInteger(threads) && threads >= 0 ? { threads } : {}),
  };
}

/** Settings whose change needs a backend restart to take effect. */
export function affectsBackend(e: vscode.ConfigurationChangeEvent): boolean {
  return e.affectsConfiguration(`${SECTION}.backend`) || e.affectsConfiguration(`${SECTION}.threads`);
}
