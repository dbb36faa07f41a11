/** Image format by content (magic bytes), not by file name: the Kaggle set has PNGs named .jpg. */
import { isDicomBytes } from './dicom/detectDicom';

export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'tiff' | 'bmp' | 'gif' | 'dicom';

/** Enough leading bytes for sniffFormat to recognise every format (DICOM's marker sits at 128). */
export const SNIFF_BYTES = 132;

export function sniffFormat(head: Uint8Array): ImageFormat | undefined {
  const b = head;
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47 && b[4] === 0x0d && b[5] === 0x0a && b[6] === 0x1a && b[7] === 0x0a) return 'png';
  if (b.length >= 12 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP') return 'webp';
  if (b.length >= 4 && ((b[0] === 0x49 && b[1] === 0x49 && b[2] === 0x2a && b[3] === 0x00) || (b[0] === 0x4d && b[1] === 0x4d && b[2] === 0x00 && b[3] === 0x2a))) return 'tiff';
  if (b.length >= 14 && b[0] === 0x42 && b[1] === 0x4d) return 'bmp';
  if (b.length >= 6 && (ascii(b, 0, 6) === 'GIF87a' || ascii(b, 0, 6) === 'GIF89a')) return 'gif';
  if (isDicomBytes(b)) return 'dicom';
  return undefined;
}

function ascii(b: Uint8Array, start: number, len: number): string {
  return String.fromCharCode(...b.subarray(start, start + len));
}

/** The formats each image extension promises. */
const EXTENSIONS: Record<string, ImageFormat> = {
  '.jpg': 'jpeg', '.jpeg': 'jpeg', '.jpe': 'jpeg', '.png': 'png', '.webp': 'webp', '.tif': 'tiff', '.tiff': 'tiff', '.bmp': 'bmp', '.gif': 'gif',
  '.dcm': 'dicom', '.dicom': 'dicom',
};

export function formatForExtension(ext: string): ImageFormat | undefined {
  return EXTENSIONS[ext.toLowerCase()];
}
