/**
 * Grad-CAM heat maps as pictures: the low-resolution grid (7x7 or so) is upsampled bilinearly in value space, then
 * coloured with viridis (perceptually uniform, readable for colour-blind people, and far from the greys of an MRI
 * slice). Upsampling values rather than colours keeps the colour between two cells on the colour map.
 * Weak evidence fades to transparent so that the slice stays visible where the model did not look.
 */
import type { Heatmap, InputGeometry } from '../../server/protocol';
import { originalToHeatGrid } from './originalMapping';

/** Viridis at 10 even steps (matplotlib's), as RGB. common.css draws the legend from the same stops and fade. */
const VIRIDIS: readonly (readonly [number, number, number])[] = [
  [0x44, 0x01, 0x54], [0x48, 0x28, 0x78], [0x3e, 0x4a, 0x89], [0x31, 0x68, 0x8e], [0x26, 0x82, 0x8e],
  [0x1f, 0x9e, 0x89], [0x35, 0xb7, 0x79], [0x6d, 0xcd, 0x59], [0xb4, 0xde, 0x2c], [0xfd, 0xe7, 0x25],
];

/** The colour of `t` in 0..1 (clamped). */
export function viridis(t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - i;
  const a = VIRIDIS[i]!, b = VIRIDIS[i + 1]!;
  return [Math.round(a[0] + (b[0] - a[0]) * f), Math.round(a[1] + (b[1] - a[1]) * f), Math.round(a[2] + (b[2] - a[2]) * f)];
}

/** Opacity of a value: nothing below FADE_FROM, full from FADE_TO on. */
const FADE_FROM = 0.08;
const FADE_TO = 0.6;

export function heatAlpha(v: number): number {
  const t = Math.min(1, Math.max(0, (v - FADE_FROM) / (FADE_TO - FADE_FROM)));
  return t * t * (3 - 2 * t);
}

/** The value at grid position (gx, gy) in cell units, cells sampled at their centres, edges clamped. */
function sample(h: Heatmap, gx: number, gy: number): number {
  const x = Math.min(h.width - 1, Math.max(0, gx)), y = Math.min(h.height - 1, Math.max(0, gy));
  const x0 = Math.floor(x), y0 = Math.floor(y);
  const x1 = Math.min(h.width - 1, x0 + 1), y1 = Math.min(h.height - 1, y0 + 1);
  const fx = x - x0, fy = y - y0;
  const v = (cx: number, cy: number) => {
    const n = h.values[cy * h.width + cx];
    return typeof n === 'number' && Number.isFinite(n) ? n : 0;
  };
  return (v(x0, y0) * (1 - fx) + v(x1, y0) * fx) * (1 - fy) + (v(x0, y1) * (1 - fx) + v(x1, y1) * fx) * fy;
}

/** RGBA pixels (row-major, size x size) of the heat map stretched over a square of `size` pixels. */
export function heatmapPixels(h: Heatmap, size: number): Uint8ClampedArray<ArrayBuffer> {
  const out = new Uint8ClampedArray(new ArrayBuffer(size * size * 4));
  if (h.width < 1 || h.height < 1) return out;
  for (let y = 0; y < size; y++) {
    const gy = ((y + 0.5) * h.height) / size - 0.5;
    for (let x = 0; x < size; x++) {
      const v = sample(h, ((x + 0.5) * h.width) / size - 0.5, gy);
      const [r, g, b] = viridis(v);
      const k = (y * size + x) * 4;
      out[k] = r; out[k + 1] = g; out[k + 2] = b; out[k + 3] = Math.round(heatAlpha(v) * 255);
    }
  }
  return out;
}

/** Resolution of the drawn overlay; the canvas is then scaled (smoothly) to the size of the picture. */
export const OVERLAY_SIZE = 224;

/** The longer side of the overlay drawn on the original: the original's own size up to this, scaled down beyond. */
export const ORIGINAL_OVERLAY_MAX_SIDE = 1024;

/** The overlay's pixel size for an original of `g.width` x `g.height`. */
export function originalOverlaySize(g: InputGeometry): { width: number; height: number } {
  const k = Math.min(1, ORIGINAL_OVERLAY_MAX_SIDE / Math.max(g.width, g.height));
  return { width: Math.max(1, Math.round(g.width * k)), height: Math.max(1, Math.round(g.height * k)) };
}

/**
 * RGBA pixels (row-major, width x height) of the heat map mapped back onto the whole original (scaled to width x
 * height): each pixel's centre goes through crop, pad and resize to the map; outside the crop it stays transparent.
 */
export function heatmapPixelsOnOriginal(h: Heatmap, g: InputGeometry, width: number, height: number): Uint8ClampedArray<ArrayBuffer> {
  const out = new Uint8ClampedArray(new ArrayBuffer(width * height * 4));
  if (h.width < 1 || h.height < 1) return out;
  const sx = g.width / width, sy = g.height / height;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const at = originalToHeatGrid(g, h.width, h.height, (x + 0.5) * sx, (y + 0.5) * sy);
      if (!at) continue;
      const v = sample(h, at.gx, at.gy);
      const [r, gr, b] = viridis(v);
      const k = (y * width + x) * 4;
      out[k] = r; out[k + 1] = gr; out[k + 2] = b; out[k + 3] = Math.round(heatAlpha(v) * 255);
    }
  }
  return out;
}

/** Paints the heat map mapped back onto the original on `canvas` (sized here to the original; CSS scales it to the picture). */
export function paintHeatmapOnOriginal(canvas: HTMLCanvasElement, h: Heatmap, g: InputGeometry): void {
  const { width, height } = originalOverlaySize(g);
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.putImageData(new ImageData(heatmapPixelsOnOriginal(h, g, width, height), width, height), 0, 0);
}

/** Paints the heat map on `canvas` (which CSS sizes to cover the model input picture). */
export function paintHeatmap(canvas: HTMLCanvasElement, h: Heatmap): void {
  canvas.width = OVERLAY_SIZE;
  canvas.height = OVERLAY_SIZE;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.putImageData(new ImageData(heatmapPixels(h, OVERLAY_SIZE), OVERLAY_SIZE, OVERLAY_SIZE), 0, 0);
}
