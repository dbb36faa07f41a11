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

export type MessageBundle = l10n.l10nJsonFormat;

/** The languages the product ships a bundle for, besides English. */
export const SHIPPED_LANGUAGES = ['tr'] as const;

let current = 'en';

/** The language messages are rendered in now ('en' unless a bundle was loaded): for Intl number formats too. */
export function currentLanguage(): string {
  return current;
}

/** Renders messages with `bundle` for `language`; no bundle (or an empty one) means English. */
export function useBundle(language: string, bundle: MessageBundle | undefined): void {
  const usable = bundle && Object.keys(bundle).length > 0 ? bundle : undefined;
  current = usable ? language : 'en';
  l10n.config({ contents: usable ?? {} });
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
