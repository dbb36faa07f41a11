/**
 * From the model input back to the original image: preprocessing cropped the original to `crop`, padded that to the
 * square `square` and resized the square to the input (server/protocol.ts, InputGeometry). A Grad-CAM map covers
 * the input in equal cells, so a cell covers an equal part of the square; only the part inside the crop is image.
 * Pure (no DOM): unit-tested, and used to draw the heat map over the original.
 */
import type { InputGeometry, PixelRect } from '../../server/protocol';

/**
 * The rectangle of the original (in its pixels) under heat-map cell (cx, cy) of a gridW x gridH map, clipped to the
 * crop; null when the cell lies wholly in the padding (no pixel of the original under it).
 */
export function heatCellToOriginal(g: InputGeometry, gridW: number, gridH: number, cx: number, cy: number): PixelRect | null {
  const sq = g.square;
  const x0 = sq.left + (cx * sq.width) / gridW, x1 = sq.left + ((cx + 1) * sq.width) / gridW;
  const y0 = sq.top + (cy * sq.height) / gridH, y1 = sq.top + ((cy + 1) * sq.height) / gridH;
  const left = Math.max(x0, g.crop.left), right = Math.min(x1, g.crop.left + g.crop.width);
  const top = Math.max(y0, g.crop.top), bottom = Math.min(y1, g.crop.top + g.crop.height);
  if (right <= left || bottom <= top) return null;
  return { left, top, width: right - left, height: bottom - top };
}

/**
 * Where the original's point (x, y) (pixel units, continuous) falls on a gridW x gridH heat map, in cell units with
 * cell centres at whole numbers (cell 0's centre is 0, its left edge -0.5), for bilinear sampling; null outside the
 * crop (the model never saw that part of the original).
 */
export function originalToHeatGrid(g: InputGeometry, gridW: number, gridH: number, x: number, y: number): { gx: number; gy: number } | null {
  const c = g.crop;
  if (x < c.left || y < c.top || x > c.left + c.width || y > c.top + c.height) return null;
  return {
    gx: ((x - g.square.left) / g.square.width) * gridW - 0.5,
    gy: ((y - g.square.top) / g.square.height) * gridH - 0.5,
  };
}

/** A geometry worth drawing with: finite numbers, a positive original and square, a crop inside the original. */
export function isUsableGeometry(g: InputGeometry): boolean {
  const finite = [g.width, g.height, g.inputSize, g.crop.left, g.crop.top, g.crop.width, g.crop.height, g.square.left, g.square.top, g.square.width, g.square.height]
    .every((v) => typeof v === 'number' && Number.isFinite(v));
  return finite && g.width > 0 && g.height > 0 && g.square.width > 0 && g.square.height > 0 && g.crop.width > 0 && g.crop.height > 0 &&
    g.crop.left >= -1e-6 && g.crop.top >= -1e-6 && g.crop.left + g.crop.width <= g.width + 1e-3 && g.crop.top + g.crop.height <= g.height + 1e-3;
}
