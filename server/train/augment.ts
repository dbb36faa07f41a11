/**
 * On-the-fly augmentation of preprocessed 8-bit images into the float batch the model trains on.
 *  - Geometry: horizontal flip, small rotation, zoom and shift (one affine warp with bilinear sampling, black
 *    outside).
 *  - Intensity and style, against the shortcuts a merged dataset offers (scanner, sequence, compression): a
 *    resolution drop, Gaussian blur, a smooth multiplicative bias field, histogram equalisation, a random
 *    intensity remapping (a random smooth curve, sometimes inverted: a crude stand-in for another MRI sequence),
 *    a random shallow network (GIN / RandConv) and JPEG artefacts (both in styleAugment.ts), gamma, intensity
 *    scale, contrast and brightness, Gaussian noise. Their ranges cover what `evaluate --perturb` checks (gamma
 *    0.6-1.6, contrast x0.6-x1.5, intensities x0.7-x1.3, noise of 12 grey levels, blur, downscaling, JPEG at
 *    quality 15), so a model trained with them has seen those changes.
 * Plain JS on 128 px images (well under a millisecond each), so it runs on any engine. A seeded random source makes
 * a run reproducible; an augmentation at strength 0 draws no random numbers, so a run whose config predates an
 * augmentation resumes with exactly the random stream it started with.
 */
import type { AugmentSettings } from '../protocol';
import { jpegArtefacts, randomShallowNetwork } from './styleAugment';

export type AugmentConfig = AugmentSettings;

/** The intensity augmentations added with the generalising recipe: off in configs saved before it. */
export const NO_INTENSITY: Pick<AugmentConfig, 'gamma' | 'scale' | 'noise' | 'blur' | 'lowRes' | 'biasField' | 'equalize' | 'remap' | 'jpeg' | 'randConv'> =
  { gamma: 0, scale: 0, noise: 0, blur: 0, lowRes: 0, biasField: 0, equalize: 0, remap: 0, jpeg: 0, randConv: 0 };
export const NO_AUGMENT: AugmentConfig = { flip: false, rotateDeg: 0, zoom: 0, shift: 0, brightness: 0, contrast: 0, ...NO_INTENSITY };
export const DEFAULT_AUGMENT: AugmentConfig = {
  flip: true, rotateDeg: 10, zoom: 0.1, shift: 0.08, brightness: 0.1, contrast: 0.4,
  gamma: 0.5, scale: 0.3, noise: 0.04, blur: 1, lowRes: 0.5, biasField: 0.3, equalize: 0, remap: 0, jpeg: 0, randConv: 0,
};

/** The JPEG qualities the artefact augmentation draws from: as hard as `evaluate --perturb`'s (15) to mild. */
export const JPEG_QUALITY_RANGE: readonly [number, number] = [15, 75];

/** Probability that each of blur, resolution drop and bias field is applied to an image (when its strength > 0). */
const STYLE_P = 0.3;

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
  const n = size * size * channels;
  // Float64 scratch: the geometric part writes v/255 here, so the legacy path (no intensity augmentation) computes
  // exactly the expression it always did and old runs resume bit for bit.
  const img = scratch(n);
  const c = (size - 1) / 2;
  const cos = Math.cos(angle) / scale, sin = Math.sin(angle) / scale;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      // Inverse map: output pixel -> source position, about the image centre.
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
        img[(y * size + x) * channels + ch] = v / 255;
      }
    }
  }
  if (cfg.lowRes > 0 && rand() < STYLE_P) lowResolution(img, size, channels, 1 - rand() * cfg.lowRes);
  if (cfg.blur > 0 && rand() < STYLE_P) gaussianBlur(img, size, channels, 0.3 + rand() * cfg.blur);
  if (cfg.biasField > 0 && rand() < STYLE_P) multiplyBiasField(img, size, channels, cfg.biasField, sym);
  if (cfg.equalize > 0 && rand() < cfg.equalize) equalizeHistogram(img);
  if (cfg.remap > 0 && rand() < cfg.remap) remapIntensities(img, rand);
  if (cfg.randConv > 0 && rand() < cfg.randConv) randomShallowNetwork(img, size, channels, rand);
  if (cfg.jpeg > 0 && rand() < cfg.jpeg) {
    jpegArtefacts(img, size, channels, JPEG_QUALITY_RANGE[0] + rand() * (JPEG_QUALITY_RANGE[1] - JPEG_QUALITY_RANGE[0]));
  }
  const gamma = cfg.gamma > 0 ? Math.exp(sym(cfg.gamma)) : 1;
  const intensity = cfg.scale > 0 ? 1 + sym(cfg.scale) : 1;
  const noise = cfg.noise > 0 ? rand() * cfg.noise : 0;
  for (let i = 0; i < n; i++) {
    let v = img[i]!;
    if (gamma !== 1) v = Math.pow(v < 0 ? 0 : v, gamma);
    if (intensity !== 1) v *= intensity;
    let f = (v - 0.5) * gain + 0.5 + bias;
    if (noise > 0) f += noise * gaussian(rand);
    out[offset + i] = f < 0 ? 0 : f > 1 ? 1 : f;
  }
}

let scratchBuf = new Float64Array(0);
function scratch(n: number): Float64Array {
  if (scratchBuf.length < n) scratchBuf = new Float64Array(n);
  return scratchBuf.subarray(0, n);
}

/** Standard normal by Box-Muller (one of the pair; simple and deterministic for a seeded source). */
function gaussian(rand: () => number): number {
  const u = 1 - rand(); // (0, 1]: log(0) never happens
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

/** Box-average down to `factor` of the side, then bilinear back up: the look of a low-resolution acquisition. */
export function lowResolution(img: Float64Array, size: number, channels: number, factor: number): void {
  const small = Math.max(8, Math.round(size * factor));
  if (small >= size) return;
  const down = new Float64Array(small * small * channels);
  const step = size / small;
  for (let y = 0; y < small; y++) {
    for (let x = 0; x < small; x++) {
      const y0 = Math.floor(y * step), y1 = Math.max(y0 + 1, Math.floor((y + 1) * step));
      const x0 = Math.floor(x * step), x1 = Math.max(x0 + 1, Math.floor((x + 1) * step));
      for (let ch = 0; ch < channels; ch++) {
        let s = 0;
        for (let yy = y0; yy < y1; yy++) for (let xx = x0; xx < x1; xx++) s += img[(yy * size + xx) * channels + ch]!;
        down[(y * small + x) * channels + ch] = s / ((y1 - y0) * (x1 - x0));
      }
    }
  }
  const scale = small / size;
  for (let y = 0; y < size; y++) {
    const sy = Math.min(small - 1, Math.max(0, (y + 0.5) * scale - 0.5));
    const y0 = Math.floor(sy), y1 = Math.min(small - 1, y0 + 1), fy = sy - y0;
    for (let x = 0; x < size; x++) {
      const sx = Math.min(small - 1, Math.max(0, (x + 0.5) * scale - 0.5));
      const x0 = Math.floor(sx), x1 = Math.min(small - 1, x0 + 1), fx = sx - x0;
      for (let ch = 0; ch < channels; ch++) {
        const at = (xx: number, yy: number) => down[(yy * small + xx) * channels + ch]!;
        img[(y * size + x) * channels + ch] = (at(x0, y0) * (1 - fx) + at(x1, y0) * fx) * (1 - fy) + (at(x0, y1) * (1 - fx) + at(x1, y1) * fx) * fy;
      }
    }
  }
}

/** Histogram equalisation over 256 bins (values in 0..1), the background included as it is in the data. */
export function equalizeHistogram(img: Float64Array): void {
  const bins = new Float64Array(256);
  const bin = (v: number) => (v <= 0 ? 0 : v >= 1 ? 255 : Math.floor(v * 256));
  for (const v of img) bins[bin(v)]!++;
  for (let i = 1; i < 256; i++) bins[i]! += bins[i - 1]!;
  const n = img.length, first = bins.find((c) => c > 0) ?? 0;
  for (let i = 0; i < n; i++) img[i] = n === first ? img[i]! : (bins[bin(img[i]!)]! - first) / (n - first);
}

/**
 * A random smooth intensity curve through five control points (0, .25, .5, .75, 1) with random levels, inverted
 * half of the time, black kept black (the background stays background): tissue contrasts reordered as another
 * sequence would show them.
 */
export function remapIntensities(img: Float64Array, rand: () => number): void {
  const ys = [0, rand(), rand(), rand(), rand()];
  const invert = rand() < 0.5;
  if (invert) for (let k = 1; k < 5; k++) ys[k] = 1 - ys[k]! * 0.9;
  for (let i = 0; i < img.length; i++) {
    const v = img[i]! <= 0 ? 0 : img[i]! >= 1 ? 1 : img[i]!;
    if (v < 0.02) { img[i] = v; continue; } // background
    const t = v * 4, k = Math.min(3, Math.floor(t)), f = t - k;
    img[i] = ys[k]! * (1 - f) + ys[k + 1]! * f;
  }
}

/** Separable Gaussian blur with edge clamping. */
export function gaussianBlur(img: Float64Array, size: number, channels: number, sigma: number): void {
  const r = Math.max(1, Math.ceil(sigma * 2));
  const k = Array.from({ length: 2 * r + 1 }, (_, i) => Math.exp(-((i - r) ** 2) / (2 * sigma * sigma)));
  const sum = k.reduce((a, b) => a + b, 0);
  for (let i = 0; i < k.length; i++) k[i]! /= sum;
  const tmp = new Float64Array(img.length);
  const clamp = (v: number) => (v < 0 ? 0 : v >= size ? size - 1 : v);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) for (let ch = 0; ch < channels; ch++) {
    let s = 0;
    for (let j = -r; j <= r; j++) s += k[j + r]! * img[(y * size + clamp(x + j)) * channels + ch]!;
    tmp[(y * size + x) * channels + ch] = s;
  }
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) for (let ch = 0; ch < channels; ch++) {
    let s = 0;
    for (let j = -r; j <= r; j++) s += k[j + r]! * tmp[(clamp(y + j) * size + x) * channels + ch]!;
    img[(y * size + x) * channels + ch] = s;
  }
}

/**
 * A smooth multiplicative field, exp of a random second-order polynomial in x and y with coefficients up to
 * `strength`: the slow intensity drift of an MRI coil (bias field).
 */
export function multiplyBiasField(img: Float64Array, size: number, channels: number, strength: number, sym: (max: number) => number): void {
  const [a, b, cxy, cxx, cyy] = [sym(strength), sym(strength), sym(strength / 2), sym(strength / 2), sym(strength / 2)];
  for (let y = 0; y < size; y++) {
    const v = (2 * y) / (size - 1) - 1;
    for (let x = 0; x < size; x++) {
      const u = (2 * x) / (size - 1) - 1;
      const m = Math.exp(a * u + b * v + cxy * u * v + cxx * (u * u - 1 / 3) + cyy * (v * v - 1 / 3));
      for (let ch = 0; ch < channels; ch++) img[(y * size + x) * channels + ch]! *= m;
    }
  }
}
