/**
 * The pixel module of DICOM on files written by the tests: MONOCHROME1, windows present and absent, multi-frame,
 * signed 16-bit, 12-bit stored, RGB / YBR_FULL / YBR_FULL_422 and planar configuration; the attributes DicomInfo
 * shows; and each bad case with its message.
 */
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ImageDecodeError } from '../../server/data/preprocess';
import { readDicom, sequenceHint } from '../../server/data/dicom/readDicom';
import { percentiles } from '../../server/data/dicom/windowing';
import { greySlice, greySlice16, SR_STORAGE, writeDicom, type SyntaxName } from '../fixtures/dicomFiles';

const W = 40, H = 30;

async function rejects(bytes: Uint8Array, kind: ImageDecodeError['kind'], message: RegExp): Promise<void> {
  await assert.rejects(readDicom(bytes), (e: unknown) => {
    assert.ok(e instanceof ImageDecodeError, String(e));
    assert.equal(e.kind, kind);
    assert.match(e.message, message);
    return true;
  });
}

/** A colour test card: red, green, blue and grey bands over a gradient. */
function rgbCard(): Uint8Array {
  const out = new Uint8Array(W * H * 3);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const o = (y * W + x) * 3, band = Math.floor(x / 10), v = Math.round((y / (H - 1)) * 255);
      out[o] = band === 0 || band === 3 ? v : 30; out[o + 1] = band === 1 || band === 3 ? v : 60; out[o + 2] = band === 2 || band === 3 ? v : 90;
    }
  }
  return out;
}

describe('DICOM pixels', () => {
  it('MONOCHROME1 is inverted after windowing (higher values darker)', async () => {
    const stored = await greySlice(W, H);
    const img = await readDicom(await writeDicom({ syntax: 'explicit', rows: H, columns: W, frames: [stored], photometric: 'MONOCHROME1' }));
    assert.equal(img.info.photometric, 'MONOCHROME1');
    assert.deepEqual(img.frame8(0).data, stored.map((v) => 255 - v));
  });

  it('without a window, 16-bit values get the automatic 0.5-99.5 percentile window; the first of several windows is used', async () => {
    const stored = await greySlice16(W, H, 2000);
    stored[0] = 65000; // one very bright pixel must not flatten the image
    const auto = await readDicom(await writeDicom({ syntax: 'explicit', rows: H, columns: W, frames: [stored] }));
    assert.equal(auto.info.window, null);
    const f = auto.frame8(0);
    const [lo, hi] = percentiles(auto.frameValues(0), 0.005, 0.995);
    assert.ok(hi < 65000 && hi > 1000, `99.5th percentile ${hi}`);
    assert.equal(f.window, `automatic window ${lo} to ${hi} (0.5th to 99.5th percentile; no window in the file)`);
    assert.equal(f.data[0], 255);
    assert.equal(Math.max(...f.data.subarray(1)), 255, 'the brightest tissue reaches white');
    const two = await readDicom(await writeDicom({ syntax: 'explicit', rows: H, columns: W, frames: [stored],
      attributes: { WindowCenter: ['600', '40'], WindowWidth: ['1200', '80'] } }));
    assert.deepEqual(two.info.window, { center: 600, width: 1200 });
    assert.equal(two.frame8(0).window, 'DICOM window 600/1200');
  });

  it('the identity window 128/256 on 8-bit data changes nothing', async () => {
    const stored = await greySlice(W, H, 'square', 9);
    const img = await readDicom(await writeDicom({ syntax: 'explicit', rows: H, columns: W, frames: [stored], attributes: { WindowCenter: '128', WindowWidth: '256' } }));
    assert.deepEqual(img.frame8(0).data, stored);
  });

  for (const syntax of ['explicit', 'rle', 'jpegLs', 'jpeg2000'] as SyntaxName[]) {
    it(`multi-frame (${syntax}): frame i is the i-th slice`, async () => {
      const frames = await Promise.all([0, 1, 2, 3].map((i) => greySlice(W, H, i % 2 ? 'square' : 'circle', 20 + i)));
      const img = await readDicom(await writeDicom({ syntax, rows: H, columns: W, frames }));
      assert.equal(img.info.frames, 4);
      for (const i of [2, 0, 3, 1]) assert.deepEqual(img.frame8(i).data, frames[i], `frame ${i}`);
      assert.throws(() => img.frame8(4), RangeError);
    });
  }

  for (const syntax of ['explicit', 'rle', 'jpegLs', 'jpeg2000'] as SyntaxName[]) {
    it(`16-bit signed (${syntax}): negative values survive, with 12 bits stored`, async () => {
      const base = await greySlice16(W, H, 2000);
      const stored = Int16Array.from(base, (v) => v - 1024);
      const img = await readDicom(await writeDicom({ syntax, rows: H, columns: W, frames: [stored], pixelRepresentation: 1, bitsStored: syntax === 'explicit' ? 12 : 16 }));
      const values = img.frameValues(0);
      assert.equal(Math.min(...values), -1024);
      for (let i = 0; i < stored.length; i++) assert.equal(values[i], stored[i], `pixel ${i}`);
    });
  }

  it('12 bits stored in 16 allocated: bits above the 12th (overlay bits, junk) are ignored', async () => {
    const base = await greySlice16(W, H, 4095);
    const stored = Uint16Array.from(base, (v) => v | 0xf000);
    const img = await readDicom(await writeDicom({ syntax: 'explicit', rows: H, columns: W, frames: [stored], bitsStored: 12 }));
    assert.deepEqual(Array.from(img.frameValues(0)), Array.from(base));
  });

  for (const [syntax, planar] of [['explicit', 0], ['explicit', 1], ['rle', 0], ['jpegLs', 0], ['jpeg2000', 0]] as [SyntaxName, 0 | 1][]) {
    it(`RGB (${syntax}, planar configuration ${planar}) reads as interleaved RGB`, async () => {
      const rgb = rgbCard();
      const frame = planar ? toPlanar(rgb) : rgb;
      const img = await readDicom(await writeDicom({ syntax, rows: H, columns: W, frames: [frame], samplesPerPixel: 3, planarConfiguration: planar }));
      const f = img.frame8(0);
      assert.equal(f.channels, 3);
      assert.deepEqual(f.data, rgb);
      assert.throws(() => img.frameValues(0), /colour/);
    });
  }

  it('YBR_FULL and YBR_FULL_422 are converted to RGB', async () => {
    const rgb = rgbCard();
    const ybr = toYbr(rgb);
    for (const [photometric, frame] of [['YBR_FULL', ybr], ['YBR_FULL_422', to422(ybr)]] as const) {
      const img = await readDicom(await writeDicom({ syntax: 'explicit', rows: H, columns: W, frames: [frame], samplesPerPixel: 3, photometric }));
      const f = img.frame8(0);
      // 4:2:2 shares the chroma of two pixels: only the bands' inner pixels keep their colour exactly.
      const tolerance = photometric === 'YBR_FULL' ? 2 : 160;
      let worst = 0;
      for (let i = 0; i < rgb.length; i++) worst = Math.max(worst, Math.abs(f.data[i]! - rgb[i]!));
      assert.ok(worst <= tolerance, `${photometric}: worst difference ${worst}`);
      assert.ok(Math.abs(f.data[(29 * W + 5) * 3]! - 255) <= 3, `${photometric}: the red band is red`);
    }
  });

  it('DicomInfo has the series and geometry attributes, and a sequence hint', async () => {
    const img = await readDicom(await writeDicom({ syntax: 'implicit', rows: H, columns: W, frames: [await greySlice(W, H)], attributes: {
      SeriesDescription: 'AX T1 POST GD', ImagePositionPatient: ['-120.5', '-100', '42.25'], ImageOrientationPatient: ['1', '0', '0', '0', '1', '0'],
      PixelSpacing: ['0.5', '0.6'], SliceThickness: '5', InstanceNumber: '7', ContrastBolusAgent: 'Gadovist' } }));
    const { info } = img;
    assert.deepEqual({ ...info, sequence: info.sequence }, {
      transferSyntax: '1.2.840.10008.1.2', sopClassUid: '1.2.840.10008.5.1.4.1.1.4', modality: 'MR', seriesDescription: 'AX T1 POST GD',
      seriesInstanceUid: '2.25.777', instanceNumber: 7, imagePositionPatient: [-120.5, -100, 42.25], imageOrientationPatient: [1, 0, 0, 0, 1, 0],
      pixelSpacing: [0.5, 0.6], sliceThickness: 5, rows: H, columns: W, frames: 1, photometric: 'MONOCHROME2', window: null, sequence: 'T1c' });
  });

  it('sequenceHint reads descriptions, sequence names, contrast agent and timing', () => {
    assert.equal(sequenceHint('t2_tse_tra'), 'T2');
    assert.equal(sequenceHint('AX FLAIR'), 'FLAIR');
    assert.equal(sequenceHint('t2_tirm_tra_dark-fluid'), 'FLAIR');
    assert.equal(sequenceHint('ep2d_diff_3scan_trace'), 'DWI');
    assert.equal(sequenceHint('ep2d_diff_3scan_trace_ADC'), 'ADC');
    assert.equal(sequenceHint('Series 4', { imageType: ['DERIVED', 'PRIMARY', 'ADC'] }), 'ADC');
    assert.equal(sequenceHint('SWI_Images'), 'SWI');
    assert.equal(sequenceHint('t1_mprage_sag'), 'T1');
    assert.equal(sequenceHint('t1_mprage_sag', { contrastAgent: 'Dotarem' }), 'T1c');
    assert.equal(sequenceHint('AX T1 +C'), 'T1c');
    assert.equal(sequenceHint('Series 3', { repetitionTime: 500, echoTime: 12 }), 'T1');
    assert.equal(sequenceHint('Series 3', { repetitionTime: 4000, echoTime: 100 }), 'T2');
    assert.equal(sequenceHint('localizer'), null);
    assert.equal(sequenceHint(null), null);
  });

  describe('bad files', () => {
    it('no pixel data: the SOP class says what it is', async () => {
      const sr = await writeDicom({ syntax: 'explicit', rows: 0, columns: 0, frames: [new Uint8Array(0)], noPixelData: true, sopClassUid: SR_STORAGE });
      await rejects(sr, 'unsupported', /^this DICOM file is a Structured Report: it holds no image \(no Pixel Data\)$/);
      const rt = await writeDicom({ syntax: 'explicit', rows: 0, columns: 0, frames: [new Uint8Array(0)], noPixelData: true, sopClassUid: '1.2.840.10008.5.1.4.1.1.481.3' });
      await rejects(rt, 'unsupported', /an RT Structure Set/);
      const ps = await writeDicom({ syntax: 'explicit', rows: 0, columns: 0, frames: [new Uint8Array(0)], noPixelData: true, sopClassUid: '1.2.840.10008.5.1.4.1.1.11.1' });
      await rejects(ps, 'unsupported', /a Grayscale Softcopy Presentation State/);
    });
    it('an unsupported transfer syntax is named', async () => {
      const xl = await writeDicom({ syntax: 'jpegXl', rows: H, columns: W, frames: [await greySlice(W, H)] });
      await rejects(xl, 'unsupported', /the DICOM transfer syntax JPEG XL Lossless \(1\.2\.840\.10008\.1\.2\.4\.110\) is not supported/);
    });
    it('a truncated file says it is cut off, in the pixel data or in the header, native or compressed', async () => {
      for (const syntax of ['explicit', 'rle', 'jpegLs', 'jpeg2000', 'deflated'] as SyntaxName[]) {
        const file = await writeDicom({ syntax, rows: H, columns: W, frames: [await greySlice16(W, H)] });
        await rejects(file.subarray(0, file.length - 300), 'corrupt', /cut off/);
        await rejects(file.subarray(0, 400), 'corrupt', /cut off/);
      }
    });
    it('not DICOM', async () => {
      const text = Buffer.concat([Buffer.alloc(128), Buffer.from('NOPE and some text that is not a data set')]);
      await rejects(text, 'unsupported', /not a DICOM file/);
    });
    it('an image over the pixel limit is refused before decoding', async () => {
      const file = await writeDicom({ syntax: 'explicit', rows: H, columns: W, frames: [await greySlice(W, H)] });
      await assert.rejects(readDicom(file, { maxPixels: 1000 }), (e: unknown) => e instanceof ImageDecodeError && e.kind === 'too-large');
    });
  });
});

function toPlanar(rgb: Uint8Array): Uint8Array {
  const n = rgb.length / 3, out = new Uint8Array(rgb.length);
  for (let p = 0; p < n; p++) for (let c = 0; c < 3; c++) out[c * n + p] = rgb[p * 3 + c]!;
  return out;
}

/** RGB to YBR_FULL (PS3.3 C.7.6.3.1.2). */
function toYbr(rgb: Uint8Array): Uint8Array {
  const out = new Uint8Array(rgb.length);
  for (let o = 0; o < rgb.length; o += 3) {
    const r = rgb[o]!, g = rgb[o + 1]!, b = rgb[o + 2]!;
    out[o] = Math.round(0.299 * r + 0.587 * g + 0.114 * b);
    out[o + 1] = Math.round(-0.168736 * r - 0.331264 * g + 0.5 * b + 128);
    out[o + 2] = Math.round(0.5 * r - 0.418688 * g - 0.081312 * b + 128);
  }
  return out;
}

/** YBR_FULL to YBR_FULL_422: Y1 Y2 Cb Cr per pixel pair (the chroma of the first pixel). */
function to422(ybr: Uint8Array): Uint8Array {
  const n = ybr.length / 3, out = new Uint8Array(n * 2);
  for (let p = 0; p < n; p += 2) {
    out[p * 2] = ybr[p * 3]!; out[p * 2 + 1] = ybr[(p + 1) * 3]!; out[p * 2 + 2] = ybr[p * 3 + 1]!; out[p * 2 + 3] = ybr[p * 3 + 2]!;
  }
  return out;
}
