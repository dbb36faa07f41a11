/**
 * Numbers and dates as a person reads them in the panels, in the page's language (webview/pageLanguage.ts sets it
 * before anything is drawn): "94.7%" and "0.95" in English, "%94,7" and "0,95" in Turkish. Every figure the panels
 * show goes through here; what is sent back to the extension (CSV orders, chart names, ids) never does.
 *
 * In English each helper writes exactly what the panels wrote before (toFixed, String, toLocaleString('en-US')):
 * percentages are formatted from the same `v * 100` and decimals round the same way, so English stays byte-identical.
 * Pure (no DOM): unit-tested, and bundled by chartSvg.ts too.
 */
import { isNum } from '../server/numberFormat';

export { isNum };

let locale = 'en-US';
let english = true;
const cache = new Map<string, Intl.NumberFormat>();

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
  locale = localeOf(language);
  english = locale === 'en-US';
  cache.clear();
}

/** The Intl locale numbers are written in now, e.g. "en-US" or "tr" (Chart.js takes it as its `locale`). */
export function displayLocale(): string {
  return locale;
}

function nf(key: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  let f = cache.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, options);
    cache.set(key, f);
  }
  return f;
}

/**
 * `v` rounded as toFixed rounds it. toFixed rounds the number's exact binary value (1.005 is 1.00499..., so "1.00");
 * Intl rounds its shortest decimal form ("1.01"). Rounding first keeps every figure as the panels always wrote it;
 * Intl then only writes the already rounded number in the page's language (and keeps toFixed's "-0.00").
 */
const rounded = (v: number, digits: number) => Number(v.toFixed(digits));

/** `v` with exactly `digits` decimals and no grouping: toFixed in the page's language ("0.013", "0,013"). */
function fixed(v: number, digits: number): string {
  return nf(`f${digits}`, { minimumFractionDigits: digits, maximumFractionDigits: digits, useGrouping: false }).format(rounded(v, digits));
}

/** A fraction as a percentage: pct(0.9474) = "94.7%" ("%94,7" in Turkish); `missing` for anything not a number. */
export function pct(v: unknown, digits = 1, missing = '–'): string {
  return isNum(v) ? percent(v * 100, digits) : missing;
}

/** A number that is already a percentage: percent(60) = "60%" ("%60"), e.g. a chart's tick. */
export function percent(n: number, digits = 0): string {
  return nf(`p${digits}`, { style: 'unit', unit: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits, useGrouping: false })
    .format(rounded(n, digits));
}

/** A number with fixed decimals: dec(0.0132, 3) = "0.013" ("0,013"). */
export function dec(v: unknown, digits = 3, missing = '–'): string {
  return isNum(v) ? fixed(v, digits) : missing;
}

/** A count, rounded, with the language's thousands separators: int(7023) = "7,023" ("7.023"). */
export function int(v: unknown, missing = '–'): string {
  return isNum(v) ? nf('i', { maximumFractionDigits: 0 }).format(Math.round(v)) : missing;
}

/** The language's decimal separator ("." or ","). */
function decimalSeparator(): string {
  return nf('sep', { minimumFractionDigits: 1 }).formatToParts(1.5).find((p) => p.type === 'decimal')?.value ?? '.';
}

/** A number as String() writes it (a learning rate "0.002", "1e-7"), with the language's decimal separator. */
export function num(v: number): string {
  const s = String(v);
  return english ? s : s.replace('.', decimalSeparator());
}

/** Scientific notation as toExponential writes it ("2.00e-3"), with the language's decimal separator. */
export function exp(v: number, digits = 2): string {
  const s = v.toExponential(digits);
  return english ? s : s.replace('.', decimalSeparator());
}

/** A date and time (an ISO string, a timestamp or a Date) in the page's language; English as toLocaleString() wrote it. */
export function dateTime(v: string | number | Date): string {
  const d = v instanceof Date ? v : new Date(v);
  return english ? d.toLocaleString() : d.toLocaleString(locale);
}

/** A byte count as "512 KiB" or "12.3 MiB" ("12,3 MiB"). */
export function bytes(b: number): string {
  return b < 2 ** 20 ? `${Math.max(1, Math.round(b / 1024))} KiB` : `${fixed(b / 2 ** 20, 1)} MiB`;
}
