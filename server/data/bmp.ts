/**
 * A small BMP reader: sharp's prebuilt libvips has no BMP loader, and some MRI exports are BMP. Handles the
 * common uncompressed forms (8-bit palette, 24-bit, 32-bit; bottom-up or top-down). Anything else is refused
 * with a reason rather than misread.
 */
export interface RawImage { data: Buffer; width: number; height: number; channels: 3 }

export function decodeBmp(buf: Buffer, maxPixels: number): RawImage {
  const fail = (why: string): never => { throw new Error(`BMP: ${why}`); };
  if (buf.length < 54 || buf.toString('latin1', 0, 2) !== 'BM') fail('not a BMP file');
  const dataOffset = buf.readUInt32LE(10);
  const headerSize = buf.readUInt32LE(14);
  if (headerSize < 40) fail(`unsupported header size ${headerSize} (OS/2 bitmaps are not supported)`);
  const width = buf.readInt32LE(18);
  const rawHeight = buf.readInt32LE(22);
  const bpp = buf.readUInt16LE(28);
  const compression = buf.readUInt32LE(30);
  const height = Math.abs(rawHeight);
  if (width <= 0 || height === 0) fail(`bad dimensions ${width}x${rawHeight}`);
  if (width * height > maxPixels) fail(`image too large: ${width}x${height} exceeds the pixel limit`);
  if (!(compression === 0 || (compression === 3 && bpp === 32))) fail(`compression ${compression} is not supported`);
  if (![8, 24, 32].includes(bpp)) fail(`${bpp}-bit pixels are not supported`);
  const stride = Math.ceil((width * bpp) / 32) * 4;
  if (dataOffset + stride * height > buf.length) fail('truncated pixel data');
  let palette: Buffer | undefined;
  if (bpp === 8) {
    const colours = buf.readUInt32LE(46) || 256;
    palette = buf.subarray(14 + headerSize, 14 + headerSize + colours * 4);
  }
  const out = Buffer.alloc(width * height * 3);
  const topDown = rawHeight < 0;
  for (let y = 0; y < height; y++) {
    const row = dataOffset + (topDown ? y : height - 1 - y) * stride;
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      if (bpp === 8) {
        const i = buf[row + x]! * 4;
        out[o] = palette![i + 2] ?? 0; out[o + 1] = palette![i + 1] ?? 0; out[o + 2] = palette![i] ?? 0;
      } else {
        const p = row + x * (bpp / 8);
        out[o] = buf[p + 2]!; out[o + 1] = buf[p + 1]!; out[o + 2] = buf[p]!;
      }
    }
  }
  return { data: out, width, height, channels: 3 };
}
