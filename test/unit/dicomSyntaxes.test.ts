/**
 * DICOM written by dcmjs from generated slices, in every transfer syntax the tests can produce in Node, reads back
 * to exactly the stored samples (all of them are lossless but JPEG baseline, which must come close); plus the
 * JPEG Lossless conformance files that jpeg-lossless-decoder-js ships, checked against its own checksums.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { describe, it } from 'node:test';
import { isDicomBytes, readDicom } from '../../server/data/dicom/readDicom';
import { greySlice, greySlice16, SYNTAX, writeDicom, type SyntaxName } from '../fixtures/dicomFiles';
import { ROOT } from '../fixtures/runCli';

const W = 64, H = 48;

describe('DICOM transfer syntaxes', () => {
  const lossless16: SyntaxName[] = ['implicit', 'explicit', 'deflated', 'bigEndian', 'rle', 'jpegLs', 'jpeg2000'];
  for (const syntax of lossless16) {
    it(`${syntax} (${SYNTAX[syntax]}): 16-bit samples read back exactly, with Rescale Slope/Intercept applied`, async () => {
      const stored = await greySlice16(W, H, 3000, 'square', 3);
      const file = await writeDicom({ syntax, rows: H, columns: W, frames: [stored], bitsStored: 12,
        attributes: { RescaleSlope: '2', RescaleIntercept: '-1000', WindowCenter: '1000', WindowWidth: '4000' } });
      assert.ok(isDicomBytes(file.subarray(0, 132)));
      const img = await readDicom(file);
      assert.equal(img.info.transferSyntax, SYNTAX[syntax]);
      assert.deepEqual([img.info.columns, img.info.rows, img.info.frames, img.info.photometric], [W, H, 1, 'MONOCHROME2']);
      const values = img.frameValues(0);
      for (let i = 0; i < stored.length; i++) assert.equal(values[i], stored[i]! * 2 - 1000, `pixel ${i}`);
      const f = img.frame8(0);
      assert.equal(f.window, 'DICOM window 1000/4000');
      // The linear window of PS3.3 C.11.2.1.2.1: -1000..3000 onto 0..255.
      for (let i = 0; i < stored.length; i++) {
        const x = stored[i]! * 2 - 1000;
        const want = x <= -1000 ? 0 : x > 2999 ? 255 : Math.round(((x - 999.5) / 3999 + 0.5) * 255);
        assert.equal(f.data[i], want, `pixel ${i}`);
      }
      assert.equal(f.data[stored.indexOf(0)], 0);
    });
  }

  for (const syntax of ['explicit', 'rle', 'jpegLs', 'jpeg2000', 'jpegBaseline'] as SyntaxName[]) {
    it(`${syntax}: 8-bit slices without a window read as stored${syntax === 'jpegBaseline' ? ' (within JPEG loss)' : ''}`, async () => {
      const stored = await greySlice(W, H, 'triangle', 5);
      const img = await readDicom(await writeDicom({ syntax, rows: H, columns: W, frames: [stored] }));
      const f = img.frame8(0);
      assert.equal(f.channels, 1);
      assert.match(f.window, /as stored/);
      let maxDiff = 0;
      for (let i = 0; i < stored.length; i++) maxDiff = Math.max(maxDiff, Math.abs(f.data[i]! - stored[i]!));
      assert.ok(syntax === 'jpegBaseline' ? maxDiff <= 40 : maxDiff === 0, `max difference ${maxDiff}`);
      if (syntax === 'jpegBaseline') {
        let sum = 0;
        for (let i = 0; i < stored.length; i++) sum += Math.abs(f.data[i]! - stored[i]!);
        assert.ok(sum / stored.length < 2, `mean difference ${sum / stored.length}`);
      }
    });
  }

  it('a bare data set without preamble (as some exports write) is still DICOM', async () => {
    const stored = await greySlice(W, H);
    for (const syntax of ['implicit', 'explicit'] as SyntaxName[]) {
      const file = await writeDicom({ syntax, rows: H, columns: W, frames: [stored], noPreamble: true });
      assert.ok(isDicomBytes(file.subarray(0, 132)), syntax);
      assert.deepEqual((await readDicom(file)).frame8(0).data, stored);
    }
  });

  describe('JPEG Lossless conformance files shipped in jpeg-lossless-decoder-js', () => {
    const dir = path.join(ROOT, 'node_modules/jpeg-lossless-decoder-js/tests/data');
    // The decoder's own tests check these checksums of the decoded samples (tests/driver-sel*.test.ts).
    const expected: Record<string, { w: number; h: number; crc: number }> = {
      'jpeg_lossless_sel1.dcm': { w: 256, h: 256, crc: 3476557349 },
    };
    it('all seven predictors (selection values 1-7) decode to the same image, and sel1 to the published checksum', async () => {
      const files = fs.readdirSync(dir).filter((f) => /^jpeg_lossless_sel\d\.dcm$/.test(f)).sort();
      assert.equal(files.length, 7);
      let first: Float32Array | undefined;
      for (const f of files) {
        const img = await readDicom(fs.readFileSync(path.join(dir, f)));
        assert.match(img.info.transferSyntax, /^1\.2\.840\.10008\.1\.2\.4\.(57|70)$/, f);
        const values = img.frameValues(0);
        first ??= values;
        assert.deepEqual(values, first, `${f} differs from sel1`);
        const want = expected[f];
        if (want) {
          assert.deepEqual([img.info.columns, img.info.rows], [want.w, want.h]);
          const samples = Buffer.from(Uint16Array.from(values, (v) => v).buffer);
          assert.equal(zlib.crc32(samples) >>> 0, want.crc, `${f} checksum`);
        }
        assert.equal(img.frame8(0).data.length, img.info.rows * img.info.columns);
      }
    });
    it('the 8-bit and the RGB conformance files decode (grey 8-bit; colour as RGB)', async () => {
      const grey = await readDicom(fs.readFileSync(path.join(dir, 'jpeg_lossless_sel1-8bit.dcm')));
      assert.equal(grey.frame8(0).channels, 1);
      const rgb = await readDicom(fs.readFileSync(path.join(dir, 'jpeg_lossless_sel1-rgb.dcm')), { maxPixels: 8_000_000 });
      const f = rgb.frame8(0);
      assert.deepEqual([f.channels, f.width, f.height], [3, 3072, 2048]);
    });
  });
});
