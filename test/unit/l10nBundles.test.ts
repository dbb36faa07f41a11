/**
 * The message bundles in l10n/ (scripts/l10nBundle.mjs writes them): bundle.l10n.json is exactly what
 * `@vscode/l10n-dev export` finds in extension/, server/ and webview/ today (a message added in code without
 * running the script fails here), and bundle.l10n.tr.json has a Turkish text for every message, with the same
 * placeholders and nothing else. Plus a coarse check for texts that bypass l10n.t where the extension shows them.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const read = (f: string) => JSON.parse(fs.readFileSync(path.join(ROOT, 'l10n', f), 'utf8')) as Record<string, string | { message: string }>;
const text = (v: string | { message: string }) => (typeof v === 'string' ? v : v.message);
const placeholders = (s: string) => [...s.matchAll(/\{[\w]+\}/g)].map((m) => m[0]).sort();

/** Every .ts file under `dir`. */
function sources(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { recursive: true }).map(String).filter((f) => f.endsWith('.ts')).map((f) => path.join(ROOT, dir, f));
}

describe('message bundles', () => {
  it('bundle.l10n.json is what l10n-dev exports from the sources now (run scripts/l10nBundle.mjs after changing a message)', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'bt-l10n-test-'));
    try {
      execFileSync(path.join(ROOT, 'node_modules', '.bin', 'vscode-l10n-dev'), ['export', '--outDir', out, 'extension', 'server', 'webview'],
        { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
      const fresh = JSON.parse(fs.readFileSync(path.join(out, 'bundle.l10n.json'), 'utf8')) as Record<string, unknown>;
      const committed = read('bundle.l10n.json');
      const added = Object.keys(fresh).filter((k) => !(k in committed));
      const gone = Object.keys(committed).filter((k) => !(k in fresh));
      assert.deepEqual({ added, gone }, { added: [], gone: [] });
      assert.ok(Object.keys(fresh).length > 1000, `the export finds the product's messages (${Object.keys(fresh).length})`);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });

  it('bundle.l10n.tr.json has a Turkish text for every message, with the same placeholders, and no other key', () => {
    const en = read('bundle.l10n.json');
    const tr = read('bundle.l10n.tr.json');
    const missing = Object.keys(en).filter((k) => typeof tr[k] !== 'string' || !text(tr[k]).trim());
    assert.deepEqual(missing, [], 'messages without Turkish');
    assert.deepEqual(Object.keys(tr).filter((k) => !(k in en)), [], 'Turkish for messages the code no longer has');
    const wrong = Object.entries(en).filter(([k, v]) => placeholders(text(v)).join() !== placeholders(text(tr[k]!)).join()).map(([k]) => k);
    assert.deepEqual(wrong, [], 'placeholders differ');
    // The disclaimer in the glossary's words.
    assert.equal(tr['Research use only, not for clinical diagnosis.'], 'Araştırma amaçlıdır, klinik tanı için değildir.');
  });

  it('the extension shows no literal text: notifications, pick and dialog titles go through l10n.t', () => {
    const literal = /show(Information|Warning|Error)Message\(\s*[`'"]|\b(title|placeHolder|prompt|openLabel|saveLabel):\s*[`'"][A-Za-z]/;
    const found = sources('extension').flatMap((f) => fs.readFileSync(f, 'utf8').split('\n').map((line, i) => ({ f, i, line })))
      .filter(({ line }) => literal.test(line) && !line.trim().startsWith('//') && !line.trim().startsWith('*'))
      .map(({ f, i, line }) => `${path.relative(ROOT, f)}:${i + 1}: ${line.trim()}`);
    assert.deepEqual(found, []);
  });
});
