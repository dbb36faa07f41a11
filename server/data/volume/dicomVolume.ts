/**
 * DICOM volumes: a folder of single-frame slices of one series, or one multi-frame file, as a Volume. The slices
 * are stacked in patient space (Image Position Patient projected on the slice normal; Instance Number when the
 * positions are missing), so every orientation can be cut from them like from a NIfTI file. Pixel values come
 * from the DICOM reader rescaled (Rescale Slope/Intercept); the grey window is the series' own VOI window
 * (Window Center/Width of its first slice) when it has one, else the automatic window of autoWindow.ts.
 */
import * as l10n from '@vscode/l10n';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SliceOrientation } from '../../protocol';
import { readDicom, type DicomImage, type DicomInfo } from '../dicom/readDicom';
import { autoWindow, WINDOW_PERCENTILES, type GreyWindow } from './autoWindow';
import { checkedAxes, gridVolume, type Volume } from './gridVolume';
import { MAX_VOLUME_VOXELS, VolumeError } from './volumeLimits';

/** One slice file of a series, its header read. */
export interface SeriesSlice { file: string; info: DicomInfo }

const cross = (a: number[], b: number[]) => [a[1]! * b[2]! - a[2]! * b[1]!, a[2]! * b[0]! - a[0]! * b[2]!, a[0]! * b[1]! - a[1]! * b[0]!];
const dot = (a: number[], b: number[]) => a[0]! * b[0]! + a[1]! * b[1]! + a[2]! * b[2]!;

/** The slice normal (row direction x column direction, LPS) of a header with an orientation, else null. */
function normalOf(info: DicomInfo): number[] | null {
  const o = info.imageOrientationPatient;
  return o && o.length === 6 && o.every(Number.isFinite) ? cross(o.slice(0, 3), o.slice(3, 6)) : null;
}

/** The slices in stacking order: by position along the normal when every slice has one, else by Instance Number. */
export function sortSlices(slices: SeriesSlice[]): SeriesSlice[] {
  const n = normalOf(slices[0]!.info);
  if (n && slices.every((s) => s.info.imagePositionPatient)) {
    return [...slices].sort((a, b) => dot(a.info.imagePositionPatient!, n) - dot(b.info.imagePositionPatient!, n));
  }
  return [...slices].sort((a, b) => (a.info.instanceNumber ?? 0) - (b.info.instanceNumber ?? 0) || (a.file < b.file ? -1 : 1));
}

/**
 * Voxel (column, row, slice) to patient RAS+ mm. `step` is the offset between consecutive slices in LPS mm (null:
 * the slice thickness along the normal). Without an orientation the stack is laid out as stored (rows top down,
 * columns left to right, slices in order) and reported as unlocated.
 */
function affineOf(first: DicomInfo, step: number[] | null): { affine: number[][]; located: boolean } {
  const [rowSp, colSp] = first.pixelSpacing ?? [1, 1];
  const o = first.imageOrientationPatient;
  const n = normalOf(first);
  const ipp = first.imagePositionPatient;
  if (!o || !n || !ipp) {
    const th = first.sliceThickness && first.sliceThickness > 0 ? first.sliceThickness : 1;
    return { affine: [[-colSp, 0, 0, 0], [0, -rowSp, 0, 0], [0, 0, th, 0], [0, 0, 0, 1]], located: false };
  }
  const k = step ?? n.map((v) => v * (first.sliceThickness && first.sliceThickness > 0 ? first.sliceThickness : 1));
  const lps = [0, 1, 2].map((w) => [o[w]! * colSp, o[3 + w]! * rowSp, k[w]!, ipp[w]!]);
  // LPS to RAS: x and y change sign.
  return { affine: [lps[0]!.map((v) => -v), lps[1]!.map((v) => -v), lps[2]!, [0, 0, 0, 1]], located: true };
}

function windowOf(first: DicomInfo, values: Float32Array): { window: GreyWindow; text: string } {
  const w = first.window;
  if (w && w.width > 0) return { window: { low: w.center - w.width / 2, high: w.center + w.width / 2 }, text: `DICOM window ${w.center}/${w.width}` };
  const auto = autoWindow(values);
  const fmt = (v: number) => String(Math.round(v * 100) / 100);
  return { window: auto, text: `percentiles ${WINDOW_PERCENTILES[0]}-${WINDOW_PERCENTILES[1]} of non-zero voxels (${fmt(auto.low)}..${fmt(auto.high)})` };
}

function checkGrey(info: DicomInfo, name: string): void {
  if (!/^MONOCHROME[12]$/.test(info.photometric)) {
    throw new VolumeError(l10n.t('{0} is a colour ({1}) series; volumes are read as grey images only', name, info.photometric), 'unsupported');
  }
}

function checkSize(columns: number, rows: number, slices: number, name: string): void {
  if (columns * rows * slices > MAX_VOLUME_VOXELS) {
    throw new VolumeError(l10n.t('{0} is too large: {1} voxels ({2} MiB); volumes up to {3} MiB are read', name, `${columns} x ${rows} x ${slices}`,
      String(Math.round((columns * rows * slices * 4) / 2 ** 20)), String((MAX_VOLUME_VOXELS * 4) / 2 ** 20)), 'too-large');
  }
}

/** MONOCHROME1 shows low values bright: negating values (and the window) makes it read like MONOCHROME2. */
const signOf = (info: DicomInfo) => (info.photometric === 'MONOCHROME1' ? -1 : 1);
const signedWindow = (info: DicomInfo): DicomInfo => (info.window && signOf(info) < 0 ? { ...info, window: { center: -info.window.center, width: info.window.width } } : info);

/** The slices of one series (headers read, from the same folder) as a volume cut along `orientation`. */
export async function openDicomSeries(folder: string, slices: SeriesSlice[], orientation: SliceOrientation): Promise<Volume> {
  const name = path.basename(folder);
  const sorted = sortSlices(slices);
  const first = sorted[0]!.info;
  checkGrey(first, name);
  const { columns, rows } = first;
  if (sorted.some((s) => s.info.columns !== columns || s.info.rows !== rows)) {
    throw new VolumeError(l10n.t('The slices of the series in {0} differ in size; a volume needs slices of one size', name), 'unsupported');
  }
  checkSize(columns, rows, sorted.length, name);
  const n = normalOf(first);
  const ipps = sorted.map((s) => s.info.imagePositionPatient);
  const step = n && sorted.length > 1 && ipps.every(Boolean)
    ? [0, 1, 2].map((w) => (ipps[ipps.length - 1]![w]! - ipps[0]![w]!) / (sorted.length - 1)) : null;
  const geo = affineOf(first, step);
  const dims: [number, number, number] = [columns, rows, sorted.length];
  const axes = checkedAxes(geo.affine, dims, orientation, name);
  const values = new Float32Array(columns * rows * sorted.length);
  for (let k = 0; k < sorted.length; k++) {
    const img = await readDicom(fs.readFileSync(sorted[k]!.file));
    putFrame(values, img.frameValues(0), k * columns * rows, signOf(img.info));
  }
  const w = windowOf(signedWindow(first), values);
  return gridVolume({ values, dims, affine: geo.affine, located: geo.located }, axes, orientation, w.window, w.text, describe('dicom-series', first));
}

/** A multi-frame file as a volume: frames in file order, evenly spaced by Slice Thickness along the normal. */
export function openDicomMultiframe(file: string, img: DicomImage, orientation: SliceOrientation): Volume {
  const name = path.basename(file);
  const info = img.info;
  checkGrey(info, name);
  checkSize(info.columns, info.rows, info.frames, name);
  const geo = affineOf(info, null);
  const dims: [number, number, number] = [info.columns, info.rows, info.frames];
  const axes = checkedAxes(geo.affine, dims, orientation, name);
  const values = new Float32Array(info.columns * info.rows * info.frames);
  for (let k = 0; k < info.frames; k++) putFrame(values, img.frameValues(k), k * info.columns * info.rows, signOf(info));
  const w = windowOf(signedWindow(info), values);
  return gridVolume({ values, dims, affine: geo.affine, located: geo.located }, axes, orientation, w.window, w.text, describe('dicom-multiframe', info));
}

function putFrame(values: Float32Array, frame: Float32Array, offset: number, sign: 1 | -1): void {
  if (sign === 1) values.set(frame, offset);
  else for (let i = 0; i < frame.length; i++) values[offset + i] = -frame[i]!;
}

/** Only descriptive attributes reach the result: nothing that identifies the patient. */
function describe(format: 'dicom-series' | 'dicom-multiframe', info: DicomInfo) {
  return { format, modality: info.modality, seriesDescription: info.seriesDescription, sequence: info.sequence };
}
