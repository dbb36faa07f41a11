/**
 * PLACEHOLDER (branch s17-volume only): the interface of the DICOM reader that branch s17-dicom implements, so that
 * the volume code compiles before it is merged. The merge replaces this whole file with the real reader; until
 * then every DICOM read is refused with a clear message.
 */
import * as l10n from '@vscode/l10n';

export interface DicomInfo {
  transferSyntax: string;
  sopClassUid: string;
  modality: string | null;
  seriesDescription: string | null;
  seriesInstanceUid: string | null;
  instanceNumber: number | null;
  imagePositionPatient: [number, number, number] | null;
  imageOrientationPatient: number[] | null;
  pixelSpacing: [number, number] | null;
  sliceThickness: number | null;
  rows: number;
  columns: number;
  frames: number;
  photometric: string;
  window: { center: number; width: number } | null;
  sequence: string | null;
}

export interface DicomImage {
  info: DicomInfo;
  /** Frame `i`'s rescaled values (grey). */
  frameValues(i: number): Float32Array;
  frame8(i: number): { data: Uint8Array; width: number; height: number; channels: 1 | 3; window: string };
}

/** True when the bytes start with a DICOM preamble ("DICM" at offset 128). */
export function isDicomBytes(head: Uint8Array): boolean {
  return head.length >= 132 && head[128] === 0x44 && head[129] === 0x49 && head[130] === 0x43 && head[131] === 0x4d;
}

export function readDicom(_bytes: Uint8Array, _opts?: Record<string, unknown>): Promise<DicomImage> {
  return Promise.reject(new Error(l10n.t('DICOM files cannot be read by this build')));
}
