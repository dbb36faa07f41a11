/**
 * The geometry preprocessing applied (preprocess.ts, steps 2 to 4), in pixels of the original image: where the
 * model input came from, so that a Grad-CAM heat map on the input can be drawn back on the original. The crop is
 * found on the reduced working image; its box is scaled back per axis by the working image's own rounding.
 */
import type { InputGeometry } from '../protocol';

/** The size of the original as stored, and the EXIF orientation sharp applies to it (1: none). */
export interface SourceSize { width: number; height: number; orientation: number }

/** A box in pixels of the working image (integers), as brightBox finds it. */
interface WorkBox { left: number; top: number; width: number; height: number }

/**
 * The geometry of one image: `source` as stored, the working image (`workWidth` x `workHeight`, EXIF orientation
 * already applied, at most 2 x inputSize on its longer side), the crop box found there (null: nothing cropped),
 * and the model input's side. The padding reproduces resample.ts's cropPadResize (the crop centred, the odd pixel
 * of padding on the right or bottom).
 */
export function inputGeometry(source: SourceSize, workWidth: number, workHeight: number, box: WorkBox | null, inputSize: number): InputGeometry {
  const quarterTurn = source.orientation >= 5 && source.orientation <= 8;
  const width = quarterTurn ? source.height : source.width;
  const height = quarterTurn ? source.width : source.height;
  const b = box ?? { left: 0, top: 0, width: workWidth, height: workHeight };
  const side = Math.max(b.width, b.height);
  const ox = Math.floor((side - b.width) / 2);
  const oy = Math.floor((side - b.height) / 2);
  const fx = width / workWidth, fy = height / workHeight;
  const round = (v: number) => Math.round(v * 1000) / 1000;
  const rect = (left: number, top: number, w: number, h: number) => ({ left: round(left * fx), top: round(top * fy), width: round(w * fx), height: round(h * fy) });
  return {
    width, height, orientation: source.orientation,
    crop: rect(b.left, b.top, b.width, b.height),
    pad: { left: round(ox * fx), top: round(oy * fy), right: round((side - b.width - ox) * fx), bottom: round((side - b.height - oy) * fy) },
    square: rect(b.left - ox, b.top - oy, side, side),
    inputSize,
  };
}

/**
 * The EXIF orientation of a JPEG file (1..8), read from its APP1 "Exif" segment without decoding; 1 when it has
 * none (or anything is odd). Classification reads sizes from headers for speed (headerSize.ts) and needs this to
 * know whether sharp turned the image.
 */
export function jpegOrientation(b: Uint8Array): number {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) return 1;
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let i = 2;
  while (i + 4 <= b.length && b[i] === 0xff) {
    const marker = b[i + 1]!;
    if (marker === 0xda || marker === 0xd9) return 1; // image data: no EXIF before it
    const len = dv.getUint16(i + 2);
    if (marker === 0xe1 && i + 10 <= b.length && dv.getUint32(i + 4) === 0x45786966 /* "Exif" */) return tiffOrientation(dv, i + 10, Math.min(b.length, i + 2 + len));
    i += 2 + len;
  }
  return 1;
}

/** Tag 0x0112 of IFD0 in the TIFF structure at `t` (either byte order), bounded by `end`. */
function tiffOrientation(dv: DataView, t: number, end: number): number {
  if (t + 8 > end) return 1;
  const little = dv.getUint16(t) === 0x4949;
  const u16 = (o: number) => dv.getUint16(o, little);
  const ifd = t + dv.getUint32(t + 4, little);
  if (ifd + 2 > end) return 1;
  const n = u16(ifd);
  for (let k = 0; k < n; k++) {
    const e = ifd + 2 + k * 12;
    if (e + 12 > end) return 1;
    if (u16(e) === 0x0112) {
      const v = u16(e + 8);
      return v >= 1 && v <= 8 ? v : 1;
    }
  }
  return 1;
}
