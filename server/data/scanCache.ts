/**
 * Remembers each file's inspection between scans, keyed by its path, size and modification time: a second
 * scan of an unchanged dataset reads and decodes nothing. A changed file (size or mtime) is inspected again.
 * One JSON file per dataset root under <cacheDir>/scans/.
 *
 * A file's problems are sentences in the language of the scan that found them: an entry with problems remembers
 * that language, and a scan in another one inspects those few files again (the rest, with no words in them, is
 * shared), so a scan never mixes languages and `scan --json` stays English whatever was scanned before.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { currentLanguage } from '../language';
import { INSPECT_VERSION, type Inspection } from './inspectImage';

/** `lang`: the language of the problems' messages (absent in caches written before it: English). */
interface Entry { size: number; mtimeMs: number; inspection: Inspection; lang?: string }
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
    if (!e || e.size !== size || e.mtimeMs !== mtimeMs) return undefined;
    return e.inspection.problems.length && (e.lang ?? 'en') !== currentLanguage() ? undefined : e.inspection;
  }

  set(rel: string, size: number, mtimeMs: number, inspection: Inspection): void {
    this.entries[rel] = { size, mtimeMs, inspection, ...(inspection.problems.length ? { lang: currentLanguage() } : {}) };
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
