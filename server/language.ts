/**
 * The language the backend writes its messages in. Messages are marked with `l10n.t` from `@vscode/l10n` where they
 * are written (import it as `* as l10n` so that `@vscode/l10n-dev export` finds every call); this module only
 * chooses the bundle they are looked up in, once at start-up:
 * - the language server: the bundle the extension host loaded for VS Code's display language (`vscode.l10n.bundle`),
 *   sent in the initialization options, so that both sides speak the same language with one bundle file;
 * - the CLI: `--lang`, else LC_ALL / LC_MESSAGES / LANG, reading the shipped l10n/bundle.l10n.<lang>.json.
 * English needs no bundle: the messages in the code are the English text.
 * Machine-readable output (`--json`, CSV, class identifiers, error codes) is never localised.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as l10n from '@vscode/l10n';
import { setNumberLanguage } from './numberFormat';

export type MessageBundle = l10n.l10nJsonFormat;

/** The languages the product ships a bundle for, besides English. */
export const SHIPPED_LANGUAGES = ['tr'] as const;

let current = 'en';
let currentBundle: MessageBundle | undefined;

/** The language messages are rendered in now ('en' unless a bundle was loaded): for Intl number formats too. */
export function currentLanguage(): string {
  return current;
}

/**
 * Renders messages with `bundle` for `language`; no bundle (or an empty one) means English. Numbers follow
 * (numberFormat.ts), so a text never mixes one language's words with another's number formats.
 */
export function useBundle(language: string, bundle: MessageBundle | undefined): void {
  const usable = bundle && Object.keys(bundle).length > 0 ? bundle : undefined;
  current = usable ? language : 'en';
  currentBundle = usable;
  l10n.config({ contents: usable ?? {} });
  setNumberLanguage(current);
}

/**
 * `render` with the messages (and numbers) in English, whatever the language is: for what is stored on disk, where
 * a later reader in another language must find the same bytes (evaluation.json). Synchronous, so nothing else
 * renders in between.
 */
export function inEnglish<T>(render: () => T): T {
  if (current === 'en') return render();
  const [language, bundle] = [current, currentBundle];
  useBundle('en', undefined);
  try {
    return render();
  } finally {
    useBundle(language, bundle);
  }
}

/** `tr_TR.UTF-8`, `tr-TR`, `TR` -> `tr`; anything else (C, POSIX, empty) -> undefined. */
export function languageOf(tag: string | undefined): string | undefined {
  const m = /^([a-z]{2,3})(?:[-_.@]|$)/i.exec(tag?.trim() ?? '');
  return m && !['c', 'posix'].includes(m[1]!.toLowerCase()) ? m[1]!.toLowerCase() : undefined;
}

/** The CLI's language: the `--lang` flag first, then the POSIX locale variables in their order of precedence. */
export function cliLanguage(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return languageOf(flag) ?? languageOf(env.LC_ALL) ?? languageOf(env.LC_MESSAGES) ?? languageOf(env.LANG) ?? 'en';
}

/**
 * The folder of the shipped bundles: l10n/ in the first ancestor of this bundle that has one (dist/cli.js and
 * dist/server.js find ../l10n; the test bundles sit deeper), found the way modelStore.ts finds models/.
 * BRAIN_TUMOR_L10N_DIR overrides it.
 */
export function shippedL10nDir(env: NodeJS.ProcessEnv = process.env, from = __dirname): string {
  if (env.BRAIN_TUMOR_L10N_DIR) return path.resolve(env.BRAIN_TUMOR_L10N_DIR);
  let dir = from;
  for (let i = 0; i < 5; i++) {
    const candidate = path.join(dir, 'l10n');
    if (fs.existsSync(candidate) && fs.statSync(candidate).isDirectory()) return candidate;
    dir = path.dirname(dir);
  }
  return path.resolve(from, '..', 'l10n');
}

/**
 * Loads the shipped bundle of `language` from `l10nDir` (English, or a language without a bundle: the built-in
 * English text). Returns the language used.
 */
export function useShippedLanguage(language: string, l10nDir: string): string {
  const file = path.join(l10nDir, `bundle.l10n.${language}.json`);
  if (language === 'en' || !fs.existsSync(file)) {
    useBundle('en', undefined);
    return 'en';
  }
  useBundle(language, JSON.parse(fs.readFileSync(file, 'utf8')) as MessageBundle);
  return current;
}
