/**
 * The page's language, set up before any panel writes a word. The extension puts it in the HTML
 * (extension/panels/webviewShell.ts): `<html lang="tr">` and the message bundle VS Code loaded for its display
 * language as a JSON data block, `<script type="application/json" id="l10n-bundle">` (data, never executed, so the
 * CSP is untouched). Nothing is fetched, so there is no flash of English.
 *
 * Every panel's main.ts imports this module first: ES modules run in import order, so `l10n.t` calls at the top
 * level of any module after it (this page's or a shared one's) already see the bundle. Without a bundle (English, or
 * a language the extension ships no bundle for) the messages in the code are the text, and numbers stay English too,
 * so a page never mixes English words with another language's number formats.
 */
import * as l10n from '@vscode/l10n';
import { setDisplayLanguage } from './displayFormat';

/** The id of the JSON block that carries the bundle. */
export const BUNDLE_ELEMENT_ID = 'l10n-bundle';

let current = 'en';

/** The language the page's texts are in: "en" unless a bundle was loaded. */
export function pageLanguage(): string {
  return current;
}

/** The bundle in the JSON block's text, or undefined when there is none or it is not a flat object of messages. */
export function parseBundle(text: string | null | undefined): l10n.l10nJsonFormat | undefined {
  if (!text?.trim()) return undefined;
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as l10n.l10nJsonFormat) : undefined;
  } catch {
    return undefined;
  }
}

/** Renders messages with `bundle` and numbers in `language`; no bundle (or an empty one) means English. Returns the language used. */
export function usePageLanguage(language: string | undefined, bundle: l10n.l10nJsonFormat | undefined): string {
  const usable = bundle && Object.keys(bundle).length > 0 ? bundle : undefined;
  current = usable && language ? language : 'en';
  l10n.config({ contents: usable ?? {} });
  setDisplayLanguage(current);
  return current;
}

/** Reads the language and the bundle the extension wrote into `doc`. */
export function startPageLanguage(doc: Document): string {
  return usePageLanguage(doc.documentElement.lang, parseBundle(doc.getElementById(BUNDLE_ELEMENT_ID)?.textContent));
}

// In the page: at once, before the modules imported after this one run. (Unit tests import the panels' pure modules
// in node, where there is no document: they get English.)
if (typeof document !== 'undefined') startPageLanguage(document);
