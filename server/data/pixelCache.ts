/**
 * Decoded, preprocessed pixels on disk, one file per image content (MD5) and preprocessing policy:
 * <cacheDir>/pixels/<policyKey>/<md5[0..2]>/<md5>.u8. Content-addressed, so an edited file gets a new entry,
 * copies share one, and a changed policy uses another folder. Writes are atomic (temp file + rename).
 */
import * as fs from 'node:fs/promises';
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

  async get(md5: string): Promise<Uint8Array | undefined> {
    if (!this.dir || !md5) return undefined;
    try {
      const buf = await fs.readFile(this.file(md5));
      // A short file is a torn write from a killed process: decode again.
      return buf.length === this.expected ? new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength) : undefined;
    } catch {
      return undefined;
    }
  }

  async put(md5: string, pixels: Uint8Array): Promise<void> {
    if (!this.dir || !md5) return;
    const file = this.file(md5);
    await fs.mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    await fs.writeFile(tmp, pixels);
    await fs.rename(tmp, file);
  }
}
