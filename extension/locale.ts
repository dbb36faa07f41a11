/**
 * The extension host's display language, for the modules without a vscode import. The modules that import vscode
 * mark their messages with `vscode.l10n.t`; the pure ones (unit-tested in plain node) with `l10n.t` of
 * `@vscode/l10n` (import it as `* as l10n` so that `@vscode/l10n-dev export` finds every call), which reads the
 * same bundle once activation hands it over here. No vscode import: unit-tested.
 *
 * Numbers a person reads go through the formats below, in the display language: Turkish writes "%85,0".
 * Without a bundle (English, or a language the extension does not ship) messages and numbers stay English, so
 * that text and figures never mix two languages. Never call l10n.t at module load: the bundle comes later.
 */
import * as l10n from '@vscode/l10n';
import { setNumberLanguage } from '../server/numberFormat';

export type MessageBundle = l10n.l10nJsonFormat;

let current = 'en';

/** Renders the pure modules' messages and every number format with `bundle` for `language` (activation calls it). */
export function useLanguage(language: string, bundle: MessageBundle | undefined): void {
  const usable = bundle && Object.keys(bundle).length > 0 ? bundle : undefined;
  current = usable ? language : 'en';
  l10n.config({ contents: usable ?? {} });
  // The backend's modules bundled into the extension (the HTML report written by Evaluate Model) format with it.
  setNumberLanguage(current);
}

/** The language numbers and messages are rendered in now ('en' unless a bundle was loaded). */
export function displayLanguage(): string {
  return current;
}

const formats = new Map<string, Intl.NumberFormat>();

function numberFormat(key: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const id = `${current}|${key}`;
  let f = formats.get(id);
  if (!f) {
    try {
      f = new Intl.NumberFormat(current, options);
    } catch {
      f = new Intl.NumberFormat('en', options); // a tag Intl does not know
    }
    formats.set(id, f);
  }
  return f;
}

/**
 * A fraction as a percentage with `digits` decimals: percent(0.85) = "85.0%" in English, "%85,0" in Turkish.
 * Rounded as toFixed rounds, so the English text is the same as it always was.
 */
export function percent(ratio: number, digits = 1): string {
  const rounded = Number((ratio * 100).toFixed(digits));
  return numberFormat(`p${digits}`, { style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits }).format(rounded / 100);
}

/** A number with `digits` decimals and no grouping: decimal(0.1234, 3) = "0.123" in English, "0,123" in Turkish. */
export function decimal(v: number, digits: number): string {
  const rounded = Number(v.toFixed(digits));
  return numberFormat(`d${digits}`, { minimumFractionDigits: digits, maximumFractionDigits: digits, useGrouping: false }).format(rounded);
}

/** A number with as many decimals as it has (a temperature): "0.7" in English, "0,7" in Turkish. */
export function plain(v: number): string {
  return numberFormat('x', { maximumFractionDigits: 20, useGrouping: false }).format(v);
}

/** A count with the language's thousands separators: "2,602,116" in English, "2.602.116" in Turkish. */
export function count(n: number): string {
  return numberFormat('n', { maximumFractionDigits: 0 }).format(n);
}

/** A moment as a person reads it: the system's format in English (as before), the display language's otherwise. */
export function dateTime(d: Date): string {
  return current === 'en' ? d.toLocaleString() : d.toLocaleString(current);
}
