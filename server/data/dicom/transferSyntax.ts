/**
 * The DICOM transfer syntaxes (PS3.5 Annex A, PS3.6 Annex A): how each one stores its pixel data, and the name a
 * user reads when a file uses one this reader does not decode.
 */
import * as l10n from '@vscode/l10n';
import { ImageDecodeError } from '../preprocess';

/** How a frame's bytes come out of the Pixel Data element (decodeFrame.ts). */
export type PixelEncoding = 'native' | 'native-big-endian' | 'encapsulated-raw' | 'rle' | 'jpeg-baseline' | 'jpeg-lossless' | 'jpeg-ls' | 'jpeg-2000';

const ROOT = '1.2.840.10008.1.2';

/** The syntaxes this reader decodes. Deflate is undone while parsing; afterwards the data set is explicit LE. */
const SUPPORTED: Record<string, { name: string; encoding: PixelEncoding }> = {
  [ROOT]: { name: 'Implicit VR Little Endian', encoding: 'native' },
  [`${ROOT}.1`]: { name: 'Explicit VR Little Endian', encoding: 'native' },
  [`${ROOT}.1.99`]: { name: 'Deflated Explicit VR Little Endian', encoding: 'native' },
  [`${ROOT}.1.98`]: { name: 'Encapsulated Uncompressed Explicit VR Little Endian', encoding: 'encapsulated-raw' },
  [`${ROOT}.2`]: { name: 'Explicit VR Big Endian', encoding: 'native-big-endian' },
  [`${ROOT}.5`]: { name: 'RLE Lossless', encoding: 'rle' },
  [`${ROOT}.4.50`]: { name: 'JPEG Baseline (Process 1)', encoding: 'jpeg-baseline' },
  // Process 2 & 4 may hold 12-bit samples, which the 8-bit libjpeg-turbo build refuses: checked per file.
  [`${ROOT}.4.51`]: { name: 'JPEG Extended (Process 2 & 4)', encoding: 'jpeg-baseline' },
  [`${ROOT}.4.57`]: { name: 'JPEG Lossless (Process 14)', encoding: 'jpeg-lossless' },
  [`${ROOT}.4.70`]: { name: 'JPEG Lossless (Process 14, SV1)', encoding: 'jpeg-lossless' },
  [`${ROOT}.4.80`]: { name: 'JPEG-LS Lossless', encoding: 'jpeg-ls' },
  [`${ROOT}.4.81`]: { name: 'JPEG-LS Near-Lossless', encoding: 'jpeg-ls' },
  [`${ROOT}.4.90`]: { name: 'JPEG 2000 (Lossless Only)', encoding: 'jpeg-2000' },
  [`${ROOT}.4.91`]: { name: 'JPEG 2000', encoding: 'jpeg-2000' },
};

/** Names of syntaxes that are refused, so that the message says what the file is. */
const UNSUPPORTED_NAMES: Record<string, string> = {
  [`${ROOT}.4.92`]: 'JPEG 2000 Part 2 Multi-component (Lossless Only)',
  [`${ROOT}.4.93`]: 'JPEG 2000 Part 2 Multi-component',
  [`${ROOT}.4.94`]: 'JPIP Referenced',
  [`${ROOT}.4.95`]: 'JPIP Referenced Deflate',
  [`${ROOT}.4.100`]: 'MPEG2 Main Profile / Main Level',
  [`${ROOT}.4.101`]: 'MPEG2 Main Profile / High Level',
  [`${ROOT}.4.102`]: 'MPEG-4 AVC/H.264 High Profile',
  [`${ROOT}.4.103`]: 'MPEG-4 AVC/H.264 BD-compatible High Profile',
  [`${ROOT}.4.104`]: 'MPEG-4 AVC/H.264 High Profile for 2D Video',
  [`${ROOT}.4.105`]: 'MPEG-4 AVC/H.264 High Profile for 3D Video',
  [`${ROOT}.4.106`]: 'MPEG-4 AVC/H.264 Stereo High Profile',
  [`${ROOT}.4.107`]: 'HEVC/H.265 Main Profile',
  [`${ROOT}.4.108`]: 'HEVC/H.265 Main 10 Profile',
  [`${ROOT}.4.110`]: 'JPEG XL Lossless',
  [`${ROOT}.4.111`]: 'JPEG XL JPEG Recompression',
  [`${ROOT}.4.112`]: 'JPEG XL',
  [`${ROOT}.4.201`]: 'High-Throughput JPEG 2000 (Lossless Only)',
  [`${ROOT}.4.202`]: 'High-Throughput JPEG 2000 with RPCL Options (Lossless Only)',
  [`${ROOT}.4.203`]: 'High-Throughput JPEG 2000',
  [`${ROOT}.4.52`]: 'JPEG Extended (Process 3 & 5, retired)',
  [`${ROOT}.4.53`]: 'JPEG Spectral Selection, Non-Hierarchical (retired)',
  [`${ROOT}.4.55`]: 'JPEG Full Progression, Non-Hierarchical (retired)',
  [`${ROOT}.6.1`]: 'RFC 2557 MIME encapsulation (retired)',
};

export const DEFLATED = `${ROOT}.1.99`;
export const BIG_ENDIAN = `${ROOT}.2`;
export const IMPLICIT_LITTLE_ENDIAN = ROOT;

/** The name of a transfer syntax with its UID, as a user reads it: "JPEG XL (1.2.840.10008.1.2.4.110)". */
export function transferSyntaxName(uid: string): string {
  const name = SUPPORTED[uid]?.name ?? UNSUPPORTED_NAMES[uid];
  return name ? `${name} (${uid})` : uid;
}

/** How this syntax stores pixels, or an 'unsupported' error that names it. */
export function pixelEncoding(uid: string): PixelEncoding {
  const known = SUPPORTED[uid];
  if (known) return known.encoding;
  throw new ImageDecodeError(l10n.t('the DICOM transfer syntax {0} is not supported; convert the file to an uncompressed, RLE, JPEG, JPEG-LS or JPEG 2000 syntax', transferSyntaxName(uid)), 'unsupported');
}
