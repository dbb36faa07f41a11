/**
 * The one decode + preprocess path, used by scanning, training, evaluation and classification alike, so that a
 * model sees at inference exactly what it saw in training. The policy is recorded in each model's metadata.
 *
 * Policy (in this order, all in one sharp pipeline):
 *  1. decode any format sharp reads (JPEG, PNG, WebP, TIFF, GIF; BMP through a small fallback decoder), refusing
 *     images over `maxPixels` before decoding them (decompression bombs);
 *  2. apply the EXIF orientation; flatten transparency onto black; convert to greyscale (or sRGB for 3 channels);
 *  3. crop the dark border around the head: rows and columns whose pixels all stay within `cropThreshold` of
 *     black are removed (skipped when the image is uniform, where nothing would be left);
 *  4. pad to a square with black, keeping the aspect ratio, and resize to `size` x `size`;
 *  5. output 8-bit pixels; the model input is pixel / 255 (`normalize: 'unit'`).
 */
import * as crypto from 'node:crypto';
import sharp, { type Sharp } from 'sharp';
import { decodeBmp } from './bmp';

export interface PreprocessPolicy {
  /** Bumped when the meaning of any field changes: old caches and models then stop matching. */
  version: 1;
  size: number;
  channels: 1 | 3;
  /** 0..255; null = no border crop. */
  cropThreshold: number | null;
  pad: 'square-black';
  kernel: 'lanczos3' | 'cubic' | 'linear' | 'nearest';
  normalize: 'unit';
}

export const DEFAULT_POLICY: PreprocessPolicy = {
  version: 1, size: 128, channels: 1, cropThreshold: 12, pad: 'square-black', kernel: 'lanczos3', normalize: 'unit',
};

/** Images above this many pixels are refused before decoding (a 30000 x 30000 header is 900 MP). */
export const MAX_PIXELS = 64_000_000;

export function validatePolicy(p: unknown): PreprocessPolicy {
  const o = (p ?? {}) as Partial<PreprocessPolicy>;
  const bad = (what: string): never => { throw new Error(`Invalid preprocessing policy: ${what}`); };
  if (o.version !== 1) bad(`version ${String(o.version)} (this backend knows version 1)`);
  if (!Number.isInteger(o.size) || o.size! < 8 || o.size! > 1024) bad(`size ${String(o.size)} (8..1024)`);
  if (o.channels !== 1 && o.channels !== 3) bad(`channels ${String(o.channels)} (1 or 3)`);
  if (o.cropThreshold !== null && (!Number.isInteger(o.cropThreshold) || o.cropThreshold! < 0 || o.cropThreshold! > 255)) bad(`cropThreshold ${String(o.cropThreshold)}`);
  if (o.pad !== 'square-black') bad(`pad ${String(o.pad)}`);
  if (!['lanczos3', 'cubic', 'linear', 'nearest'].includes(o.kernel as string)) bad(`kernel ${String(o.kernel)}`);
  if (o.normalize !== 'unit') bad(`normalize ${String(o.normalize)}`);
  return o as PreprocessPolicy;
}

/** A short, stable key of a policy: names its cache folder. */
export function policyKey(p: PreprocessPolicy): string {
  const canonical = JSON.stringify([p.version, p.size, p.channels, p.cropThreshold, p.pad, p.kernel, p.normalize]);
  return `v${p.version}-${p.size}px-${p.channels}ch-` + crypto.createHash('sha256').update(canonical).digest('hex').slice(0, 10);
}

export class ImageDecodeError extends Error {
  constructor(message: string, readonly kind: 'too-large' | 'corrupt' | 'unsupported') {
    super(message);
  }
}

/** sharp's constructor input for these bytes: BMP goes through the fallback decoder (libvips has no BMP loader). */
export function sharpInput(bytes: Buffer, maxPixels = MAX_PIXELS): Sharp {
  if (bytes.length >= 2 && bytes[0] === 0x42 && bytes[1] === 0x4d) {
    const bmp = decodeBmp(bytes, maxPixels);
    return sharp(bmp.data, { raw: { width: bmp.width, height: bmp.height, channels: bmp.channels } });
  }
  return sharp(bytes, { limitInputPixels: maxPixels, failOn: 'error' });
}

/** Turns sharp's and the BMP decoder's errors into a verdict with a reason a user can act on. */
export function classifyDecodeError(e: unknown): ImageDecodeError {
  if (e instanceof ImageDecodeError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  if (/pixel limit|exceeds.*limit|too large/i.test(msg)) {
    return new ImageDecodeError(`image too large: ${msg} (limit ${MAX_PIXELS / 1e6} megapixels)`, 'too-large');
  }
  if (/unsupported image format/i.test(msg)) return new ImageDecodeError(`not an image sharp can read: ${msg}`, 'unsupported');
  return new ImageDecodeError(`corrupt or truncated image: ${msg}`, 'corrupt');
}

/** Decodes and preprocesses one image to `size*size*channels` 8-bit pixels. */
export async function preprocessImage(bytes: Buffer, policy: PreprocessPolicy = DEFAULT_POLICY): Promise<Uint8Array> {
  try {
    return await runPipeline(bytes, policy, policy.cropThreshold);
  } catch (e) {
    // A uniform image (all black, say) has no border to find: preprocess it uncropped rather than fail.
    if (policy.cropThreshold !== null && /trim|bad extract area/i.test(String((e as Error).message))) {
      return runPipeline(bytes, policy, null).catch((e2: unknown) => { throw classifyDecodeError(e2); });
    }
    throw classifyDecodeError(e);
  }
}

async function runPipeline(bytes: Buffer, p: PreprocessPolicy, crop: number | null): Promise<Uint8Array> {
  let img = sharpInput(bytes).rotate().flatten({ background: '#000000' });
  img = p.channels === 1 ? img.greyscale() : img.toColourspace('srgb');
  if (crop !== null) img = img.trim({ background: '#000000', threshold: Math.max(1, crop) });
  const { data, info } = await img
    .resize(p.size, p.size, { fit: 'contain', background: '#000000', kernel: p.kernel })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.width !== p.size || info.height !== p.size || info.channels !== p.channels) {
    // greyscale() keeps 1 channel; toColourspace('srgb') 3. Anything else means the pipeline changed.
    throw new Error(`preprocess produced ${info.width}x${info.height}x${info.channels}, expected ${p.size}x${p.size}x${p.channels}`);
  }
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
