/**
 * `npm run package:all` (scripts/packagePlatforms.mjs) for real: five VSIX archives, sharp fetched from npm per
 * platform. Each archive is opened here (scripts/vsixEntries.mjs lists a zip's entries) and must hold its own
 * platform's sharp binary and libvips, and no other platform's native file.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';

const ROOT = path.resolve(__dirname, '../../..');
const TARGETS = ['linux-x64', 'linux-arm64', 'darwin-x64', 'darwin-arm64', 'win32-x64'];
const PLATFORMS = /^extension\/node_modules\/@img\/sharp-(?:libvips-)?([a-z0-9]+-[a-z0-9]+)\//;

const entriesOf = (file: string): string[] =>
  JSON.parse(spawnSync(process.execPath, [path.join(ROOT, 'scripts/vsixEntries.mjs'), file], { encoding: 'utf8' }).stdout) as string[];

describe('per-platform packages (npm run package:all)', { timeout: 600_000 }, () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'bt-vsix-'));
  after(() => fs.rmSync(out, { recursive: true, force: true }));

  it('packs one VSIX per platform, each with only its own sharp binary', () => {
    const run = spawnSync(process.execPath, [path.join(ROOT, 'scripts/packagePlatforms.mjs'), '--out', out, '--no-build'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(run.status, 0, `packagePlatforms failed:\n${run.stdout}\n${run.stderr}`);
    const version = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    for (const target of TARGETS) {
      const entries = entriesOf(path.join(out, `brain-tumor-detection-${target}-${version}.vsix`));
      const img = `extension/node_modules/@img/sharp-${target}/lib/`;
      assert.ok(entries.some((e) => e.startsWith(img) && e.endsWith('.node')), `${target}: its sharp binary`);
      assert.ok(entries.includes('extension/dist/server.js') && entries.includes('extension/node_modules/sharp/package.json'), `${target}: the backend and sharp's JavaScript`);
      const libvips = target.startsWith('win32') ? entries.some((e) => e.startsWith(img) && e.endsWith('.dll'))
        : entries.some((e) => e.startsWith(`extension/node_modules/@img/sharp-libvips-${target}/lib/libvips-cpp.`));
      assert.ok(libvips, `${target}: its libvips`);
      const platforms = new Set(entries.map((e) => PLATFORMS.exec(e)?.[1]).filter(Boolean));
      assert.deepEqual([...platforms], [target], `${target}: no other platform's sharp`);
    }
  });
});
