/**
 * 256-bit difference hash (dHash): the image in greyscale at 17 x 16, one bit per horizontally adjacent pair
 * (is the right pixel brighter?). Near-identical images (re-encoded, resized, slightly shifted in brightness)
 * land within a few bits; the shared dataset's leak list uses Hamming distance <= 5 of this same hash.
 * The full image is decoded before the resize (no JPEG shrink-on-load): that follows Pillow-based tools more
 * closely; resampling still differs a little, so pairs right at the threshold can fall either side.
 */
import type { Sharp } from 'sharp';

export const DHASH_BITS = 256;
const W = 17;
const H = 16;

/** Hash of a decoded image pipeline (orientation already applied by the caller). Hex, 64 characters. */
export async function dhashOf(img: Sharp): Promise<string> {
  const { data } = await img.greyscale().resize(W, H, { fit: 'fill', kernel: 'lanczos3', fastShrinkOnLoad: false }).raw().toBuffer({ resolveWithObject: true });
  const words = new Uint32Array(DHASH_BITS / 32);
  let bit = 0;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W - 1; x++, bit++) {
      if (data[y * W + x + 1]! > data[y * W + x]!) words[bit >>> 5]! |= 1 << (bit & 31);
    }
  }
  return Array.from(words, (w) => (w >>> 0).toString(16).padStart(8, '0')).join('');
}

export function parseHash(hex: string): Uint32Array {
  const out = new Uint32Array(hex.length / 8);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 8, i * 8 + 8), 16);
  return out;
}

function popcount32(v: number): number {
  v -= (v >>> 1) & 0x55555555;
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** Hamming distance of two hashes, or a number > limit as soon as it exceeds `limit` (a cheap early exit). */
export function hamming(a: Uint32Array, b: Uint32Array, limit = Infinity): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) {
    d += popcount32((a[i]! ^ b[i]!) >>> 0);
    if (d > limit) return d;
  }
  return d;
}
