// Makes the message bundles in l10n/: bundle.l10n.json, every message the code marks with l10n.t (extension,
// backend and panels, exported by @vscode/l10n-dev), and bundle.l10n.tr.json, the Turkish of each, in the same
// order. A Turkish text is kept from the current bundle; a message without one is listed and the script fails,
// so a new English message cannot ship untranslated (test/unit/l10nBundles.test.ts checks the same).
//   node scripts/l10nBundle.mjs           (after adding or changing a message: then translate what it lists)
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const L10N = path.join(REPO, 'l10n');
const SOURCES = ['extension', 'server', 'webview'];

/** The English bundle as l10n-dev exports it from the sources today. */
export function exportMessages() {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'bt-l10n-'));
  try {
    execFileSync(path.join(REPO, 'node_modules', '.bin', 'vscode-l10n-dev'), ['export', '--outDir', out, ...SOURCES],
      { cwd: REPO, stdio: ['ignore', 'ignore', 'pipe'] });
    return JSON.parse(fs.readFileSync(path.join(out, 'bundle.l10n.json'), 'utf8'));
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const en = exportMessages();
  const trFile = path.join(L10N, 'bundle.l10n.tr.json');
  const known = fs.existsSync(trFile) ? JSON.parse(fs.readFileSync(trFile, 'utf8')) : {};
  const tr = {};
  const missing = [];
  for (const k of Object.keys(en)) {
    if (typeof known[k] === 'string' && known[k].trim()) tr[k] = known[k];
    else missing.push(k);
  }
  fs.writeFileSync(path.join(L10N, 'bundle.l10n.json'), `${JSON.stringify(en, null, 2)}\n`);
  fs.writeFileSync(trFile, `${JSON.stringify(tr, null, 2)}\n`);
  console.log(`${Object.keys(en).length} messages; ${Object.keys(tr).length} in Turkish; dropped ${Object.keys(known).filter((k) => !(k in en)).length} no longer used.`);
  if (missing.length) {
    console.error(`No Turkish yet for ${missing.length} message(s) (add them to l10n/bundle.l10n.tr.json):\n${missing.map((m) => `  ${JSON.stringify(m)}`).join('\n')}`);
    process.exit(1);
  }
}
