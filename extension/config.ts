/** Typed, validated reads of the extension's settings. */
import * as vscode from 'vscode';
import type { ServerInitOptions, SliceOrientation, VolumeSliceSelection } from '../server/protocol';
import { isBackendPreference, SLICE_ORIENTATIONS, VOLUME_SLICE_SELECTIONS } from '../server/protocol';

export const SECTION = 'brainTumor';

export function serverInitOptions(): ServerInitOptions {
  const cfg = vscode.workspace.getConfiguration(SECTION);
  // Only values the user set: a default passed along would claim "requested by setting" and hide the env variable.
  const backend = userValue(cfg, 'backend');
  const threads = userValue(cfg, 'threads');
  return {
    ...(isBackendPreference(backend) ? { backend } : {}),
    ...(typeof threads === 'number' && Number.isInteger(threads) && threads >= 0 ? { threads } : {}),
  };
}

function userValue(cfg: vscode.WorkspaceConfiguration, key: string): unknown {
  const i = cfg.inspect(key);
  return i?.workspaceFolderValue ?? i?.workspaceValue ?? i?.globalValue;
}

/** Settings whose change needs a backend restart to take effect. */
export function affectsBackend(e: vscode.ConfigurationChangeEvent): boolean {
  return e.affectsConfiguration(`${SECTION}.backend`) || e.affectsConfiguration(`${SECTION}.threads`);
}

/** How Classify Image slices volumes (`brainTumor.volume.orientation`); axial when unset or invalid. */
export function sliceOrientation(): SliceOrientation {
  const v = vscode.workspace.getConfiguration(SECTION).get<string>('volume.orientation');
  return SLICE_ORIENTATIONS.find((o) => o === v) ?? 'axial';
}

/** Which slices of a volume a dataset scan counts (`brainTumor.dataset.volumeSlices`); the middle third when unset or invalid. */
export function volumeSlices(): VolumeSliceSelection {
  const v = vscode.workspace.getConfiguration(SECTION).get<string>('dataset.volumeSlices');
  return VOLUME_SLICE_SELECTIONS.find((o) => o === v) ?? 'middle-third';
}
