/**
 * Decoded, preprocessed pixels on disk, one file per image content (MD5) and preprocessing policy:
 * <cacheDir>/pixels/<policyKey>/<md5[0..2]>/<md5>.u8. Content-addressed, so an edited file gets a new entry,
 * copies share one, and a changed policy uses another folder. Writes are atomic (temp file + rename).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { policyKey, type PreprocessPolicy } from './preprocess';

export class PixelCache {
  readonly dir: string | null;
  private readonly expected: number;

  constructor(cacheDir: string | null, policy: PreprocessPolicy) {
    this.dir = cacheDir ? path.join(cacheDir, 'pixels', policyKey(policy)) : null;
    this.expected = policy.size * policy.size * policy.channels;
  }

  private file(md5: string): string {
    return path.join(this.dir!, md5.slice(0, 2), `${md5}.u8`);
  }

  /** Synchronous for the same reason as put(); a cached entry reads in a few microseconds. */
  get(md5: string): Uint8Array | undefined {
    if (!this.dir || !md5) return undefined;
    try {
      const buf = fs.readFileSync(this.file(md5));
      // A short file is a torn write from a killed process: decode again.
      return buf.length === this.expected ? new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength) : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * Synchronous on purpose: entries are small (16 KiB at 128 px), and asynchronous file calls would queue on
   * libuv's thread pool behind the image decodes that fill it, slowing both.
   */
  put(md5: string, pixels: Uint8Array): void {
    if (!this.dir || !md5) return;
    const file = this.file(md5);
    const dir = path.dirname(file);
    if (!this.madeDirs.has(dir)) {
      fs.mkdirSync(dir, { recursive: true });
      this.madeDirs.add(dir);
    }
    const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    fs.writeFileSync(tmp, pixels);
    fs.renameSync(tmp, file);
  }

  private readonly madeDirs = new Set<string>();
}
