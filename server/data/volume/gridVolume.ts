/**
 * A volume as the rest of the backend sees it: a count of 2-D slices along the chosen orientation, each an 8-bit
 * grey image ready for the one preprocessing policy, and each slice's position. Built from a voxel grid and its
 * voxel-to-patient matrix, whatever file it came from (NIfTI, a DICOM series, a multi-frame DICOM file).
 */
import * as l10n from '@vscode/l10n';
import type { SliceOrientation, VolumeInfo } from '../../protocol';
import type { RawImage } from '../preprocess';
import { toGrey, type GreyWindow } from './autoWindow';
import { along, sliceAxes, slicePosition, type SliceAxes } from './sliceAxes';
import { MAX_SLICE_PIXELS, MAX_VOLUME_SLICES, VolumeError } from './volumeLimits';

export interface Volume {
  info: VolumeInfo;
  sliceCount: number;
  /** Slice `i` (0 = most inferior / posterior / right, see sliceAxes.ts), windowed to 8-bit grey, square pixels. */
  slice(i: number): RawImage;
  /** Slice `i`'s position in mm along the slicing direction, or null when the file does not say where it lies. */
  position(i: number): number | null;
}

/** A voxel grid: values with i fastest, then j, then k. */
export interface VoxelGrid {
  values: Float32Array;
  dims: [number, number, number];
  /** Voxel index to patient RAS+ mm (4 x 4). */
  affine: number[][];
  /** False when the matrix is a guess (no orientation in the file): positions are then not reported. */
  located: boolean;
}

/** Checks the slice limit from the geometry alone (before voxels are read); returns the slicing. */
export function checkedAxes(affine: number[][], dims: [number, number, number], orientation: SliceOrientation, name: string): SliceAxes {
  const axes = sliceAxes(affine, dims, orientation);
  if (axes.slice.size > MAX_VOLUME_SLICES) {
    throw new VolumeError(l10n.t('{0} has {1} {2} slices; volumes of at most {3} slices are classified. Crop or resample it first.',
      name, String(axes.slice.size), orientation, String(MAX_VOLUME_SLICES)), 'too-large');
  }
  if (axes.col.size * axes.row.size > MAX_SLICE_PIXELS) {
    throw new VolumeError(l10n.t('{0} has slices of {1} x {2} pixels, over the limit of {3} megapixels', name, String(axes.col.size),
      String(axes.row.size), String(MAX_SLICE_PIXELS / 1e6)), 'too-large');
  }
  return axes;
}

/** `info` without the fields the grid fixes (orientation, sizes, spacing, window text). */
export type VolumeDescription = Omit<VolumeInfo, 'orientation' | 'sliceCount' | 'dims' | 'spacing' | 'window'>;

export function gridVolume(grid: VoxelGrid, axes: SliceAxes, orientation: SliceOrientation, window: GreyWindow, windowText: string,
  description: VolumeDescription): Volume {
  const { values, dims } = grid;
  const strides = [1, dims[0], dims[0] * dims[1]];
  const { slice: s, col: c, row: r } = axes;
  const info: VolumeInfo = {
    ...description, orientation, sliceCount: s.size, dims: [c.size, r.size, s.size],
    spacing: grid.located ? [round(c.spacing), round(r.spacing), round(s.spacing)] : null, window: windowText,
  };
  return {
    info,
    sliceCount: s.size,
    slice(i: number): RawImage {
      if (!(Number.isInteger(i) && i >= 0 && i < s.size)) throw new RangeError(`slice ${i} of ${s.size}`);
      const data = new Uint8Array(c.size * r.size);
      const base = along(s, i) * strides[s.axis]!;
      for (let y = 0; y < r.size; y++) {
        const rowBase = base + along(r, y) * strides[r.axis]!;
        for (let x = 0; x < c.size; x++) data[y * c.size + x] = toGrey(values[rowBase + along(c, x) * strides[c.axis]!]!, window);
      }
      return squarePixels({ data, width: c.size, height: r.size, channels: 1 }, c.spacing, r.spacing);
    },
    position: (i: number) => (grid.located ? slicePosition(grid.affine, axes, i) : null),
  };
}

const round = (v: number) => Math.round(v * 1000) / 1000;

/**
 * Stretches a slice whose pixels are not square (e.g. a coronal cut through 5 mm axial slices) along its coarser
 * axis, linearly, so anatomy keeps its shape; square pixels (within 1%) pass through untouched.
 */
export function squarePixels(img: RawImage, colSpacing: number, rowSpacing: number): RawImage {
  const ratio = colSpacing / rowSpacing;
  if (Math.abs(ratio - 1) <= 0.01) return img;
  const width = ratio > 1 ? Math.round(img.width * ratio) : img.width;
  const height = ratio < 1 ? Math.round(img.height / ratio) : img.height;
  const out = new Uint8Array(width * height);
  const sx = img.width / width, sy = img.height / height;
  for (let y = 0; y < height; y++) {
    const fy = Math.min(img.height - 1, Math.max(0, (y + 0.5) * sy - 0.5));
    const y0 = Math.floor(fy), y1 = Math.min(img.height - 1, y0 + 1), ty = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(img.width - 1, Math.max(0, (x + 0.5) * sx - 0.5));
      const x0 = Math.floor(fx), x1 = Math.min(img.width - 1, x0 + 1), tx = fx - x0;
      const at = (xx: number, yy: number) => img.data[yy * img.width + xx]!;
      const top = at(x0, y0) * (1 - tx) + at(x1, y0) * tx;
      const bottom = at(x0, y1) * (1 - tx) + at(x1, y1) * tx;
      out[y * width + x] = Math.round(top * (1 - ty) + bottom * ty);
    }
  }
  return { data: out, width, height, channels: 1 };
}
