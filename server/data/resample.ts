/**
 * Crop, pad to a square and resize small 8-bit images in plain JS. The decoded working image is at most
 * 2 x the model's size, so this is cheap (well under a millisecond), and it saves a second sharp pipeline per
 * image, which cost more in thread-pool round trips than the pixels themselves.
 * Down-scaling averages the covered source area (with fractional edges); up-scaling is bilinear.
 */

interface Box { left: number; top: number; width: number; height: number }

/**
 * 1-D resampling weights in flat arrays (hot loop, no per-tap objects): output j reads taps
 * start[j] .. start[j+1]-1 of `index` / `weight`, which sum to 1.
 */
interface Taps { start: Int32Array; index: Int32Array; weight: Float32Array }

function weights(src: number, dst: number): Taps {
  const idx: number[] = [];
  const wts: number[] = [];
  const start = new Int32Array(dst + 1);
  const scale = src / dst;
  for (let j = 0; j < dst; j++) {
    start[j] = idx.length;
    if (scale >= 1) {
      const a = j * scale;
      const b = a + scale;
      for (let i = Math.floor(a); i < Math.ceil(b) && i < src; i++) {
        const cover = Math.min(b, i + 1) - Math.max(a, i);
        if (cover > 1e-9) { idx.push(i); wts.push(cover / scale); }
      }
    } else {
      const x = Math.min(Math.max((j + 0.5) * scale - 0.5, 0), src - 1);
      const i0 = Math.floor(x);
      const i1 = Math.min(i0 + 1, src - 1);
      const f = x - i0;
      idx.push(i0); wts.push(1 - f);
      if (i1 !== i0) { idx.push(i1); wts.push(f); }
    }
  }
  start[dst] = idx.length;
  return { start, index: Int32Array.from(idx), weight: Float32Array.from(wts) };
}

/**
 * Takes `box` out of `data` (width x height x channels), centres it on a black square and resizes that square
 * to size x size. Returns size*size*channels 8-bit pixels.
 */
export function cropPadResize(data: Uint8Array, width: number, height: number, channels: number, box: Box | null, size: number): Uint8Array {
  const b = box ?? { left: 0, top: 0, width, height };
  const side = Math.max(b.width, b.height);
  const ox = Math.floor((side - b.width) / 2);
  const oy = Math.floor((side - b.height) / 2);
  // The padded square, as floats, one channel plane after another for simple loops.
  const sq = new Float32Array(side * side * channels);
  for (let y = 0; y < b.height; y++) {
    const srcRow = ((b.top + y) * width + b.left) * channels;
    const dstRow = ((oy + y) * side + ox) * channels;
    for (let i = 0; i < b.width * channels; i++) sq[dstRow + i] = data[srcRow + i]!;
  }
  const { start, index, weight } = weights(side, size);
  // Horizontal pass: side rows x size columns.
  const tmp = new Float32Array(side * size * channels);
  for (let y = 0; y < side; y++) {
    const rowIn = y * side * channels;
    const rowOut = y * size * channels;
    for (let x = 0; x < size; x++) {
      for (let c = 0; c < channels; c++) {
        let acc = 0;
        for (let t = start[x]!; t < start[x + 1]!; t++) acc += sq[rowIn + index[t]! * channels + c]! * weight[t]!;
        tmp[rowOut + x * channels + c] = acc;
      }
    }
  }
  // Vertical pass.
  const out = new Uint8Array(size * size * channels);
  const rowLen = size * channels;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < rowLen; x++) {
      let acc = 0;
      for (let t = start[y]!; t < start[y + 1]!; t++) acc += tmp[index[t]! * rowLen + x]! * weight[t]!;
      out[y * rowLen + x] = acc <= 0 ? 0 : acc >= 255 ? 255 : Math.round(acc);
    }
  }
  return out;
}
