/**
 * Number formats shared by the webviews, the HTML report and the CLI, so a figure reads the same everywhere.
 * Pure (no node, no DOM): the webview bundles import it too. Every helper tolerates junk (null, undefined, NaN,
 * a string) and writes `missing` for it, because saved evaluations from older versions lack fields.
 *
 * Numbers are written in the language of the texts around them (server/language.ts sets it with the message
 * bundle; a bundle that never sets it stays English): "94.7%" and "0.95" in English, "%94,7" and "0,95" in
 * Turkish, through Intl. English is written exactly as before (toFixed, toLocaleString('en-US')), byte for byte;
 * another language rounds the same way first (toFixed's rounding of the binary value), so only the separators and
 * the place of the percent sign change, never a figure. Machine-readable output (JSON, CSV, metadata) must not use
 * these helpers: it writes numbers with toFixed or JSON.stringify.
 */

let language = 'en';
const formats = new Map<string, Intl.NumberFormat>();

/** Writes numbers in `lang` (a VS Code language id: 'en', 'tr', 'pt-br') from now on; English for anything unknown. */
export function setNumberLanguage(lang: string): void {
  let tag: string;
  try {
    tag = /^en(-|$)/i.test(lang) ? 'en' : (Intl.NumberFormat.supportedLocalesOf(Intl.getCanonicalLocales(lang))[0] ?? 'en');
  } catch {
    tag = 'en'; // not a language tag Intl knows
  }
  if (tag !== language) formats.clear();
  language = tag;
}

/** The Intl locale numbers are written in now ('en' or, e.g., 'tr'). */
export function numberLanguage(): string {
  return language;
}

function nf(key: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  let f = formats.get(key);
  if (!f) {
    f = new Intl.NumberFormat(language, options);
    formats.set(key, f);
  }
  return f;
}

/** `v` rounded to `digits` decimals the way toFixed rounds (the exact binary value), for Intl to write. */
const rounded = (v: number, digits: number) => Number(v.toFixed(digits));

/** toFixed in the current language: "0.013" in English, "0,013" in Turkish (no grouping). */
export function fixed(v: number, digits: number): string {
  if (language === 'en' || !Number.isFinite(v)) return v.toFixed(digits);
  return nf(`f${digits}`, { minimumFractionDigits: digits, maximumFractionDigits: digits, useGrouping: false }).format(rounded(v, digits));
}

export const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** A fraction as a percentage: pct(0.9474) = "94.7%", pct(0.9474, 2) = "94.74%" ("%94,74" in Turkish). */
export const pct = (v: unknown, digits = 1, missing = '–'): string => (isNum(v) ? percentOf(v * 100, digits) : missing);

/** A number that already is a percentage: percentOf(60, 0) = "60%" ("%60" in Turkish). */
export function percentOf(n: number, digits = 0): string {
  if (language === 'en' || !Number.isFinite(n)) return `${n.toFixed(digits)}%`;
  return nf(`p${digits}`, { style: 'unit', unit: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits, useGrouping: false })
    .format(rounded(n, digits));
}

/** A plain number with fixed decimals: dec(0.0132, 3) = "0.013" ("0,013"). */
export const dec = (v: unknown, digits = 3, missing = '–'): string => (isNum(v) ? fixed(v, digits) : missing);

/** A count with the language's thousands separators: int(7023) = "7,023" ("7.023" in Turkish). */
export const int = (v: unknown, missing = '–'): string =>
  (isNum(v) ? (language === 'en' ? Math.round(v).toLocaleString('en-US') : nf('i', { maximumFractionDigits: 0 }).format(Math.round(v))) : missing);

/** A number as String() writes it ("0.002", "1e-7"), with the language's decimal separator. */
export function plain(v: number): string {
  const s = String(v);
  return language === 'en' ? s : s.replace('.', decimalSeparator());
}

/** Scientific notation as toExponential writes it ("2.00e-3"), with the language's decimal separator. */
export function exponential(v: number, digits = 2): string {
  const s = v.toExponential(digits);
  return language === 'en' ? s : s.replace('.', decimalSeparator());
}

function decimalSeparator(): string {
  return nf('sep', { minimumFractionDigits: 1 }).formatToParts(1.5).find((p) => p.type === 'decimal')?.value ?? '.';
}

/** Items joined with "and": "A and B and C" in English as ever, the language's own list form elsewhere ("A, B ve C"). */
export function andList(items: readonly string[]): string {
  return language === 'en' ? items.join(' and ') : new Intl.ListFormat(language, { type: 'conjunction' }).format(items);
}

/** Seconds as m:ss or h:mm:ss (an ETA, a run's length); '--:--' when unknown. */
export function formatDuration(sec: number | null): string {
  if (sec === null || !Number.isFinite(sec)) return '--:--';
  const s = Math.max(0, Math.round(sec));
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  return h ? `${h}:${String(m).padStart(2, '0')}:${String(r).padStart(2, '0')}` : `${m}:${String(r).padStart(2, '0')}`;
}
