/**
 * RLE Lossless (PS3.5 Annex G): a 64-byte header with up to 15 segment offsets, then one PackBits segment per
 * byte plane: for each sample (R, G, B or grey) its most significant byte first. The output is what a native
 * frame holds: samples interleaved per pixel, each in little-endian byte order.
 */
import * as l10n from '@vscode/l10n';
import { ImageDecodeError } from '../preprocess';

export function decodeRle(frame: Uint8Array, pixels: number, samplesPerPixel: number, bytesPerSample: number): Uint8Array {
  const bad = (why: string): never => { throw new ImageDecodeError(l10n.t('corrupt DICOM RLE data: {0}', why), 'corrupt'); };
  if (frame.length < 64) bad(l10n.t('the frame is shorter than its 64-byte header (cut off)'));
  const dv = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const segments = dv.getUint32(0, true);
  const planes = samplesPerPixel * bytesPerSample;
  if (segments !== planes) bad(l10n.t('{0} segments where the image needs {1}', String(segments), String(planes)));
  const out = new Uint8Array(pixels * planes);
  for (let s = 0; s < segments; s++) {
    const start = dv.getUint32(4 + 4 * s, true);
    const end = s + 1 < segments ? dv.getUint32(8 + 4 * s, true) : frame.length;
    if (start < 64 || start > end || end > frame.length) bad(l10n.t('segment {0} lies outside the frame (cut off)', String(s + 1)));
    const sample = Math.floor(s / bytesPerSample);
    // The most significant byte comes first; in the little-endian output it is the last of the sample's bytes.
    const byte = bytesPerSample - 1 - (s % bytesPerSample);
    const written = unpackBits(frame, start, end, out, sample * bytesPerSample + byte, planes, pixels);
    if (written < pixels) bad(l10n.t('segment {0} ends after {1} of {2} pixels (cut off)', String(s + 1), String(written), String(pixels)));
  }
  return out;
}

/** PackBits into every `stride`-th byte of `out` from `offset`; returns how many bytes it wrote (at most `count`). */
function unpackBits(src: Uint8Array, start: number, end: number, out: Uint8Array, offset: number, stride: number, count: number): number {
  let i = start;
  let n = 0;
  while (i < end && n < count) {
    const h = (src[i++]! << 24) >> 24; // the header byte is signed
    if (h >= 0) {
      for (let k = 0; k <= h && i < end && n < count; k++) out[offset + stride * n++] = src[i++]!;
    } else if (h !== -128) {
      const v = src[i++]!;
      for (let k = 0; k < 1 - h && n < count; k++) out[offset + stride * n++] = v;
    }
  }
  return n;
}
