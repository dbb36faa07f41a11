/**
 * One file's verdict: what it is by content, whether it decodes completely, its size and colour mode, and its
 * dHash for duplicate search. Never throws for a bad file: a bad file is a finding, not a failure of the scan.
 */
import * as l10n from '@vscode/l10n';
import * as crypto from 'node:crypto';
import * as path from 'node:path';
import type { FileProblem, ProblemKind } from '../protocol';
import { dhashOf } from './dhash';
import { headerSize } from './headerSize';
import { prepareDicomInput } from './dicom/dicomInput';
import { classifyDecodeError, MAX_PIXELS, sharpInput } from './preprocess';
import { formatForExtension, SNIFF_BYTES, sniffFormat, type ImageFormat } from './sniffFormat';

export interface ImageInfo {
  format: ImageFormat; width: number; height: number; mode: string; dhash: string;
  /** A multi-frame DICOM file's frame count (absent for every other image): the image itself is its frame 0. */
  frames?: number;
}

export interface Inspection {
  md5: string;
  bytes: number;
  /** Present when the image decoded completely. */
  info?: ImageInfo;
  problems: { kind: ProblemKind; message: string }[];
}

export const INSPECT_VERSION = 5; // 4: DICOM files are read; 5: their frame count is kept

export function usable(i: Inspection): boolean {
  return i.info !== undefined;
}

function modeOf(meta: { channels: number; space: string; isPalette?: boolean }): string {
  if (meta.isPalette) return 'P';
  if (meta.channels === 1) return 'L';
  if (meta.channels === 2) return 'LA';
  if (meta.channels === 3) return 'RGB';
  return meta.space === 'cmyk' ? 'CMYK' : 'RGBA';
}

export async function inspectImage(bytes: Buffer, fileName: string): Promise<Inspection> {
  const md5 = crypto.createHash('md5').update(bytes).digest('hex');
  const base = { md5, bytes: bytes.length };
  const problem = (kind: ProblemKind, message: string): Inspection => ({ ...base, problems: [{ kind, message }] });
  if (bytes.length === 0) return problem('empty', l10n.t('empty file (0 bytes)'));
  const format = sniffFormat(bytes.subarray(0, SNIFF_BYTES));
  if (!format) return problem('not-image', l10n.t('not an image: its content matches no image format (JPEG, PNG, WebP, TIFF, BMP, DICOM)'));
  if (format === 'gif') return problem('unsupported', l10n.t('GIF is not an MRI format this tool reads; convert it to PNG'));
  const tooLarge = (width: number, height: number) => problem('too-large', l10n.t('image too large: {0}x{1} ({2} MP) exceeds the {3} MP limit; not decoded',
    String(width), String(height), String(Math.round(width * height / 1e6)), String(MAX_PIXELS / 1e6)));
  // The size a PNG, JPEG or BMP header claims, checked before anything is decoded.
  const claimed = headerSize(bytes);
  if (claimed && claimed.width * claimed.height > MAX_PIXELS) return tooLarge(claimed.width, claimed.height);
  try {
    // A DICOM file is read here (its size checked against the limit before any pixel is decoded), then enters
    // sharp as its windowed first frame; a multi-frame file is judged by frame 0.
    const frames = await prepareDicomInput(bytes);
    // sharp reads the header of its formats without decoding pixels, so it is safe without the pixel limit; the
    // limit is checked here to say how large the image claims to be. (A BMP is decoded by our reader: its size was
    // checked above.)
    const meta = await sharpInput(bytes, false).metadata();
    const width = meta.autoOrient?.width ?? meta.width ?? 0;
    const height = meta.autoOrient?.height ?? meta.height ?? 0;
    if (width * height > MAX_PIXELS) return tooLarge(width, height);
    // Decoding the whole image (for the hash) is what finds truncated and corrupt files.
    const dhash = await dhashOf(sharpInput(bytes).rotate());
    const problems: Inspection['problems'] = [];
    const declared = formatForExtension(path.extname(fileName));
    // DICOM files are often named by UID ("1.3.12.2.1107.5.2.1") or not at all: only another image extension is odd.
    if (declared !== format && (format !== 'dicom' || declared !== undefined)) {
      problems.push({ kind: 'extension-mismatch', message: path.extname(fileName)
        ? l10n.t('{0} data under a {1} extension (still used)', format.toUpperCase(), path.extname(fileName))
        : l10n.t('{0} data under a missing extension (still used)', format.toUpperCase()) });
    }
    return { ...base, info: { format, width, height, mode: modeOf(meta), dhash, ...(frames !== undefined && frames > 1 ? { frames } : {}) }, problems };
  } catch (e) {
    // The same words as when training or classification decodes the file.
    const err = classifyDecodeError(e, bytes);
    return problem(err.kind, err.message);
  }
}

export function problemsOf(rel: string, i: Inspection): FileProblem[] {
  return i.problems.map((p) => ({ rel, ...p }));
}
