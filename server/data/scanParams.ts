/** Validation of `scanDataset` params: they come from another process and are checked before use. */
import * as l10n from '@vscode/l10n';
import * as path from 'node:path';
import { ErrorCodes, protocolError, VOLUME_SLICE_SELECTIONS, type ScanDatasetParams, type VolumeSliceSelection } from '../protocol';
import { DEFAULT_NEAR_THRESHOLD } from './scanDataset';

export function parseScanParams(raw: unknown): Required<Omit<ScanDatasetParams, 'progressToken'>> & Pick<ScanDatasetParams, 'progressToken'> {
  const bad = (m: string) => protocolError(ErrorCodes.InvalidParams, `scanDataset: ${m}`);
  if (typeof raw !== 'object' || raw === null) throw bad(l10n.t('expected an object with "{0}"', 'root'));
  const o = raw as Record<string, unknown>;
  if (typeof o.root !== 'string' || !o.root || !path.isAbsolute(o.root)) throw bad(l10n.t('"{0}" must be an absolute folder path, got {1}', 'root', String(JSON.stringify(o.root))));
  const near = o.nearThreshold ?? DEFAULT_NEAR_THRESHOLD;
  if (typeof near !== 'number' || !Number.isInteger(near) || near < 0 || near > 64) {
    throw bad(l10n.t('"{0}" must be an integer from {1} to {2}, got {3}', 'nearThreshold', '0', '64', String(JSON.stringify(o.nearThreshold))));
  }
  if (o.progressToken !== undefined && (typeof o.progressToken !== 'string' || o.progressToken.length > 200)) throw bad(l10n.t('"{0}" must be a short string', 'progressToken'));
  const volumeSlices = o.volumeSlices ?? 'middle-third';
  if (!VOLUME_SLICE_SELECTIONS.includes(volumeSlices as VolumeSliceSelection)) {
    throw bad(l10n.t('"{0}" must be one of {1}, got {2}', 'volumeSlices', VOLUME_SLICE_SELECTIONS.join(', '), String(JSON.stringify(o.volumeSlices))));
  }
  return { root: path.normalize(o.root), nearThreshold: near, volumeSlices: volumeSlices as VolumeSliceSelection, ...(o.progressToken ? { progressToken: o.progressToken } : {}) };
}
