/**
 * Classification results as CSV (RFC 4180: CRLF line ends, fields with a comma, quote or line break quoted, quotes
 * doubled). Shared by the CLI (--csv) and the Classification panel's Export CSV.
 *
 * Spreadsheets run a cell that starts with = + - @ (or a tab or carriage return) as a formula, and file names and
 * error messages come from outside; such text cells get a leading apostrophe so that they stay text.
 */
import type { ClassifyItem } from '../protocol';

/** Digits kept for probabilities and confidence: enough to tell 0.9999 from 1 without float noise. */
const DIGITS = 4;

const FORMULA_START = /^[=+\-@\t\r]/;

/** One text cell, made safe for spreadsheets and quoted when RFC 4180 asks for it. */
export function csvCell(text: string): string {
  const safe = FORMULA_START.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const num = (v: number | undefined): string => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(DIGITS) : '');

/**
 * The header row's column names, for these classes. With volumes among the items (`slices`), two columns close
 * the row: the slice index and its position in mm (empty on the rows of single images); appended last, so that
 * scripts reading the columns of an images-only export by position still read the same ones.
 */
export function csvColumns(classes: readonly string[], slices = false): string[] {
  return ['path', 'status', 'predicted', 'confidence', 'uncertain', 'reasons', ...classes.map((c) => `p_${c}`), 'out_of_distribution', 'error',
    ...(slices ? ['slice', 'position_mm'] : [])];
}

/** One row per image, or one per slice of a volume (its out_of_distribution cell says "empty" for an empty slice). */
function rows(item: ClassifyItem, classes: readonly string[], slices: boolean): string[][] {
  const tail = (s?: { index: number; position: number | null }) => (!slices ? [] : s ? [String(s.index), s.position === null ? '' : String(s.position)] : ['', '']);
  if (!item.ok) return [[item.path, 'error', '', '', '', '', ...classes.map(() => ''), '', item.error, ...tail()]];
  if (item.volume) {
    return item.volume.slices.map((s) => [
      item.path, 'ok', s.predicted, num(s.confidence), String(s.uncertain), s.uncertainReasons.join('; '),
      ...classes.map((_, i) => num(s.probabilities[i])), s.empty ? 'empty' : '', '', ...tail(s),
    ]);
  }
  return [[
    item.path, 'ok', item.predicted, num(item.confidence), String(item.uncertain), item.uncertainReasons.join('; '),
    ...classes.map((_, i) => num(item.probabilities[i])),
    String(item.distribution.outOfDistribution), '', ...tail(),
  ]];
}

/**
 * The items as CSV, one row each (a volume: one per slice) in the given order, with one probability column per class (`classes` in the
 * order of the probabilities, i.e. the model's). Ends with a line break.
 */
export function toCsv(items: readonly ClassifyItem[], classes: readonly string[]): string {
  const slices = items.some((it) => it.ok && it.volume);
  const lines = [csvColumns(classes, slices), ...items.flatMap((it) => rows(it, classes, slices))];
  return lines.map((cells) => cells.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/** A file name for an export made at `now`, such as classification-2026-11-30-2004.csv (local time). */
export function csvFileName(now: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `classification-${now.getFullYear()}-${two(now.getMonth() + 1)}-${two(now.getDate())}-${two(now.getHours())}${two(now.getMinutes())}.csv`;
}
