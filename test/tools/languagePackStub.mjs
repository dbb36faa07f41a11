// A stand-in language pack for the UI tests. VS Code takes a display language only when a language pack for it is
// installed (otherwise it stays English and tells extensions `vscode.env.language === 'en'`), and the Marketplace's
// packs cannot be downloaded here. This one declares the language and translates nothing of VS Code itself: the
// workbench stays English, while the extension gets the language, its package.nls.<lang>.json and its
// l10n/bundle.l10n.<lang>.json, which is all the extension's own localisation depends on.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { REPO } from './codeServer.mjs';

/** Packages a language pack for `languageId` into `dir`; returns the VSIX's path. */
export function languagePackStub(dir, languageId, languageName) {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, 'translations'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'translations', 'main.i18n.json'), JSON.stringify({ version: '1.0.0', contents: {} }));
  fs.writeFileSync(path.join(dir, 'README.md'), `Test stand-in language pack for ${languageName}.\n`);
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({
    name: `language-pack-${languageId}-stub`, displayName: `${languageName} (test stand-in)`, publisher: 'brain-tumor-tests', version: '1.0.0',
    description: `Declares ${languageName} for the UI tests`, engines: { vscode: '^1.80.0' }, categories: ['Language Packs'],
    contributes: { localizations: [{ languageId, languageName, localizedLanguageName: languageName,
      translations: [{ id: 'vscode', path: './translations/main.i18n.json' }] }] },
  }, null, 2));
  const vsix = path.join(dir, `language-pack-${languageId}.vsix`);
  execFileSync(path.join(REPO, 'node_modules/.bin/vsce'), ['package', '--allow-missing-repository', '--skip-license', '--out', vsix],
    { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
  return vsix;
}

/**
 * Registers the stand-in pack in the user data folder of `dataDir` the way VS Code's language-pack cache does
 * (user/languagepacks.json): the server reads that file when it resolves the display language at start-up, and
 * installing from the command line does not write it.
 */
export function registerLanguagePack(dataDir, packDir, languageId, languageName) {
  const file = path.join(dataDir, 'user', 'languagepacks.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify({
    [languageId]: { hash: `stub-${languageId}-1`, label: languageName, translations: { vscode: path.join(packDir, 'translations', 'main.i18n.json') },
      extensions: [{ extensionIdentifier: { id: `brain-tumor-tests.language-pack-${languageId}-stub` }, version: '1.0.0' }] },
  }, null, 2));
}
