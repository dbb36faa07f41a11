/**
 * On-the-fly augmentation of preprocessed 8-bit images into the float batch the model trains on: horizontal
 * flip, small rotation, zoom and shift (one affine warp with bilinear sampling, black outside), then brightness
 * and contrast. Plain JS on 128 px images (well under a millisecond each), so it runs on any engine, and a seeded
 * random source makes a run reproducible.
 */
import type { AugmentSettings } from '../protocol';

export type AugmentConfig = AugmentSettings;

export const NO_AUGMENT: AugmentConfig = { flip: false, rotateDeg: 0, zoom: 0, shift: 0, brightness: 0, contrast: 0 };
export const DEFAULT_AUGMENT: AugmentConfig = { flip: true, rotateDeg: 10, zoom: 0.1, shift: 0.08, brightness: 0.1, contrast: 0.15 };

/**
 * Writes one augmented image (size x size x channels, 8-bit) into `out` at `offset` as floats in 0..1.
 * `rand` returns uniform numbers in [0, 1).
 */
export function augmentInto(src: Uint8Array, size: number, channels: number, cfg: AugmentConfig, rand: () => number,
  out: Float32Array, offset: number): void {
  const sym = (max: number) => (rand() * 2 - 1) * max;
  const flip = cfg.flip && rand() < 0.5;
  const angle = (sym(cfg.rotateDeg) * Math.PI) / 180;
  const scale = 1 + sym(cfg.zoom);
  const tx = sym(cfg.shift) * size;
  const ty = sym(cfg.shift) * size;
  const gain = 1 + sym(cfg.contrast);
  const bias = sym(cfg.brightness);
  const identityWarp = !flip && angle === 0 && scale === 1 && tx === 0 && ty === 0;
  // Inverse map: output pixel -> source position, about the image centre.
  const c = (size - 1) / 2;
  const cos = Math.cos(angle) / scale, sin = Math.sin(angle) / scale;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const ox = (flip ? size - 1 - x : x) - c - tx;
      const oy = y - c - ty;
      const sx = identityWarp ? x : cos * ox + sin * oy + c;
      const sy = identityWarp ? y : -sin * ox + cos * oy + c;
      const x0 = Math.floor(sx), y0 = Math.floor(sy);
      const fx = sx - x0, fy = sy - y0;
      for (let ch = 0; ch < channels; ch++) {
        const at = (xx: number, yy: number) => (xx < 0 || yy < 0 || xx >= size || yy >= size ? 0 : src[(yy * size + xx) * channels + ch]!);
        const v = identityWarp ? src[(y * size + x) * channels + ch]!
          : (at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx) * (1 - fy) + (at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx) * fy;
        const f = (v / 255 - 0.5) * gain + 0.5 + bias;
        out[offset + (y * size + x) * channels + ch] = f < 0 ? 0 : f > 1 ? 1 : f;
      }
    }
  }
}
