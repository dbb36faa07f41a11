/**
 * The automatic grey window of a volume: the 0.5th to 99.5th percentile of its non-zero voxels, over the whole
 * volume, so that every slice is windowed the same (a slice's brightness then means the same thing across the
 * volume) and the empty background (zero in skull-stripped and most scanner volumes) does not pull the window down.
 */

/** At most this many voxels are sorted for the percentiles (a regular sample of larger volumes). */
const SAMPLE = 2_000_000;
export const WINDOW_PERCENTILES = [0.5, 99.5] as const;

export interface GreyWindow { low: number; high: number }

export function autoWindow(values: Float32Array): GreyWindow {
  let nonZero = 0;
  for (let i = 0; i < values.length; i++) if (values[i] !== 0 && Number.isFinite(values[i])) nonZero++;
  if (!nonZero) return { low: 0, high: 1 };
  const stride = Math.max(1, Math.floor(nonZero / SAMPLE));
  const sample = new Float32Array(Math.ceil(nonZero / stride));
  let n = 0, seen = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v === 0 || !Number.isFinite(v)) continue;
    if (seen++ % stride === 0) sample[n++] = v;
  }
  const sorted = sample.subarray(0, n).sort();
  const at = (p: number) => sorted[Math.min(n - 1, Math.max(0, Math.round((p / 100) * (n - 1))))]!;
  const low = at(WINDOW_PERCENTILES[0]);
  const high = at(WINDOW_PERCENTILES[1]);
  return high > low ? { low, high } : { low: low - 0.5, high: low + 0.5 };
}

/** A value to 0..255 through the window (clamped). */
export function toGrey(v: number, w: GreyWindow): number {
  const t = (v - w.low) / (w.high - w.low);
  return t <= 0 || !Number.isFinite(t) ? 0 : t >= 1 ? 255 : Math.round(t * 255);
}
