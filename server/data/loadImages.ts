/**
 * Loads many images as preprocessed pixels, packed [N, size, size, channels] as 8-bit: from the pixel cache
 * when it has them, else decoded (several in flight: sharp works on libuv's thread pool) and cached.
 */
import { throwIfCancelled } from '../cancelled';
import * as fs from 'node:fs';
import { forEachLimit } from './forEachLimit';
import { PixelCache } from './pixelCache';
import { preprocessImage, type PreprocessPolicy } from './preprocess';

export interface ImageRef { abs: string; md5: string }

export interface LoadedImages {
  pixels: Uint8Array;
  count: number;
  decoded: number;
  fromCache: number;
  /** Images that failed to decode: their slot stays black. The scan lists them as problems already. */
  failed: { abs: string; message: string }[];
  ms: number;
}

export interface LoadOptions {
  cacheDir: string | null;
  concurrency?: number;
  onProgress?: (done: number, total: number) => void;
  isCancelled?: () => boolean;
}

export async function loadImages(refs: readonly ImageRef[], policy: PreprocessPolicy, opts: LoadOptions): Promise<LoadedImages> {
  const t0 = performance.now();
  const cache = new PixelCache(opts.cacheDir, policy);
  const per = policy.size * policy.size * policy.channels;
  const pixels = new Uint8Array(per * refs.length);
  const result: LoadedImages = { pixels, count: refs.length, decoded: 0, fromCache: 0, failed: [], ms: 0 };
  let done = 0;
  await forEachLimit(refs, opts.concurrency ?? 8, async (ref, i) => {
    throwIfCancelled(opts.isCancelled, 'Loading images');
    let px = cache.get(ref.md5);
    if (px) {
      result.fromCache++;
    } else {
      try {
        // A synchronous read: MRI slices are small, and an async read would queue behind sharp's decodes on
        // libuv's four-thread pool (measured: 25% slower overall).
        px = await preprocessImage(fs.readFileSync(ref.abs), policy);
        result.decoded++;
        cache.put(ref.md5, px);
      } catch (e) {
        result.failed.push({ abs: ref.abs, message: (e as Error).message });
      }
    }
    if (px) pixels.set(px, i * per);
    opts.onProgress?.(++done, refs.length);
  });
  result.ms = performance.now() - t0;
  return result;
}
