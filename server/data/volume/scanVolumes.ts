/**
 * Volumes in the class folders of a dataset (NIfTI files, multi-frame DICOM files): counted by their axial slices (a
 * DICOM file by its frames, in file order), of which the selection keeps
 * all, the middle one, or the middle third (default: the slices through the brain's centre, where a tumour is
 * most often seen; the top and bottom of a head volume are mostly skull or empty). Only headers are read.
 * Training does not read volume slices yet: the report says so.
 */
import * as l10n from '@vscode/l10n';
import * as path from 'node:path';
import type { FileProblem, VolumeScan, VolumeSliceSelection } from '../../protocol';
import type { DatasetFile } from '../walkDataset';
import { readNiftiGeometry } from './niftiFile';
import { sliceAxes } from './sliceAxes';
import { VolumeError } from './volumeLimits';

export const DEFAULT_VOLUME_SLICES: VolumeSliceSelection = 'middle-third';

/** The slice indexes a selection keeps out of `n` (in order). */
export function selectSlices(n: number, selection: VolumeSliceSelection): number[] {
  if (n <= 0) return [];
  if (selection === 'all') return [...Array(n).keys()];
  if (selection === 'middle') return [Math.floor((n - 1) / 2)];
  const from = Math.floor(n / 3), to = Math.max(from + 1, Math.round((2 * n) / 3));
  return [...Array(to - from).keys()].map((k) => from + k);
}

/** A multi-frame DICOM file of a dataset (found by the image inspection) and its frame count. */
export interface MultiFrameFile { file: DatasetFile; frames: number }

export async function scanVolumes(files: readonly DatasetFile[], selection: VolumeSliceSelection, multiFrame: readonly MultiFrameFile[] = []):
  Promise<{ volumes: VolumeScan; problems: FileProblem[] }> {
  const byClass = new Map<string, VolumeScan['byClass'][number]>();
  const problems: FileProblem[] = [];
  const counted: { f: DatasetFile; n: number }[] = multiFrame.map((m) => ({ f: m.file, n: m.frames }));
  for (const f of files) {
    try {
      const g = await readNiftiGeometry(f.abs, path.basename(f.abs));
      counted.push({ f, n: sliceAxes(g.affine, g.dims, 'axial').slice.size });
    } catch (e) {
      problems.push({ rel: f.rel, kind: e instanceof VolumeError && e.kind === 'unsupported' ? 'unsupported' : 'corrupt', message: (e as Error).message });
    }
  }
  for (const { f, n } of counted) {
    const key = `${f.split}/${f.label}`;
    const row = byClass.get(key) ?? { split: f.split, label: f.label, files: 0, slices: 0, selected: 0 };
    row.files++;
    row.slices += n;
    row.selected += selectSlices(n, selection).length;
    byClass.set(key, row);
  }
  const rows = [...byClass.values()];
  const sum = (k: 'files' | 'slices' | 'selected') => rows.reduce((a, r) => a + r[k], 0);
  return {
    volumes: { selection, byClass: rows, files: sum('files'), slices: sum('slices'), selected: sum('selected'),
      note: sum('files') === 1
        ? l10n.t('1 volume ({0} slices, {1} selected: {2}) is counted but not yet used for training: training reads image files, and a multi-frame DICOM file as its first frame only.',
          String(sum('slices')), String(sum('selected')), selection)
        : l10n.t('{0} volumes ({1} slices, {2} selected: {3}) are counted but not yet used for training: training reads image files, and a multi-frame DICOM file as its first frame only.',
          String(sum('files')), String(sum('slices')), String(sum('selected')), selection) },
    problems,
  };
}
