/**
 * Intensity normalisation, a step of preprocessing policy version 2: histogram equalisation of the head.
 *
 * Why equalisation: MRI intensities have no absolute scale. One scanner's, sequence's or export's image differs from
 * another's by a monotone curve (window, gamma, contrast, brightness), and a model that learnt the curve of its
 * benchmark loses points on any other (evaluate --perturb: gamma 0.6 cost the bundled v1 model 4-6 points). Mapping
 * each head pixel to its rank among the head's pixels gives the same image for every strictly increasing curve, so
 * those shifts never reach the model (up to 8-bit rounding and clipping).
 *
 * Why only the head, and where its edge lies: the dark background is a large share of the image; counted in, its
 * noise would be spread over a third of the grey scale. A fixed level cannot tell it apart (a lower contrast about
 * the mean lifts the background from 0 to 20), so the edge is Otsu's threshold on the square-root levels
 * (headEdge). The background then maps to 0 and the head to threshold+1..255, so the border crop that follows finds
 * the same head whatever the contrast.
 */
import type { IntensityStep } from '../protocol';

/**
 * The level that separates background from head in `hist` (256 bins): Otsu's threshold (the split that maximises
 * the between-class variance), the classic choice for a dark background around a bright object, computed on the
 * square root of the level. A fixed level cannot follow the scan (a lower contrast about the mean lifts the
 * background from 0 to 20, a gamma of 0.6 lifts its noise from 3 to 16); Otsu's split follows any linear change
 * exactly. The square root (which also evens out the noise, larger in bright tissue) keeps it from jumping between
 * the background/tissue split and the grey/white tissue split under a gamma: measured on 45 Kaggle Testing images
 * under the monotone perturbations of `evaluate --perturb`, the mean change of the model input was 1-13 levels
 * (version 1: 18-36), with 0-7 images changing by more than 20; plain Otsu had 30 such images under gamma 1.6, Otsu
 * on log levels 22 under gamma 0.6 (docs/training-recipe.md, "Preprocessing policy version 2").
 */
export function headEdge(hist: Float64Array): number {
  let n = 0, total = 0;
  for (let q = 0; q < 256; q++) { n += hist[q]!; total += Math.sqrt(q) * hist[q]!; }
  let w0 = 0, sum0 = 0, best = -1, edge = 0;
  for (let q = 0; q < 255; q++) {
    w0 += hist[q]!;
    sum0 += Math.sqrt(q) * hist[q]!;
    const w1 = n - w0;
    if (w0 === 0 || w1 === 0) continue;
    const between = w0 * w1 * (sum0 / w0 - (total - sum0) / w1) ** 2;
    if (between > best) { best = between; edge = q; }
  }
  // A single level (a blank image) has no split: no head, and the table leaves it as it is.
  return best < 0 ? 255 : edge;
}

/**
 * The 256-entry lookup table that equalises `levels` (8-bit, any channel count, every value counted): levels at or
 * below the head's edge (headEdge) map to 0, the others to threshold+1..255 by their mid-rank among the head's
 * pixels (mid-rank: a level holding many pixels lands in the middle of its span, not at its top). An image without
 * head pixels keeps its levels (nothing to normalise).
 */
export function equalizeHeadTable(levels: ArrayLike<number>, threshold: number): Uint8Array {
  const hist = new Float64Array(256);
  for (let i = 0; i < levels.length; i++) hist[levels[i]!]!++;
  const first = headEdge(hist) + 1;
  let head = 0;
  for (let q = first; q < 256; q++) head += hist[q]!;
  const table = new Uint8Array(256);
  if (head === 0 || first > 255) {
    for (let q = 0; q < 256; q++) table[q] = q;
    return table;
  }
  const lo = threshold + 1, span = 255 - lo;
  let below = 0;
  for (let q = first; q < 256; q++) {
    table[q] = Math.round(lo + (span * (below + hist[q]! / 2)) / head);
    below += hist[q]!;
  }
  return table;
}

/** Applies the policy's intensity step to 8-bit pixels in place. */
export function normalizeIntensityBytes(pixels: Uint8Array, mode: IntensityStep, threshold: number): Uint8Array {
  if (mode === 'none') return pixels;
  const table = equalizeHeadTable(pixels, threshold);
  for (let i = 0; i < pixels.length; i++) pixels[i] = table[pixels[i]!]!;
  return pixels;
}
