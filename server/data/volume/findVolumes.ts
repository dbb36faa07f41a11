/**
 * Which of the files of a selection are volumes, each becoming ONE classified item:
 *  - a NIfTI file (`.nii`, `.nii.gz`);
 *  - a multi-frame DICOM file (more than one frame);
 *  - the single-frame DICOM files of one folder that share one Series Instance UID and say where they lie (Image
 *    Position and Orientation Patient), when there are at least two at different positions (a DICOM series
 *    folder). Files without that geometry cannot be stacked and stay images, whatever series they claim. A folder holding several series of two or more slices each is refused with a
 *    message (which series is meant cannot be guessed; classify one series folder at a time). DICOM files that are
 *    each alone in their series (e.g. exported key images) stay separate images.
 * Everything else stays a single image for the image path.
 */
import * as l10n from '@vscode/l10n';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SliceOrientation } from '../../protocol';
import { DICOM_EXTENSIONS, fileIsDicom } from '../dicom/detectDicom';
import { readDicom } from '../dicom/readDicom';
import { openDicomMultiframe, openDicomSeries, type SeriesSlice } from './dicomVolume';
import type { Volume } from './gridVolume';
import { isNiftiPath, openNifti } from './niftiVolume';
import { MAX_VOLUME_BYTES, VolumeError } from './volumeLimits';

export type VolumeSource =
  | { kind: 'nifti'; path: string }
  | { kind: 'dicom-multiframe'; path: string }
  | { kind: 'dicom-series'; path: string; slices: SeriesSlice[] };

export interface FoundVolumes {
  /** The files that remain single images, in their order. */
  images: string[];
  volumes: VolumeSource[];
  /** Folders refused as a whole (several series), with the reason. */
  refused: { path: string; error: string }[];
}

/** A DICOM file by its name or, without a known image extension (UID-style names such as 1.2.840.113619 included),
 *  by its first bytes. */
export function looksDicom(file: string): boolean {
  const ext = path.extname(file);
  if (DICOM_EXTENSIONS.includes(ext.toLowerCase())) return true;
  if (ext && !/^\.\d+$/.test(ext)) return false; // image.jpg
  return fileIsDicom(file);
}

export async function findVolumes(files: readonly string[]): Promise<FoundVolumes> {
  const volumes: VolumeSource[] = [];
  const refused: FoundVolumes['refused'] = [];
  const taken = new Set<string>();
  const byFolder = new Map<string, SeriesSlice[]>();
  for (const file of files) {
    if (isNiftiPath(file)) { volumes.push({ kind: 'nifti', path: file }); taken.add(file); continue; }
    if (!looksDicom(file)) continue;
    let info;
    try {
      info = (await readDicom(fs.readFileSync(file))).info;
    } catch {
      continue; // the image path reports why it cannot be read
    }
    if (info.frames > 1) { volumes.push({ kind: 'dicom-multiframe', path: file }); taken.add(file); continue; }
    if (!info.imagePositionPatient || !info.imageOrientationPatient) continue;
    const dir = path.dirname(file);
    byFolder.set(dir, [...(byFolder.get(dir) ?? []), { file, info }]);
  }
  for (const [dir, slices] of byFolder) {
    const series = new Map<string, SeriesSlice[]>();
    for (const s of slices) series.set(s.info.seriesInstanceUid ?? '', [...(series.get(s.info.seriesInstanceUid ?? '') ?? []), s]);
    const stacks = [...series.values()].filter((s) => new Set(s.map((x) => x.info.imagePositionPatient!.join('\\'))).size >= 2);
    if (!stacks.length) continue;
    if (stacks.length > 1) {
      refused.push({ path: dir, error: l10n.t('{0} holds {1} DICOM series ({2} slices); classify one series folder at a time (move each series into its own folder).',
        dir, String(stacks.length), stacks.map((s) => s.length).join(', ')) });
    } else {
      volumes.push({ kind: 'dicom-series', path: dir, slices: stacks[0]! });
    }
    for (const s of stacks.flat()) taken.add(s.file);
  }
  return { images: files.filter((f) => !taken.has(f)), volumes, refused };
}

/** Opens a found volume, cut along `orientation`; VolumeError with a sentence for the user when it cannot. */
export async function openVolume(src: VolumeSource, orientation: SliceOrientation): Promise<Volume> {
  if (src.kind === 'nifti') return openNifti(src.path, orientation);
  if (src.kind === 'dicom-multiframe') {
    const size = fs.statSync(src.path).size;
    if (size > MAX_VOLUME_BYTES) throw tooManyBytes(src.path, size);
    return openDicomMultiframe(src.path, await readDicom(fs.readFileSync(src.path)), orientation);
  }
  const size = src.slices.reduce((sum, s) => sum + fs.statSync(s.file).size, 0);
  if (size > MAX_VOLUME_BYTES) throw tooManyBytes(src.path, size);
  return openDicomSeries(src.path, src.slices, orientation);
}

const tooManyBytes = (p: string, size: number) => new VolumeError(l10n.t('{0} is too large: {1} MiB; volumes up to {2} MiB are read',
  path.basename(p), String(Math.round(size / 2 ** 20)), String(MAX_VOLUME_BYTES / 2 ** 20)), 'too-large');
