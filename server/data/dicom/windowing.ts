/**
 * Modality values to 8-bit grey for display and classification: the VOI window of the file when it has one
 * (Window Center/Width, the first pair when several are given; the linear function of PS3.3 C.11.2.1.2.1),
 * else an automatic window:
 *  - 8-bit unsigned data without a rescale is taken as stored (0..255): it is usually a secondary capture of an
 *    image that was windowed already (a JPEG converted to DICOM), and stretching it would change what the model sees;
 *  - anything else is windowed from the 0.5th to the 99.5th percentile of the frame's values, so a few very bright
 *    or dark pixels (metal, vessels, padding values) do not flatten the brain into one grey.
 * MONOCHROME1 (higher values darker) is inverted after windowing.
 */
import * as l10n from '@vscode/l10n';

export interface Window { center: number; width: number }

export function applyWindow(values: Float32Array, window: Window | null, opts: { stored8bit: boolean; monochrome1: boolean }):
  { data: Uint8Array; description: string } {
  const out = new Uint8Array(values.length);
  let description: string;
  if (window && window.width >= 1) {
    const { center: c, width: w } = window;
    const lo = c - 0.5 - (w - 1) / 2, hi = c - 0.5 + (w - 1) / 2;
    for (let i = 0; i < values.length; i++) {
      const x = values[i]!;
      out[i] = x <= lo ? 0 : x > hi ? 255 : Math.round(((x - (c - 0.5)) / (w - 1) + 0.5) * 255);
    }
    description = l10n.t('DICOM window {0}/{1}', trim(c), trim(w));
  } else if (opts.stored8bit) {
    for (let i = 0; i < values.length; i++) out[i] = Math.max(0, Math.min(255, Math.round(values[i]!)));
    description = l10n.t('8-bit values as stored (no window in the file)');
  } else {
    const [lo, hi] = percentiles(values, 0.005, 0.995);
    const span = hi - lo;
    for (let i = 0; i < values.length; i++) {
      const x = values[i]!;
      out[i] = span <= 0 ? 0 : x <= lo ? 0 : x >= hi ? 255 : Math.round(((x - lo) / span) * 255);
    }
    description = l10n.t('automatic window {0} to {1} (0.5th to 99.5th percentile; no window in the file)', trim(lo), trim(hi));
  }
  if (opts.monochrome1) for (let i = 0; i < out.length; i++) out[i] = 255 - out[i]!;
  return { data: out, description };
}

/** Two percentiles of the values (nearest rank on a sorted copy: a 512 x 512 frame sorts in about 20 ms). */
export function percentiles(values: Float32Array, p: number, q: number): [number, number] {
  if (!values.length) return [0, 0];
  const sorted = Float32Array.from(values).sort();
  const at = (f: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(f * (sorted.length - 1))))]!;
  return [at(p), at(q)];
}

const trim = (v: number) => String(Math.round(v * 100) / 100);
