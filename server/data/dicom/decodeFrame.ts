/**
 * One frame's samples out of the Pixel Data element, whatever the transfer syntax: the result is always what an
 * uncompressed little-endian frame would hold (samples interleaved per pixel, 1 or 2 bytes each), plus whether
 * the decoder already turned YBR colour into RGB (the JPEG and JPEG 2000 decoders do).
 */
import * as l10n from '@vscode/l10n';
import * as dicomParser from 'dicom-parser';
import { Decoder as JpegLosslessDecoder } from 'jpeg-lossless-decoder-js';
import { ImageDecodeError } from '../preprocess';
import { decodeRle } from './rleDecode';
import type { PixelEncoding } from './transferSyntax';
import { decodeWithWasm } from './wasmCodecs';

export interface PixelLayout {
  rows: number;
  columns: number;
  frames: number;
  samplesPerPixel: 1 | 3;
  bitsAllocated: 8 | 16 | 32;
  bitsStored: number;
  photometric: string;
  planarConfiguration: 0 | 1;
}

export interface RawFrame {
  /** Interleaved samples, little endian. */
  bytes: Uint8Array;
  bytesPerSample: 1 | 2 | 4;
  /** True when colour samples are RGB already (the codec converted YBR). */
  rgb: boolean;
}

const cutOff = () => new ImageDecodeError(l10n.t('the DICOM file is cut off: its pixel data ends before the image does'), 'corrupt');

export function decodeFrame(ds: dicomParser.DataSet, el: dicomParser.Element, encoding: PixelEncoding, L: PixelLayout, index: number): RawFrame {
  const pixels = L.rows * L.columns;
  const bytesPerSample = (L.bitsAllocated / 8) as 1 | 2 | 4;
  if (encoding === 'native' || encoding === 'native-big-endian') {
    // YBR_FULL_422 stores two bytes per pixel (Y Y Cb Cr for each pair).
    const frameBytes = L.photometric === 'YBR_FULL_422' ? pixels * 2 : pixels * L.samplesPerPixel * bytesPerSample;
    const start = el.dataOffset + index * frameBytes;
    if (start + frameBytes > ds.byteArray.length || (el.length && (index + 1) * frameBytes > el.length)) throw cutOff();
    let bytes: Uint8Array = ds.byteArray.subarray(start, start + frameBytes);
    if (L.photometric === 'YBR_FULL_422') bytes = expand422(bytes, pixels);
    if (encoding === 'native-big-endian' && bytesPerSample > 1) bytes = swapBytes(bytes, bytesPerSample);
    if (L.planarConfiguration === 1 && L.samplesPerPixel === 3) bytes = interleave(bytes, pixels, bytesPerSample);
    return { bytes, bytesPerSample, rgb: false };
  }
  const encoded = encapsulatedFrame(ds, el, index, L.frames, encoding);
  switch (encoding) {
    case 'encapsulated-raw': {
      const bytes = L.planarConfiguration === 1 && L.samplesPerPixel === 3 ? interleave(encoded, pixels, bytesPerSample) : encoded;
      if (bytes.length < pixels * L.samplesPerPixel * bytesPerSample) throw cutOff();
      return { bytes, bytesPerSample, rgb: false };
    }
    case 'rle': return { bytes: decodeRle(encoded, pixels, L.samplesPerPixel, bytesPerSample), bytesPerSample, rgb: false };
    case 'jpeg-lossless': return jpegLossless(encoded, L);
    default: return wasmFrame(encoding, encoded, L);
  }
}

/** The encoded bytes of one frame: its fragments, found through the offset table or one fragment per frame. */
function encapsulatedFrame(ds: dicomParser.DataSet, el: dicomParser.Element, index: number, frames: number, encoding: PixelEncoding): Uint8Array {
  const fragments = el.fragments ?? [];
  if (!fragments.length) throw cutOff();
  try {
    if (frames === 1) return dicomParser.readEncapsulatedPixelDataFromFragments(ds, el, 0, fragments.length);
    if (el.basicOffsetTable?.length) return dicomParser.readEncapsulatedImageFrame(ds, el, index);
    if (fragments.length === frames) return dicomParser.readEncapsulatedPixelDataFromFragments(ds, el, index, 1);
    if (encoding === 'jpeg-baseline' || encoding === 'jpeg-lossless') {
      return dicomParser.readEncapsulatedImageFrame(ds, el, index, dicomParser.createJPEGBasicOffsetTable(ds, el));
    }
  } catch {
    throw cutOff();
  }
  throw new ImageDecodeError(l10n.t('the DICOM file has {0} frames in {1} fragments and no offset table to tell them apart', String(frames), String(fragments.length)), 'corrupt');
}

function jpegLossless(encoded: Uint8Array, L: PixelLayout): RawFrame {
  let out: ArrayBuffer | ArrayBufferView;
  try {
    // The decoder reads from an ArrayBuffer: hand it a copy of just the frame (a Buffer's slice() is a view).
    const copy = new Uint8Array(encoded.length);
    copy.set(encoded);
    out = new JpegLosslessDecoder().decompress(copy.buffer, 0, copy.length);
  } catch {
    throw codecError(L);
  }
  const bytes = ArrayBuffer.isView(out) ? new Uint8Array(out.buffer, out.byteOffset, out.byteLength) : new Uint8Array(out);
  const samples = L.rows * L.columns * L.samplesPerPixel;
  if (bytes.length < samples) throw codecError(L);
  const bytesPerSample = bytes.length >= samples * 2 ? 2 : 1;
  return { bytes, bytesPerSample, rgb: false };
}

function wasmFrame(encoding: 'jpeg-baseline' | 'jpeg-ls' | 'jpeg-2000', encoded: Uint8Array, L: PixelLayout): RawFrame {
  if (encoding === 'jpeg-baseline' && L.bitsStored > 8) {
    throw new ImageDecodeError(l10n.t('{0}-bit JPEG (Process 4) is not supported; only 8-bit JPEG baseline is', String(L.bitsStored)), 'unsupported');
  }
  let decoded: ReturnType<typeof decodeWithWasm>;
  try {
    decoded = decodeWithWasm(encoding, encoded);
  } catch {
    throw codecError(L);
  }
  const { pixels, info } = decoded;
  if (info.width !== L.columns || info.height !== L.rows || info.componentCount !== L.samplesPerPixel) {
    throw new ImageDecodeError(l10n.t('the compressed image is {0}x{1} with {2} components, but the DICOM header says {3}x{4} with {5}',
      String(info.width), String(info.height), String(info.componentCount), String(L.columns), String(L.rows), String(L.samplesPerPixel)), 'corrupt');
  }
  const bytesPerSample = info.bitsPerSample > 8 ? 2 : 1;
  let bytes = pixels;
  // CharLS returns colour in the file's interleave mode; "none" is planar.
  if (encoding === 'jpeg-ls' && L.samplesPerPixel === 3 && looksPlanar(encoded)) bytes = interleave(bytes, L.rows * L.columns, bytesPerSample);
  return { bytes, bytesPerSample, rgb: encoding !== 'jpeg-ls' || L.photometric !== 'YBR_FULL' };
}

const codecError = (L: PixelLayout) =>
  new ImageDecodeError(l10n.t('the compressed DICOM pixel data does not decode ({0}x{1}); the file is damaged or cut off', String(L.columns), String(L.rows)), 'corrupt');

/** JPEG-LS: the interleave mode (ILV) is the byte after the scan header's component list; 0 = planar. */
function looksPlanar(jls: Uint8Array): boolean {
  for (let i = 2; i + 4 < jls.length; i++) {
    if (jls[i] === 0xff && jls[i + 1] === 0xda) {
      const ns = jls[i + 4]!;
      return jls[i + 5 + 2 * ns + 1] === 0;
    }
  }
  return false;
}

function interleave(planar: Uint8Array, pixels: number, bps: number): Uint8Array {
  const out = new Uint8Array(pixels * 3 * bps);
  for (let c = 0; c < 3; c++) {
    for (let p = 0; p < pixels; p++) {
      for (let b = 0; b < bps; b++) out[(p * 3 + c) * bps + b] = planar[(c * pixels + p) * bps + b]!;
    }
  }
  return out;
}

function swapBytes(src: Uint8Array, bps: number): Uint8Array {
  const out = new Uint8Array(src.length);
  for (let i = 0; i + bps <= src.length; i += bps) {
    for (let b = 0; b < bps; b++) out[i + b] = src[i + bps - 1 - b]!;
  }
  return out;
}

/** YBR_FULL_422 (Y1 Y2 Cb Cr per pixel pair) to full YBR, three samples per pixel. */
function expand422(src: Uint8Array, pixels: number): Uint8Array {
  const out = new Uint8Array(pixels * 3);
  for (let p = 0, s = 0; p + 1 < pixels + 1 && s + 3 < src.length; p += 2, s += 4) {
    for (const [k, y] of [[0, src[s]!], [1, src[s + 1]!]] as const) {
      if (p + k >= pixels) break;
      out[(p + k) * 3] = y; out[(p + k) * 3 + 1] = src[s + 2]!; out[(p + k) * 3 + 2] = src[s + 3]!;
    }
  }
  return out;
}
