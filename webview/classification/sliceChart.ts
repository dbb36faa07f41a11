/**
 * Geometry of a volume's per-slice probability chart: the classes' probabilities stacked as areas over the slice
 * index (each column sums to 100%), the x of each slice, and the slice under a pointer. Pure numbers and SVG path
 * strings (no DOM): unit-tested; sliceChartView.ts draws them.
 */
import { niceTicks } from '../chartSvg';

export interface ChartBox { width: number; height: number; left: number; right: number; top: number; bottom: number }

/** The chart's default box in SVG units (the SVG scales to the panel's width). */
export const SLICE_CHART_BOX: ChartBox = { width: 640, height: 200, left: 44, right: 12, top: 10, bottom: 30 };
/** The box in a batch's narrow pane: fewer units across, so that its text is not scaled down to nothing. */
export const SLICE_CHART_PANE_BOX: ChartBox = { width: 360, height: 150, left: 40, right: 10, top: 8, bottom: 26 };

export interface SliceArea { classIndex: number; d: string }

export interface SliceChartGeometry {
  box: ChartBox;
  /** One closed path per class, bottom (first class) to top. */
  areas: SliceArea[];
  /** The x of each slice (in `slices` order). */
  xs: number[];
  /** X ticks: slice numbers as people count them (from 1), at their x. */
  xTicks: { x: number; label: number }[];
  /** Y ticks: 0, 0.25 ... 1 at their y. */
  yTicks: { y: number; value: number }[];
}

const f = (v: number) => v.toFixed(1);

/** The x of slice position `k` of `n`: evenly spread over the plot; one slice sits in its middle. */
export function sliceX(k: number, n: number, box: ChartBox = SLICE_CHART_BOX): number {
  const w = box.width - box.left - box.right;
  return n <= 1 ? box.left + w / 2 : box.left + (k / (n - 1)) * w;
}

/** The y of a probability (0 at the bottom of the plot, 1 at its top). */
export function probabilityY(p: number, box: ChartBox = SLICE_CHART_BOX): number {
  const h = box.height - box.top - box.bottom;
  return box.top + (1 - Math.min(1, Math.max(0, p))) * h;
}

/**
 * Stacked areas of `probabilities` (one array per slice, a value per class; missing or bad values count as 0; a
 * column that does not sum to 1 is scaled to it so the stack always fills the plot).
 */
export function sliceChartGeometry(probabilities: readonly (readonly number[])[], classCount: number, indexes: readonly number[],
  box: ChartBox = SLICE_CHART_BOX): SliceChartGeometry {
  const n = probabilities.length;
  const xs = probabilities.map((_, k) => sliceX(k, n, box));
  // A single slice is drawn as a band across the plot, so it is visible.
  const edgeXs = n === 1 ? [box.left, box.width - box.right] : xs;
  const rows = n === 1 ? [probabilities[0]!, probabilities[0]!] : probabilities;
  const cumulative = rows.map((row) => {
    const vals = Array.from({ length: classCount }, (_, c) => { const v = row[c]; return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0; });
    const sum = vals.reduce((a, b) => a + b, 0) || 1;
    let acc = 0;
    return [0, ...vals.map((v) => (acc += v / sum))];
  });
  const areas: SliceArea[] = [];
  for (let c = 0; c < classCount && n > 0; c++) {
    const top = edgeXs.map((x, k) => `${f(x)} ${f(probabilityY(cumulative[k]![c + 1]!, box))}`);
    const bottom = edgeXs.map((x, k) => `${f(x)} ${f(probabilityY(cumulative[k]![c]!, box))}`).reverse();
    areas.push({ classIndex: c, d: `M${top.join(' L')} L${bottom.join(' L')} Z` });
  }
  const numbers = indexes.map((i) => i + 1);
  const first = numbers[0] ?? 1, last = numbers.at(-1) ?? 1;
  const xTicks = niceTicks(first, last, 6).filter((t) => t >= first && t <= last && Number.isInteger(t))
    .map((t) => ({ x: xOfNumber(t, numbers, xs), label: t }));
  const yTicks = [0, 0.25, 0.5, 0.75, 1].map((value) => ({ value, y: probabilityY(value, box) }));
  return { box, areas, xs, xTicks, yTicks };
}

/** The x of slice number `t` (from 1), interpolated between the classified slices around it. */
function xOfNumber(t: number, numbers: readonly number[], xs: readonly number[]): number {
  const k = numbers.findIndex((v) => v >= t);
  if (k <= 0) return xs[Math.max(0, k)] ?? 0;
  const a = numbers[k - 1]!, b = numbers[k]!;
  return xs[k - 1]! + ((t - a) / (b - a || 1)) * (xs[k]! - xs[k - 1]!);
}

/** The position (in `xs` order) of the slice nearest to `x`, or -1 without slices. */
export function slicePositionAt(x: number, xs: readonly number[]): number {
  let best = -1;
  xs.forEach((v, k) => { if (best < 0 || Math.abs(v - x) < Math.abs(xs[best]! - x)) best = k; });
  return best;
}
