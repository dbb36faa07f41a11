/** A NIfTI file (.nii, .nii.gz; NIfTI-1 or -2) as a Volume: geometry from its header, an automatic grey window. */
import * as path from 'node:path';
import type { SliceOrientation } from '../../protocol';
import { autoWindow, WINDOW_PERCENTILES } from './autoWindow';
import { checkedAxes, gridVolume, type Volume } from './gridVolume';
import { readNifti } from './niftiFile';
import type { SliceAxes } from './sliceAxes';
import { sequenceHint } from '../dicom/sequenceHint';

export const NIFTI_SUFFIXES = ['.nii', '.nii.gz'];
export const isNiftiPath = (file: string): boolean => /\.nii(\.gz)?$/i.test(file);

export async function openNifti(file: string, orientation: SliceOrientation): Promise<Volume> {
  const name = path.basename(file);
  let axes: SliceAxes | undefined;
  const { geometry, values } = await readNifti(file, name, (g) => { axes = checkedAxes(g.affine, g.dims, orientation, name); });
  // The writer's display range when the header sets one (cal_min/cal_max), else the automatic window.
  const range = geometry.displayRange;
  const window = range ? { low: range[0], high: range[1] } : autoWindow(values);
  const fmt = (v: number) => String(Math.round(v * 100) / 100);
  const windowText = range ? `NIfTI cal_min/cal_max ${fmt(range[0])}..${fmt(range[1])}`
    : `percentiles ${WINDOW_PERCENTILES[0]}-${WINDOW_PERCENTILES[1]} of non-zero voxels (${fmt(window.low)}..${fmt(window.high)})`;
  return gridVolume({ values, dims: geometry.dims, affine: geometry.affine, located: geometry.affineSource !== 'pixdim' }, axes!, orientation, window, windowText, {
    format: 'nifti', modality: null, seriesDescription: geometry.description, sequence: sequenceHint(geometry.description) ?? sequenceHint(name.replace(/\.nii(\.gz)?$/i, '')),
  });
}
