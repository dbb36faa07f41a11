/**
 * Reads one DICOM file: the attributes a classifier may show (never the patient's: see docs/dicom-nifti.md,
 * "Privacy"), and its frames as modality values or as windowed 8-bit images.
 *
 * Only the attributes named in DicomInfo (and the pixel-module attributes needed to decode) are ever read from the
 * data set; dicom-parser itself keeps offsets, not values, so names, IDs and dates stay undecoded bytes.
 */
import * as l10n from '@vscode/l10n';
import * as zlib from 'node:zlib';
import * as dicomParser from 'dicom-parser';
import { ImageDecodeError, MAX_PIXELS } from '../preprocess';
import { decodeFrame, type PixelLayout } from './decodeFrame';
import { DICOM_HEAD_BYTES, isDicomBytes } from './detectDicom';
import { modalityValues, rgbPixels, type SampleFormat } from './pixelValues';
import { sequenceHint } from './sequenceHint';
import { noPixelDataMessage } from './sopClass';
import { IMPLICIT_LITTLE_ENDIAN, pixelEncoding, type PixelEncoding } from './transferSyntax';
import { loadCodec } from './wasmCodecs';
import { applyWindow } from './windowing';

export { isDicomBytes } from './detectDicom';
export { sequenceHint } from './sequenceHint';

export interface DicomInfo {
  transferSyntax: string;
  sopClassUid: string | null;
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
  /** T1, T1c, T2, FLAIR, DWI, ADC or SWI when the series says so (sequenceHint.ts). */
  sequence: string | null;
}

export interface DicomFrame8 {
  data: Uint8Array;
  width: number;
  height: number;
  channels: 1 | 3;
  /** How the frame was windowed, in words: "DICOM window 40/400". */
  window: string;
}

export interface DicomImage {
  info: DicomInfo;
  /** Modality values (rescaled) of frame i; grey images only. */
  frameValues(i: number): Float32Array;
  /** Frame i as 8-bit grey (windowed) or RGB. */
  frame8(i: number): DicomFrame8;
}

const PHOTOMETRICS = ['MONOCHROME1', 'MONOCHROME2', 'RGB', 'YBR_FULL', 'YBR_FULL_422', 'YBR_ICT', 'YBR_RCT'];

const unsupported = (message: string) => new ImageDecodeError(message, 'unsupported');

export async function readDicom(bytes: Uint8Array, opts: { maxPixels?: number } = {}): Promise<DicomImage> {
  if (!isDicomBytes(bytes.subarray(0, DICOM_HEAD_BYTES))) throw new ImageDecodeError(l10n.t('not a DICOM file: no "DICM" marker at byte 128'), 'unsupported');
  const ds = parse(bytes);
  const transferSyntax = ds.string('x00020010') ?? IMPLICIT_LITTLE_ENDIAN;
  const sopClassUid = ds.string('x00080016') ?? null;
  const pixelData = ds.elements.x7fe00010;
  if (!pixelData) {
    if (ds.elements.x7fe00008 || ds.elements.x7fe00009) throw unsupported(l10n.t('DICOM floating-point pixel data is not supported'));
    throw unsupported(noPixelDataMessage(sopClassUid));
  }
  const encoding = pixelEncoding(transferSyntax);
  const layout = pixelLayout(ds);
  const maxPixels = opts.maxPixels ?? MAX_PIXELS;
  if (layout.rows * layout.columns > maxPixels) {
    throw new ImageDecodeError(l10n.t('image too large: {0}x{1} ({2} MP) exceeds the {3} MP limit; not decoded', String(layout.columns), String(layout.rows),
      String(Math.round((layout.rows * layout.columns) / 1e6)), String(maxPixels / 1e6)), 'too-large');
  }
  if (encoding === 'jpeg-baseline' || encoding === 'jpeg-ls' || encoding === 'jpeg-2000') await loadCodec(encoding);
  const format: SampleFormat = {
    bitsStored: layout.bitsStored,
    pixelRepresentation: ds.uint16('x00280103') === 1 ? 1 : 0,
    slope: ds.floatString('x00281053') || 1,
    intercept: ds.floatString('x00281052') ?? 0,
  };
  const info = readInfo(ds, transferSyntax, sopClassUid, layout);
  return imageOf(ds, pixelData, encoding, layout, format, info);
}

function imageOf(ds: dicomParser.DataSet, el: dicomParser.Element, encoding: PixelEncoding, L: PixelLayout, f: SampleFormat, info: DicomInfo): DicomImage {
  const pixels = L.rows * L.columns;
  const checkIndex = (i: number) => {
    if (!Number.isInteger(i) || i < 0 || i >= L.frames) throw new RangeError(`frame ${i} of ${L.frames}`);
  };
  const frameValues = (i: number): Float32Array => {
    checkIndex(i);
    if (L.samplesPerPixel !== 1) throw new Error('frameValues: a colour DICOM has no modality values');
    return modalityValues(decodeFrame(ds, el, encoding, L, i), pixels, f);
  };
  const frame8 = (i: number): DicomFrame8 => {
    checkIndex(i);
    if (L.samplesPerPixel === 3) {
      const data = rgbPixels(decodeFrame(ds, el, encoding, L, i), pixels, f, L.photometric);
      return { data, width: L.columns, height: L.rows, channels: 3, window: l10n.t('colour values as stored') };
    }
    const stored8bit = L.bitsStored <= 8 && f.pixelRepresentation === 0 && f.slope === 1 && f.intercept === 0;
    const { data, description } = applyWindow(frameValues(i), info.window, { stored8bit, monochrome1: L.photometric === 'MONOCHROME1' });
    return { data, width: L.columns, height: L.rows, channels: 1, window: description };
  };
  return { info, frameValues, frame8 };
}

/** dicom-parser with deflate through node:zlib; a file it cannot walk to the end is cut off (or not DICOM). */
function parse(bytes: Uint8Array): dicomParser.DataSet {
  const hasPreamble = bytes.length >= DICOM_HEAD_BYTES && String.fromCharCode(...bytes.subarray(128, 132)) === 'DICM';
  // A bare data set (no preamble) says by its first element whether its VRs are explicit.
  const explicit = bytes.length > 5 && bytes[4]! >= 0x41 && bytes[4]! <= 0x5a && bytes[5]! >= 0x41 && bytes[5]! <= 0x5a;
  try {
    return dicomParser.parseDicom(bytes, {
      ...(hasPreamble ? {} : { TransferSyntaxUID: explicit ? '1.2.840.10008.1.2.1' : IMPLICIT_LITTLE_ENDIAN }),
      inflater: (array: Uint8Array, position: number) => inflate(array, position),
    });
  } catch (e) {
    const msg = typeof e === 'string' ? e : e instanceof Error ? e.message : String((e as { exception?: unknown }).exception ?? e);
    if (/DICM prefix not found/.test(msg)) throw new ImageDecodeError(l10n.t('not a DICOM file: no "DICM" marker at byte 128'), 'unsupported');
    if (e instanceof InflateError) throw new ImageDecodeError(l10n.t('the deflated DICOM data does not inflate; the file is damaged or cut off'), 'corrupt');
    // dicom-parser's own words name byte positions, never values; they are still not shown (see the log policy).
    throw new ImageDecodeError(l10n.t('the DICOM file is cut off or damaged: its attributes end part-way through an element'), 'corrupt');
  }
}

class InflateError extends Error {}

/** Deflated Explicit VR Little Endian: everything after the file meta information is raw deflate. */
function inflate(array: Uint8Array, position: number): Uint8Array {
  let body: Buffer;
  try {
    body = zlib.inflateRawSync(array.subarray(position));
  } catch (e) {
    throw new InflateError(String(e));
  }
  const out = new Uint8Array(position + body.length);
  out.set(array.subarray(0, position));
  out.set(body, position);
  return out;
}

function pixelLayout(ds: dicomParser.DataSet): PixelLayout {
  const rows = ds.uint16('x00280010') ?? 0, columns = ds.uint16('x00280011') ?? 0;
  const samplesPerPixel = ds.uint16('x00280002') ?? 1;
  const bitsAllocated = ds.uint16('x00280100') ?? 0;
  const photometric = (ds.string('x00280004') ?? (samplesPerPixel === 3 ? 'RGB' : 'MONOCHROME2')).toUpperCase();
  if (!rows || !columns) throw new ImageDecodeError(l10n.t('the DICOM file has pixel data but no image size (Rows/Columns)'), 'corrupt');
  if (bitsAllocated !== 8 && bitsAllocated !== 16 && bitsAllocated !== 32) {
    throw unsupported(l10n.t('DICOM pixel data of {0} bits per sample is not supported (8, 16 or 32)', String(bitsAllocated)));
  }
  if (samplesPerPixel !== 1 && samplesPerPixel !== 3) throw unsupported(l10n.t('DICOM images with {0} samples per pixel are not supported', String(samplesPerPixel)));
  if (!PHOTOMETRICS.includes(photometric)) throw unsupported(l10n.t('the DICOM photometric interpretation {0} is not supported', photometric));
  const bitsStored = Math.min(ds.uint16('x00280101') ?? bitsAllocated, bitsAllocated);
  const frames = Math.max(1, ds.intString('x00280008') ?? 1);
  return { rows, columns, frames, samplesPerPixel, bitsAllocated, bitsStored, photometric, planarConfiguration: ds.uint16('x00280006') === 1 ? 1 : 0 };
}

function readInfo(ds: dicomParser.DataSet, transferSyntax: string, sopClassUid: string | null, L: PixelLayout): DicomInfo {
  const nums = (tag: string, n: number): number[] | null => {
    if ((ds.numStringValues(tag) ?? 0) < n) return null;
    const v = Array.from({ length: n }, (_, i) => ds.floatString(tag, i) ?? NaN);
    return v.every(Number.isFinite) ? v : null;
  };
  const center = ds.floatString('x00281050', 0), width = ds.floatString('x00281051', 0);
  const seriesDescription = ds.string('x0008103e') ?? null;
  return {
    transferSyntax, sopClassUid,
    modality: ds.string('x00080060') ?? null,
    seriesDescription,
    seriesInstanceUid: ds.string('x0020000e') ?? null,
    instanceNumber: ds.intString('x00200013') ?? null,
    imagePositionPatient: nums('x00200032', 3) as [number, number, number] | null,
    imageOrientationPatient: nums('x00200037', 6),
    pixelSpacing: nums('x00280030', 2) as [number, number] | null,
    sliceThickness: ds.floatString('x00180050') ?? null,
    rows: L.rows, columns: L.columns, frames: L.frames, photometric: L.photometric,
    window: center !== undefined && width !== undefined && Number.isFinite(center) && width >= 1 ? { center, width } : null,
    sequence: sequenceHint(seriesDescription, {
      sequenceName: ds.string('x00180024') ?? null, scanningSequence: ds.string('x00180020') ?? null,
      protocolName: ds.string('x00181030') ?? null, contrastAgent: ds.string('x00180010') ?? null,
      imageType: ds.string('x00080008') ? Array.from({ length: ds.numStringValues('x00080008') ?? 0 }, (_, i) => ds.string('x00080008', i) ?? '') : [],
      inversionTime: ds.floatString('x00180082') ?? null, echoTime: ds.floatString('x00180081') ?? null, repetitionTime: ds.floatString('x00180080') ?? null,
    }),
  };
}
