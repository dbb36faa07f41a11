/**
 * The shared number formats (server/numberFormat.ts) as the CLI has always printed them, so its output stays what
 * scripts and people already read:
 * - a missing figure (null, or absent from a report saved by an older version) is an ASCII '-' (the panels write
 *   an en dash);
 * - a figure that is a number but not a finite one (NaN from a run that diverged) is written as JavaScript writes
 *   it ("NaN%"), not as missing: NaN says something went wrong, a dash says nothing was measured.
 */
import { dec, pct } from '../numberFormat';

export const MISSING = '-';

/** A fraction as a percentage, pct(0.9474) = "94.7%"; NaN and Infinity print as themselves ("NaN%"). */
export const percent = (v: number, digits = 1): string => pct(v, digits, v == null ? MISSING : `${v * 100}%`);

/** A number with fixed decimals, `-` for null (not computed); NaN and Infinity print as themselves. */
export const decimal = (v: number | null, digits = 3): string => dec(v, digits, v == null ? MISSING : String(v));
