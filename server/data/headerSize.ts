/**
 * Width and height read from a PNG, JPEG or BMP header, without decoding: classification reports each image's
 * original size, and asking sharp for its metadata cost a quarter of the decode time of a batch; the scan refuses
 * an oversized image from it before any pixel is decoded (BMP goes through our own decoder, which has no
 * header-only mode). Other formats (and anything odd) return undefined, and the caller asks sharp.
 */
export function headerSize(b: Uint8Array): { width: number; height: number } | undefined {
  // BMP: "BM", then a BITMAPINFOHEADER (or later) at 14 with int32 width at 18 and height at 22 (negative = top-down).
  if (b.length >= 26 && b[0] === 0x42 && b[1] === 0x4d) {
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    if (dv.getUint32(14, true) < 40) return undefined;
    return positive(dv.getInt32(18, true), Math.abs(dv.getInt32(22, true)));
  }
  if (b.length >= 24 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47 && b[12] === 0x49 && b[13] === 0x48 && b[14] === 0x44 && b[15] === 0x52) {
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    return positive(dv.getUint32(16), dv.getUint32(20));
  }
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8) {
    let i = 2;
    while (i + 9 < b.length) {
      if (b[i] !== 0xff) return undefined;
      const marker = b[i + 1]!;
      if (marker === 0xff) { i++; continue; } // fill byte
      if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) { i += 2; continue; } // no length
      const len = (b[i + 2]! << 8) | b[i + 3]!;
      // SOF0..SOF15 except DHT (c4), JPG (c8) and DAC (cc) carry the frame size.
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return positive((b[i + 7]! << 8) | b[i + 8]!, (b[i + 5]! << 8) | b[i + 6]!);
      }
      if (marker === 0xda || len < 2) return undefined; // scan data before any frame header: give up
      i += 2 + len;
    }
  }
  return undefined;
}

function positive(width: number, height: number): { width: number; height: number } | undefined {
  return width > 0 && height > 0 ? { width, height } : undefined;
}
