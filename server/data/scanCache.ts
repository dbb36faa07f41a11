/**
 * Remembers each file's inspection between scans, keyed by its path, size and modification time: a second
 * scan of an unchanged dataset reads and decodes nothing. A changed file (size or mtime) is inspected again.
 * One JSON file per dataset root under <cacheDir>/scans/.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { INSPECT_VERSION, type Inspection } from './inspectImage';

interface Entry { size: number; mtimeMs: number; inspection: Inspection }
interface Stored { version: number; root: string; entries: Record<string, Entry> }

export class ScanCache {
  private entries: Record<string, Entry> = {};
  private dirty = false;

  private constructor(private readonly file: string | null, private readonly root: string) {}

  /** `cacheDir` null: a cache that forgets (for --no-cache). */
  static open(cacheDir: string | null, root: string): ScanCache {
    if (!cacheDir) return new ScanCache(null, root);
    const file = path.join(cacheDir, 'scans', crypto.createHash('sha1').update(root).digest('hex').slice(0, 16) + '.json');
    const c = new ScanCache(file, root);
    try {
      const stored = JSON.parse(fs.readFileSync(file, 'utf8')) as Stored;
      if (stored.version === INSPECT_VERSION && stored.root === root) c.entries = stored.entries;
    } catch { /* no cache yet, or unreadable: start empty */ }
    return c;
  }

  get(rel: string, size: number, mtimeMs: number): Inspection | undefined {
    const e = this.entries[rel];
    return e && e.size === size && e.mtimeMs === mtimeMs ? e.inspection : undefined;
  }

  set(rel: string, size: number, mtimeMs: number, inspection: Inspection): void {
    this.entries[rel] = { size, mtimeMs, inspection };
    this.dirty = true;
  }

  /** Drops entries of files that no longer exist, then writes atomically. */
  save(present: Set<string>): void {
    for (const rel of Object.keys(this.entries)) {
      if (!present.has(rel)) { delete this.entries[rel]; this.dirty = true; }
    }
    if (!this.file || !this.dirty) return;
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify({ version: INSPECT_VERSION, root: this.root, entries: this.entries } satisfies Stored));
    fs.renameSync(tmp, this.file);
    this.dirty = false;
  }
}
