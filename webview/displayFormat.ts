/**
 * Numbers and dates as a person reads them in the panels, in the page's language (webview/pageLanguage.ts sets it
 * before anything is drawn): "94.7%" and "0.95" in English, "%94,7" and "0,95" in Turkish. Every figure the panels
 * show goes through here; what is sent back to the extension (CSV orders, chart names, ids) never does.
 *
 * The figures come from server/numberFormat (one language switch for the whole page bundle); this module adds what
 * only a page needs: the language from the page, Chart.js's locale, dates and byte counts. Pure (no DOM):
 * unit-tested, and bundled by chartSvg.ts too.
 */
import { dec, exponential, fixed, int, isNum, numberLanguage, pct, percentOf, plain, setNumberLanguage } from '../server/numberFormat';

/** The figures are server/numberFormat's: the panels, the HTML report and the CLI write a number the same way. */
export { dec, int, isNum, pct };
/** A number that is already a percentage: percent(60) = "60%" ("%60"), e.g. a chart's tick. */
export const percent = percentOf;
/** A number as String() writes it (a learning rate "0.002", "1e-7"), with the language's decimal separator. */
export const num = plain;
/** Scientific notation as toExponential writes it ("2.00e-3"), with the language's decimal separator. */
export const exp = exponential;

/** A BCP 47 tag Intl knows for a VS Code language id ('tr', 'pt-br', 'zh-cn'); English (en-US) otherwise. */
export function localeOf(language: string | undefined): string {
  const tag = (language ?? '').trim();
  if (!tag || /^en(-|$)/i.test(tag)) return 'en-US';
  try {
    return Intl.NumberFormat.supportedLocalesOf(Intl.getCanonicalLocales(tag))[0] ?? 'en-US';
  } catch {
    return 'en-US';
  }
}

/** Writes numbers and dates in `language` from now on (the language of the page's texts). */
export function setDisplayLanguage(language: string | undefined): void {
  setNumberLanguage(localeOf(language));
}

/** The Intl locale numbers are written in now, e.g. "en-US" or "tr" (Chart.js takes it as its `locale`). */
export function displayLocale(): string {
  const l = numberLanguage();
  return l === 'en' ? 'en-US' : l;
}

/** A date and time (an ISO string, a timestamp or a Date) in the page's language; English as toLocaleString() wrote it. */
export function dateTime(v: string | number | Date): string {
  const d = v instanceof Date ? v : new Date(v);
  return numberLanguage() === 'en' ? d.toLocaleString() : d.toLocaleString(numberLanguage());
}

/** A byte count as "512 KiB" or "12.3 MiB" ("12,3 MiB"). */
export function bytes(b: number): string {
  return b < 2 ** 20 ? `${Math.max(1, Math.round(b / 1024))} KiB` : `${fixed(b / 2 ** 20, 1)} MiB`;
}
