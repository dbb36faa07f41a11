/**
 * From a frame's stored samples to values: grey samples to modality values (Bits Stored, Pixel Representation,
 * Rescale Slope/Intercept), colour samples to 8-bit RGB (YBR_FULL converted per PS3.3 C.7.6.3.1.2).
 */
import type { RawFrame } from './decodeFrame';

export interface SampleFormat {
  bitsStored: number;
  /** 0 unsigned, 1 two's complement. */
  pixelRepresentation: 0 | 1;
  slope: number;
  intercept: number;
}

/** The stored sample at `i` of a raw frame, masked to Bits Stored and sign-extended when signed. */
function sampleReader(raw: RawFrame, f: SampleFormat): (i: number) => number {
  const { bytes, bytesPerSample } = raw;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bits = Math.min(f.bitsStored, bytesPerSample * 8);
  const read = bytesPerSample === 1 ? (i: number) => bytes[i]! : bytesPerSample === 2 ? (i: number) => dv.getUint16(i * 2, true) : (i: number) => dv.getUint32(i * 4, true);
  if (bits >= 32) return f.pixelRepresentation ? (i) => read(i) | 0 : read;
  const mask = 2 ** bits - 1;
  const sign = 2 ** (bits - 1);
  return f.pixelRepresentation ? (i) => { const v = read(i) % (mask + 1); return v >= sign ? v - (mask + 1) : v; } : (i) => read(i) % (mask + 1);
}

/** Modality values of a grey frame: stored value x slope + intercept. */
export function modalityValues(raw: RawFrame, pixels: number, f: SampleFormat): Float32Array {
  const read = sampleReader(raw, f);
  const out = new Float32Array(pixels);
  for (let i = 0; i < pixels; i++) out[i] = read(i) * f.slope + f.intercept;
  return out;
}

/** 8-bit interleaved RGB of a colour frame (samples wider than 8 bits keep their top 8). */
export function rgbPixels(raw: RawFrame, pixels: number, f: SampleFormat, photometric: string): Uint8Array {
  const read = sampleReader(raw, { ...f, pixelRepresentation: 0 });
  const shift = Math.max(0, Math.min(f.bitsStored, raw.bytesPerSample * 8) - 8);
  const scale = 2 ** -shift;
  const out = new Uint8Array(pixels * 3);
  const ybr = !raw.rgb && photometric.startsWith('YBR');
  for (let p = 0; p < pixels; p++) {
    const a = Math.floor(read(p * 3) * scale), b = Math.floor(read(p * 3 + 1) * scale), c = Math.floor(read(p * 3 + 2) * scale);
    if (ybr) {
      out[p * 3] = clamp8(a + 1.402 * (c - 128));
      out[p * 3 + 1] = clamp8(a - 0.344136 * (b - 128) - 0.714136 * (c - 128));
      out[p * 3 + 2] = clamp8(a + 1.772 * (b - 128));
    } else {
      out[p * 3] = a; out[p * 3 + 1] = b; out[p * 3 + 2] = c;
    }
  }
  return out;
}

const clamp8 = (v: number) => (v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v));
