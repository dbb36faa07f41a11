/**
 * Seeded perturbations of a decoded image, for scoring how a model holds up when a scanner or an export
 * pipeline changes contrast, gamma, brightness, noise, sharpness, resolution, compression or orientation.
 * They act on the decoded pixels (preprocess.ts decodeImage), before the one preprocessing path
 * (preprocessDecoded), so nothing downstream is computed differently from classification.
 *
 * Strength runs from 0 to 1: each perturbation's parameter moves linearly from its identity value (strength 0,
 * which returns an exact copy) to the value in its description (strength 1). Pure: the input is never
 * modified, and the only randomness is `rand`, so a seeded source gives the same pixels every time.
 */
import sharp from 'sharp';
import { MAX_PIXELS, type RawImage } from '../data/preprocess';
import type { PerturbationName } from '../protocol';
import { perturbationDescription } from './validationText';

export type Perturb = (img: RawImage, strength: number, rand: () => number) => RawImage | Promise<RawImage>;

export interface Perturbation {
  name: PerturbationName;
  /** What strength 1 does, in words (in the current language): goes into the evaluation report. */
  description: string;
  apply: Perturb;
}

const lerp = (identity: number, full: number, s: number) => identity + (full - identity) * s;

function checkStrength(s: number): void {
  if (!(s >= 0 && s <= 1)) throw new RangeError(`Perturbation strength must be between 0 and 1, got ${s}`);
}

const copy = (img: RawImage): RawImage => ({ ...img, data: img.data.slice() });

const clampByte = (v: number) => (v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v));

function mean(img: RawImage): number {
  let sum = 0;
  for (let i = 0; i < img.data.length; i++) sum += img.data[i]!;
  return img.data.length ? sum / img.data.length : 0;
}

/** An intensity mapping applied through a 256-entry table (the same for every channel), clipped and rounded. */
function mapIntensity(img: RawImage, f: (v: number) => number): RawImage {
  const lut = new Uint8Array(256);
  for (let v = 0; v < 256; v++) lut[v] = clampByte(f(v));
  const out = new Uint8Array(img.data.length);
  for (let i = 0; i < out.length; i++) out[i] = lut[img.data[i]!]!;
  return { ...img, data: out };
}

/** Contrast scaled by `k` about the image mean (over all pixels and channels), so the mean stays put. */
function contrast(k: number): Perturb {
  return (img, s) => {
    checkStrength(s);
    if (s === 0) return copy(img);
    const m = mean(img);
    const factor = lerp(1, k, s);
    return mapIntensity(img, (v) => m + (v - m) * factor);
  };
}

/** out = 255 (v / 255)^g: below 1 lifts the mid-tones, above 1 darkens them; black and white stay. */
function gamma(g: number): Perturb {
  return (img, s) => {
    checkStrength(s);
    if (s === 0) return copy(img);
    const e = lerp(1, g, s);
    return mapIntensity(img, (v) => 255 * Math.pow(v / 255, e));
  };
}

function brightness(k: number): Perturb {
  return (img, s) => {
    checkStrength(s);
    if (s === 0) return copy(img);
    const factor = lerp(1, k, s);
    return mapIntensity(img, (v) => v * factor);
  };
}

/**
 * Additive Gaussian noise, one draw per pixel shared by its channels: scanner noise is in the intensity, and
 * independent draws per channel would colour a grey image (and be averaged down by the greyscale conversion).
 */
function noise(sigma: number): Perturb {
  return (img, s, rand) => {
    checkStrength(s);
    if (s === 0) return copy(img);
    const sd = lerp(0, sigma, s);
    const out = new Uint8Array(img.data.length);
    const ch = img.channels;
    const pixels = img.width * img.height;
    // Box-Muller gives two independent normal draws per pair of uniforms: both are used (it is the hot loop).
    for (let p = 0; p < pixels; p += 2) {
      const radius = sd * Math.sqrt(-2 * Math.log(1 - rand())); // 1 - rand() keeps the logarithm finite
      const angle = 2 * Math.PI * rand();
      const z0 = radius * Math.cos(angle), z1 = radius * Math.sin(angle);
      const o = p * ch;
      for (let c = 0; c < ch; c++) out[o + c] = clampByte(img.data[o + c]! + z0);
      if (p + 1 < pixels) for (let c = ch; c < 2 * ch; c++) out[o + c] = clampByte(img.data[o + c]! + z1);
    }
    return { ...img, data: out };
  };
}

/** Separable Gaussian blur, edges extended; sigma in pixels of this image. */
function gaussianBlur(img: RawImage, sigma: number): RawImage {
  const { width: w, height: h, channels: ch } = img;
  const r = Math.max(1, Math.ceil(3 * sigma));
  const k = new Float64Array(2 * r + 1);
  let total = 0;
  for (let i = -r; i <= r; i++) total += (k[i + r] = Math.exp(-(i * i) / (2 * sigma * sigma)));
  for (let i = 0; i < k.length; i++) k[i]! /= total;
  const rowLen = w * ch;
  // Horizontal pass over each row copied with its edge pixels repeated r times on either side (no bounds
  // checks in the inner loop: this is the slowest perturbation).
  const tmp = new Float32Array(img.data.length);
  const padded = new Float32Array((w + 2 * r) * ch);
  for (let y = 0; y < h; y++) {
    const row = y * rowLen;
    for (let x = -r; x < w + r; x++) {
      const sx = x < 0 ? 0 : x >= w ? w - 1 : x;
      for (let c = 0; c < ch; c++) padded[(x + r) * ch + c] = img.data[row + sx * ch + c]!;
    }
    for (let i = 0; i < rowLen; i++) {
      let acc = 0;
      for (let t = 0; t <= 2 * r; t++) acc += k[t]! * padded[i + t * ch]!;
      tmp[row + i] = acc;
    }
  }
  // Vertical pass, a whole row at a time (sequential memory access).
  const out = new Uint8Array(img.data.length);
  const acc = new Float64Array(rowLen);
  for (let y = 0; y < h; y++) {
    acc.fill(0);
    for (let t = -r; t <= r; t++) {
      const src = Math.min(h - 1, Math.max(0, y + t)) * rowLen;
      const wt = k[t + r]!;
      for (let i = 0; i < rowLen; i++) acc[i]! += wt * tmp[src + i]!;
    }
    for (let i = 0; i < rowLen; i++) out[y * rowLen + i] = clampByte(acc[i]!);
  }
  return { ...img, data: out };
}

/** Sigma in proportion to the image, so a 256 px and a 1024 px copy of a slice are blurred alike. */
function blur(sigmaPer512: number): Perturb {
  return (img, s) => {
    checkStrength(s);
    if (s === 0) return copy(img);
    return gaussianBlur(img, lerp(0, sigmaPer512, s) * Math.max(img.width, img.height) / 512);
  };
}

async function resized(img: RawImage, width: number, height: number, kernel: 'lanczos3' | 'cubic'): Promise<RawImage> {
  // sharp (0.35) resizes a 1-channel raw image into 3 channels unless told the output is grey: read as 1 channel,
  // those bytes were a stretched strip of the image (it cost the bundled model 60 points under these two).
  const { data, info } = await sharp(img.data, { raw: { width: img.width, height: img.height, channels: img.channels }, limitInputPixels: false })
    .resize(width, height, { fit: 'fill', kernel }).toColourspace(img.channels === 1 ? 'b-w' : 'srgb').raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== img.channels) throw new Error(`resize gave ${info.channels} channels for a ${img.channels}-channel image`);
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height, channels: img.channels };
}

/** The size that fits inside side x side, keeping the aspect ratio. */
function fitInside(img: RawImage, side: number): { width: number; height: number } {
  const scale = side / Math.max(img.width, img.height);
  return { width: Math.max(1, Math.round(img.width * scale)), height: Math.max(1, Math.round(img.height * scale)) };
}

/**
 * The file a low-resolution export gives: shrunk to `side` on the longer side (Lanczos, sharp's default, as
 * export tools built on it do) and left small: the preprocessing then enlarges it, as it would such a file.
 * Images already that small are left alone.
 */
function downscale(side: number): Perturb {
  return async (img, s) => {
    checkStrength(s);
    const longer = Math.max(img.width, img.height);
    const target = Math.round(lerp(longer, Math.min(side, longer), s));
    if (s === 0 || target >= longer) return copy(img);
    const size = fitInside(img, target);
    return resized(img, size.width, size.height, 'lanczos3');
  };
}

/** Enlarged by `factor` (bicubic), kept under MAX_PIXELS: the decoder refuses larger files anyway. */
function upscale(factor: number): Perturb {
  return async (img, s) => {
    checkStrength(s);
    const f = Math.min(lerp(1, factor, s), Math.sqrt(MAX_PIXELS / (img.width * img.height)));
    const width = Math.round(img.width * f), height = Math.round(img.height * f);
    if (s === 0 || (width <= img.width && height <= img.height)) return copy(img);
    return resized(img, width, height, 'cubic');
  };
}

/** Re-encoded as a JPEG (quality from 100 at strength 0+ down to `quality`) and decoded again. */
function jpeg(quality: number): Perturb {
  return async (img, s) => {
    checkStrength(s);
    if (s === 0) return copy(img);
    const raw = { width: img.width, height: img.height, channels: img.channels };
    // sharp writes a 1-channel image as a 3-channel JPEG unless told it is grey; a grey export is a grey JPEG.
    const input = sharp(img.data, { raw, limitInputPixels: false }).toColourspace(img.channels === 1 ? 'b-w' : 'srgb');
    const encoded = await input.jpeg({ quality: Math.round(lerp(100, quality, s)) }).toBuffer();
    // ... and decodes a grey JPEG to three equal channels unless told the same.
    const decoded = sharp(encoded, { limitInputPixels: false }).toColourspace(img.channels === 1 ? 'b-w' : 'srgb');
    const { data, info } = await decoded.raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== img.channels) throw new Error(`JPEG round trip gave ${info.channels} channels for ${img.channels}`);
    return { ...img, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
  };
}

/** Rotated about the centre by `degrees` with a random sign, same size, bilinear; black where the source ends. */
function rotate(degrees: number): Perturb {
  return (img, s, rand) => {
    checkStrength(s);
    if (s === 0) return copy(img);
    const sign = rand() < 0.5 ? -1 : 1;
    const a = (sign * lerp(0, degrees, s) * Math.PI) / 180;
    const cos = Math.cos(a), sin = Math.sin(a);
    const { width: w, height: h, channels: ch } = img;
    const cx = w / 2, cy = h / 2;
    const out = new Uint8Array(img.data.length);
    const at = (x: number, y: number, c: number) => (x < 0 || y < 0 || x >= w || y >= h ? 0 : img.data[(y * w + x) * ch + c]!);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        // The inverse rotation of this output pixel's centre, in source pixel indices.
        const dx = x + 0.5 - cx, dy = y + 0.5 - cy;
        const sx = cos * dx + sin * dy + cx - 0.5, sy = -sin * dx + cos * dy + cy - 0.5;
        const x0 = Math.floor(sx), y0 = Math.floor(sy);
        if (x0 < -1 || y0 < -1 || x0 >= w || y0 >= h) continue;
        const fx = sx - x0, fy = sy - y0;
        for (let c = 0; c < ch; c++) {
          const top = at(x0, y0, c) * (1 - fx) + at(x0 + 1, y0, c) * fx;
          const bottom = at(x0, y0 + 1, c) * (1 - fx) + at(x0 + 1, y0 + 1, c) * fx;
          out[(y * w + x) * ch + c] = clampByte(top * (1 - fy) + bottom * fy);
        }
      }
    }
    return { ...img, data: out };
  };
}

/** Mirrored left-right. A mirror has no halfway: any strength above 0 flips. */
const flip: Perturb = (img, s) => {
  checkStrength(s);
  if (s === 0) return copy(img);
  const { width: w, height: h, channels: ch } = img;
  const out = new Uint8Array(img.data.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < ch; c++) out[(y * w + x) * ch + c] = img.data[(y * w + (w - 1 - x)) * ch + c]!;
    }
  }
  return { ...img, data: out };
};

/** Every perturbation, in the protocol's order (PerturbationName). */
export const PERTURBATIONS: readonly Perturbation[] = [
  { name: 'contrast-low', get description() { return perturbationDescription('contrast-low'); }, apply: contrast(0.6) },
  { name: 'contrast-high', get description() { return perturbationDescription('contrast-high'); }, apply: contrast(1.5) },
  { name: 'gamma-low', get description() { return perturbationDescription('gamma-low'); }, apply: gamma(0.6) },
  { name: 'gamma-high', get description() { return perturbationDescription('gamma-high'); }, apply: gamma(1.6) },
  { name: 'darker', get description() { return perturbationDescription('darker'); }, apply: brightness(0.7) },
  { name: 'brighter', get description() { return perturbationDescription('brighter'); }, apply: brightness(1.3) },
  { name: 'noise', get description() { return perturbationDescription('noise'); }, apply: noise(12) },
  { name: 'blur', get description() { return perturbationDescription('blur'); }, apply: blur(1.5) },
  { name: 'downscale', get description() { return perturbationDescription('downscale'); }, apply: downscale(96) },
  { name: 'upscale', get description() { return perturbationDescription('upscale'); }, apply: upscale(2) },
  { name: 'jpeg', get description() { return perturbationDescription('jpeg'); }, apply: jpeg(15) },
  { name: 'rotate', get description() { return perturbationDescription('rotate'); }, apply: rotate(10) },
  { name: 'flip', get description() { return perturbationDescription('flip'); }, apply: flip },
];
