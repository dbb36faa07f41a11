/**
 * Number formats shared by the webviews, the HTML report and the CLI, so a figure reads the same everywhere.
 * Pure (no node, no DOM): the webview bundles import it too. Every helper tolerates junk (null, undefined, NaN,
 * a string) and writes `missing` for it, because saved evaluations from older versions lack fields.
 */

export const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** A fraction as a percentage: pct(0.9474) = "94.7%", pct(0.9474, 2) = "94.74%". */
export const pct = (v: unknown, digits = 1, missing = '–'): string => (isNum(v) ? `${(v * 100).toFixed(digits)}%` : missing);

/** A plain number with fixed decimals: dec(0.0132, 3) = "0.013". */
export const dec = (v: unknown, digits = 3, missing = '–'): string => (isNum(v) ? v.toFixed(digits) : missing);

/** A count with thousands separators, the same in every locale: int(7023) = "7,023". */
export const int = (v: unknown, missing = '–'): string => (isNum(v) ? Math.round(v).toLocaleString('en-US') : missing);

/** Seconds as m:ss or h:mm:ss (an ETA, a run's length); '--:--' when unknown. */
export function formatDuration(sec: number | null): string {
  if (sec === null || !Number.isFinite(sec)) return '--:--';
  const s = Math.max(0, Math.round(sec));
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  return h ? `${h}:${String(m).padStart(2, '0')}:${String(r).padStart(2, '0')}` : `${m}:${String(r).padStart(2, '0')}`;
}
