/**
 * Two style augmentations against the shortcuts a merged dataset offers, kept apart from augment.ts's geometric and
 * intensity steps because each is a small algorithm of its own:
 *  - JPEG artefacts: the 8 x 8 block DCT quantisation at the heart of JPEG, at a random quality. Sources differ in
 *    how hard their slices were compressed (the Kaggle set mixes PNG and JPEG of several qualities); a model must
 *    not learn the blocking of one source as a class cue.
 *  - A random shallow network (GIN, Ouyang et al. 2021, after RandConv, Xu et al. 2021): two random 3 x 3
 *    convolutions with a leaky ReLU between, blended with the image and rescaled to its range. It changes textures
 *    and the mapping of tissue to grey as another scanner or sequence would, while keeping the anatomy in place.
 * Both work in place on a Float64 image in 0..1 (size x size x channels), draw all their randomness from `rand`
 * (so a seed reproduces them) and keep the black background black.
 */

/** The JPEG standard's luminance quantisation table (ITU-T T.81, Annex K), row-major. */
const LUMA_Q = [
  16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56,
  14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
  49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
];

/** The DCT-II basis for 8 points, cos((2x + 1) u pi / 16) scaled so that the transform is orthonormal. */
const BASIS = (() => {
  const b = new Float64Array(64);
  for (let u = 0; u < 8; u++) {
    const cu = u === 0 ? Math.SQRT1_2 : 1;
    for (let x = 0; x < 8; x++) b[u * 8 + x] = 0.5 * cu * Math.cos(((2 * x + 1) * u * Math.PI) / 16);
  }
  return b;
})();

/** The quantisation table of libjpeg's quality scaling (1..100; 50 is the table itself). */
export function jpegQuantTable(quality: number): Float64Array {
  const q = Math.min(100, Math.max(1, Math.round(quality)));
  const scale = q < 50 ? 5000 / q : 200 - 2 * q;
  return Float64Array.from(LUMA_Q, (v) => Math.min(255, Math.max(1, Math.floor((v * scale + 50) / 100))));
}

/**
 * Compresses each channel as JPEG would at `quality` and decompresses it: per 8 x 8 block (edge blocks replicate
 * their last row and column), a DCT, rounding to the quantisation table's steps, the inverse DCT. No chroma
 * subsampling: the slices are grey.
 */
export function jpegArtefacts(img: Float64Array, size: number, channels: number, quality: number): void {
  const table = jpegQuantTable(quality);
  const block = new Float64Array(64), coef = new Float64Array(64), tmp = new Float64Array(64);
  for (let ch = 0; ch < channels; ch++) {
    for (let by = 0; by < size; by += 8) {
      for (let bx = 0; bx < size; bx += 8) {
        for (let y = 0; y < 8; y++) {
          for (let x = 0; x < 8; x++) {
            const sy = Math.min(size - 1, by + y), sx = Math.min(size - 1, bx + x);
            block[y * 8 + x] = img[(sy * size + sx) * channels + ch]! * 255 - 128;
          }
        }
        transform(block, coef, tmp, false);
        for (let i = 0; i < 64; i++) coef[i] = Math.round(coef[i]! / table[i]!) * table[i]!;
        transform(coef, block, tmp, true);
        for (let y = 0; y < 8 && by + y < size; y++) {
          for (let x = 0; x < 8 && bx + x < size; x++) {
            const v = (block[y * 8 + x]! + 128) / 255;
            img[((by + y) * size + bx + x) * channels + ch] = v < 0 ? 0 : v > 1 ? 1 : v;
          }
        }
      }
    }
  }
}

/** The separable 2-D DCT of an 8 x 8 block (or its inverse): rows, then columns. */
function transform(src: Float64Array, dst: Float64Array, tmp: Float64Array, inverse: boolean): void {
  for (let r = 0; r < 8; r++) {
    for (let k = 0; k < 8; k++) {
      let s = 0;
      for (let n = 0; n < 8; n++) s += src[r * 8 + n]! * (inverse ? BASIS[n * 8 + k]! : BASIS[k * 8 + n]!);
      tmp[r * 8 + k] = s;
    }
  }
  for (let c = 0; c < 8; c++) {
    for (let k = 0; k < 8; k++) {
      let s = 0;
      for (let n = 0; n < 8; n++) s += tmp[n * 8 + c]! * (inverse ? BASIS[n * 8 + k]! : BASIS[k * 8 + n]!);
      dst[k * 8 + c] = s;
    }
  }
}

/** Pixels at or below this (on 0..1) are background: left black by the random network. */
const BACKGROUND = 0.02;
/** Channels of the random network's hidden layer. */
const HIDDEN = 4;

/**
 * GIN: x -> conv3x3(1 -> HIDDEN) -> leaky ReLU -> conv3x3(HIDDEN -> 1), weights N(0, 1), blended with the image by
 * a random alpha, then rescaled so the head spans the image's own range of grey (the network's output has an
 * arbitrary scale and sign; the rescale keeps the intensity statistics plausible). Works on each channel alone.
 */
export function randomShallowNetwork(img: Float64Array, size: number, channels: number, rand: () => number): void {
  const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const w1 = Float64Array.from({ length: HIDDEN * 9 }, normal);
  const b1 = Float64Array.from({ length: HIDDEN }, () => normal() * 0.1);
  const w2 = Float64Array.from({ length: HIDDEN * 9 }, normal);
  const alpha = rand();
  const n = size * size;
  const plane = new Float64Array(n), hidden = new Float64Array(n * HIDDEN), out = new Float64Array(n);
  for (let ch = 0; ch < channels; ch++) {
    for (let i = 0; i < n; i++) plane[i] = img[i * channels + ch]!;
    for (let h = 0; h < HIDDEN; h++) {
      conv3x3(plane, size, w1.subarray(h * 9, h * 9 + 9), hidden.subarray(h * n, (h + 1) * n));
      for (let i = h * n; i < (h + 1) * n; i++) {
        const v = hidden[i]! + b1[h]!;
        hidden[i] = v > 0 ? v : 0.2 * v;
      }
    }
    out.fill(0);
    const part = new Float64Array(n);
    for (let h = 0; h < HIDDEN; h++) {
      conv3x3(hidden.subarray(h * n, (h + 1) * n), size, w2.subarray(h * 9, h * 9 + 9), part);
      for (let i = 0; i < n; i++) out[i]! += part[i]!;
    }
    // The head's range before and after: the output is mapped onto the input's own range of grey.
    let inLo = Infinity, inHi = -Infinity, outLo = Infinity, outHi = -Infinity;
    for (let i = 0; i < n; i++) {
      if (plane[i]! <= BACKGROUND) continue;
      if (plane[i]! < inLo) inLo = plane[i]!;
      if (plane[i]! > inHi) inHi = plane[i]!;
      if (out[i]! < outLo) outLo = out[i]!;
      if (out[i]! > outHi) outHi = out[i]!;
    }
    if (!(outHi > outLo) || !(inHi > inLo)) continue; // an empty or flat image: nothing to restyle
    for (let i = 0; i < n; i++) {
      if (plane[i]! <= BACKGROUND) continue;
      const styled = inLo + ((out[i]! - outLo) / (outHi - outLo)) * (inHi - inLo);
      img[i * channels + ch] = alpha * styled + (1 - alpha) * plane[i]!;
    }
  }
}

/** A 3 x 3 convolution with zero padding (the background is black, so zeros are what lies outside). */
function conv3x3(src: Float64Array, size: number, w: Float64Array, dst: Float64Array): void {
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let s = 0;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= size) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          if (xx < 0 || xx >= size) continue;
          s += w[(dy + 1) * 3 + dx + 1]! * src[yy * size + xx]!;
        }
      }
      dst[y * size + x] = s;
    }
  }
}
