/** Number formatting of the Metrics panel; every helper tolerates junk (null, undefined, NaN) and shows '–'. */

export const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
export const pct = (v: number | null | undefined, d = 1): string => (isNum(v) ? `${(v * 100).toFixed(d)}%` : '–');
export const dec = (v: number | null | undefined, d = 4): string => (isNum(v) ? v.toFixed(d) : '–');
export const int = (v: number | null | undefined): string => (isNum(v) ? Math.round(v).toLocaleString('en-US') : '–');
