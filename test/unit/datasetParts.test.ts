/** The parts of dataset handling: class names, format sniffing, preprocessing, the pixel cache, splitting. */
import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { canonicalClass } from '../../server/data/classNames';
import { hamming, parseHash } from '../../server/data/dhash';
import { loadImages } from '../../server/data/loadImages';
import { brightBox, DEFAULT_POLICY, policyKey, preprocessImage, validatePolicy, type PreprocessPolicy } from '../../server/data/preprocess';
import { cropPadResize } from '../../server/data/resample';
import { sniffFormat } from '../../server/data/sniffFormat';
import { headerSize } from '../../server/data/headerSize';
import { inspectImage } from '../../server/data/inspectImage';
import { duplicateGroups, splitTrainValidation, type SplitItem } from '../../server/data/splitDataset';
import type { TumorClass } from '../../server/data/classNames';
import { encodeBmp, pngHeaderBomb, sliceSvg, write } from '../fixtures/images';

const tmp = (p: string) => fs.mkdtempSync(path.join(os.tmpdir(), p));

describe('canonicalClass', () => {
  it('maps the usual folder-name variants', () => {
    for (const [name, cls] of [['glioma', 'glioma'], ['glioma_tumor', 'glioma'], ['Glioma', 'glioma'], ['GLIOMA TUMOUR', 'glioma'],
      ['meningioma_tumor', 'meningioma'], ['notumor', 'notumor'], ['no_tumor', 'notumor'], ['No Tumor', 'notumor'], ['no-tumour', 'notumor'],
      ['pituitary_tumor', 'pituitary'], ['Pituitary', 'pituitary']] as const) {
      assert.equal(canonicalClass(name), cls, name);
    }
  });
  it('rejects anything else', () => {
    for (const name of ['tumor', 'astrocytoma', 'images', 'gl', 'Training', '']) assert.equal(canonicalClass(name), undefined, name);
  });
});

describe('sniffFormat', () => {
  it('reads the format from the content', async () => {
    const img = sharp(sliceSvg(20, 20, 'circle'));
    assert.equal(sniffFormat(await img.clone().jpeg().toBuffer()), 'jpeg');
    assert.equal(sniffFormat(await img.clone().png().toBuffer()), 'png');
    assert.equal(sniffFormat(await img.clone().webp().toBuffer()), 'webp');
    assert.equal(sniffFormat(await img.clone().tiff().toBuffer()), 'tiff');
    assert.equal(sniffFormat(encodeBmp(Buffer.alloc(12), 2, 2)), 'bmp');
    assert.equal(sniffFormat(Buffer.from('hello world, not an image')), undefined);
    assert.equal(sniffFormat(Buffer.alloc(0)), undefined);
  });
});

describe('preprocessImage', () => {
  it('crops the dark border, pads to a square and resizes', async () => {
    // 200 x 100, black, with a bright 100 x 50 block in the middle: after the crop the block fills the width.
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100"><rect width="200" height="100" fill="#000"/><rect x="50" y="25" width="100" height="50" fill="#fff"/></svg>');
    const px = await preprocessImage(await sharp(svg).png().toBuffer(), { ...DEFAULT_POLICY, size: 64 });
    assert.equal(px.length, 64 * 64);
    const at = (x: number, y: number) => px[y * 64 + x]!;
    assert.ok(at(1, 32) > 200 && at(62, 32) > 200, 'the block reaches both sides after the crop');
    assert.ok(at(32, 4) < 10 && at(32, 60) < 10, 'padding above and below is black');
  });

  it('applies the EXIF orientation', async () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="80" height="40"><rect width="80" height="40" fill="#444"/><rect width="20" height="40" fill="#fff"/></svg>');
    const upright = await preprocessImage(await sharp(svg).rotate(90).jpeg({ quality: 95 }).toBuffer(), { ...DEFAULT_POLICY, size: 32, cropThreshold: null });
    const tagged = await preprocessImage(await sharp(svg).jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toBuffer(), { ...DEFAULT_POLICY, size: 32, cropThreshold: null });
    let diff = 0;
    for (let i = 0; i < upright.length; i++) diff = Math.max(diff, Math.abs(upright[i]! - tagged[i]!));
    assert.ok(diff < 24, `max difference ${diff}`);
  });

  it('reads BMP through the fallback decoder like the same pixels as PNG', async () => {
    const raw = await sharp(sliceSvg(60, 40, 'square', 3)).removeAlpha().raw().toBuffer();
    const a = await preprocessImage(encodeBmp(raw, 60, 40), { ...DEFAULT_POLICY, size: 32 });
    const b = await preprocessImage(await sharp(raw, { raw: { width: 60, height: 40, channels: 3 } }).png().toBuffer(), { ...DEFAULT_POLICY, size: 32 });
    assert.deepEqual(a, b);
  });

  it('gives 3 channels when the policy asks for RGB, and refuses a decompression bomb', async () => {
    const rgb = await preprocessImage(await sharp(sliceSvg(50, 50, 'circle')).png().toBuffer(), { ...DEFAULT_POLICY, size: 16, channels: 3 });
    assert.equal(rgb.length, 16 * 16 * 3);
    await assert.rejects(preprocessImage(pngHeaderBomb()), (e: Error & { kind?: string }) => e.kind === 'too-large');
  });

  it('refuses a BMP whose header claims too many pixels before decoding it, in scan and in preprocessing', async () => {
    // A 54-byte header claiming 9000 x 9000 (243 MB of pixels): the scan decoded such files whole (3.7 s, 398 MB).
    const bomb = encodeBmp(Buffer.alloc(3), 1, 1);
    bomb.writeInt32LE(9000, 18);
    bomb.writeInt32LE(9000, 22);
    assert.deepEqual(headerSize(bomb), { width: 9000, height: 9000 });
    const before = process.memoryUsage().arrayBuffers;
    const t0 = performance.now();
    const verdict = await inspectImage(bomb, 'huge.bmp');
    assert.deepEqual(verdict.problems.map((p) => p.kind), ['too-large']);
    assert.match(verdict.problems[0]!.message, /9000x9000 \(81 MP\) exceeds the 64 MP limit; not decoded/);
    assert.ok(performance.now() - t0 < 200, 'refused from the header, not decoded');
    assert.ok(process.memoryUsage().arrayBuffers - before < 50e6, 'no pixel buffer allocated');
    await assert.rejects(preprocessImage(bomb), (e: Error & { kind?: string }) => e.kind === 'too-large');
    // A normal BMP's size comes from its header too (top-down rows have a negative height).
    const small = encodeBmp(Buffer.alloc(5 * 4 * 3, 90), 5, 4);
    small.writeInt32LE(-4, 22);
    assert.deepEqual(headerSize(small), { width: 5, height: 4 });
  });

  it('gives a cut-off or corrupt file the same plain message in scan and in decoding, naming no library', async () => {
    const jpeg = await sharp(sliceSvg(120, 120, 'circle', 7)).jpeg().toBuffer();
    const png = await sharp(sliceSvg(120, 120, 'circle', 8)).png().toBuffer();
    const cases: [string, Buffer, RegExp][] = [
      ['cut.jpg', jpeg.subarray(0, Math.floor(jpeg.length * 0.6)), /^corrupt or truncated image: the JPEG file ends before its end-of-image marker \(cut off\)$/],
      ['cut.png', png.subarray(0, Math.floor(png.length * 0.6)), /^corrupt or truncated image: the PNG file has no IEND chunk \(cut off\)$/],
      ['noise.jpg', Buffer.concat([jpeg.subarray(0, 3), Buffer.alloc(400, 0x5a), Buffer.from([0xff, 0xd9])]), /^corrupt or truncated image: the image decoder says /],
    ];
    for (const [name, bytes, re] of cases) {
      const scanned = (await inspectImage(bytes, name)).problems[0]!.message;
      let decoded = '';
      await preprocessImage(bytes).catch((e: Error) => { decoded = e.message; });
      const again = await preprocessImage(bytes, { ...DEFAULT_POLICY, size: 32 }).then(() => '', (e: Error) => e.message);
      assert.match(scanned, re, name);
      assert.equal(decoded, scanned, `${name}: scan and decode say the same`);
      assert.equal(again, scanned, `${name}: whatever the decode size`);
      assert.doesNotMatch(scanned, /vips|sharp/i, name);
    }
  });

  it('keeps a uniformly dark image instead of failing', async () => {
    const px = await preprocessImage(await sharp({ create: { width: 30, height: 30, channels: 3, background: '#000' } }).png().toBuffer(), { ...DEFAULT_POLICY, size: 16 });
    assert.equal(px.length, 256);
    assert.ok(px.every((v) => v === 0));
  });

  it('validates policies and keys them stably', () => {
    assert.equal(policyKey(DEFAULT_POLICY), policyKey({ ...DEFAULT_POLICY }));
    assert.notEqual(policyKey(DEFAULT_POLICY), policyKey({ ...DEFAULT_POLICY, size: 96 }));
    assert.throws(() => validatePolicy({ ...DEFAULT_POLICY, size: 4 }), /size 4/);
    assert.throws(() => validatePolicy({ ...DEFAULT_POLICY, version: 3 }), /version 3/);
    assert.deepEqual(validatePolicy({ ...DEFAULT_POLICY }), DEFAULT_POLICY);
  });
});

describe('resampling helpers', () => {
  it('brightBox finds the bright region, or nothing', () => {
    const d = new Uint8Array(10 * 6);
    d[2 * 10 + 3] = 200; d[4 * 10 + 7] = 90;
    assert.deepEqual(brightBox(d, 10, 6, 1, 12), { left: 3, top: 2, width: 5, height: 3 });
    assert.equal(brightBox(new Uint8Array(60), 10, 6, 1, 12), null);
  });
  it('cropPadResize keeps a flat image flat and averages when shrinking', () => {
    const flat = cropPadResize(new Uint8Array(64).fill(100), 8, 8, 1, null, 4);
    assert.ok(flat.every((v) => v === 100));
    const stripes = new Uint8Array(16);
    for (let i = 0; i < 16; i++) stripes[i] = i % 2 ? 200 : 0;
    assert.ok(cropPadResize(stripes, 4, 4, 1, null, 2).every((v) => v === 100));
  });
});

describe('loadImages and the pixel cache', () => {
  it('decodes once, then serves identical pixels from the cache; a changed file is decoded again', async () => {
    const dir = tmp('bt-load-');
    const cacheDir = tmp('bt-load-cache-');
    const files = await Promise.all([0, 1, 2].map(async (i) => write(path.join(dir, `${i}.png`), await sharp(sliceSvg(70, 60, 'circle', i)).png().toBuffer())));
    const md5 = (f: string) => crypto.createHash('md5').update(fs.readFileSync(f)).digest('hex');
    const refs = files.map((abs) => ({ abs, md5: md5(abs) }));
    const policy: PreprocessPolicy = { ...DEFAULT_POLICY, size: 32 };
    const a = await loadImages(refs, policy, { cacheDir });
    assert.deepEqual([a.decoded, a.fromCache, a.failed.length], [3, 0, 0]);
    const b = await loadImages(refs, policy, { cacheDir });
    assert.deepEqual([b.decoded, b.fromCache], [0, 3]);
    assert.deepEqual(b.pixels, a.pixels);
    write(files[1]!, await sharp(sliceSvg(70, 60, 'square', 9)).png().toBuffer());
    const c = await loadImages(files.map((abs) => ({ abs, md5: md5(abs) })), policy, { cacheDir });
    assert.deepEqual([c.decoded, c.fromCache], [1, 2]);
  });
});

describe('dHash', () => {
  it('is 0 apart for the same picture and far apart for different ones', () => {
    const a = parseHash('ff00ff00'.repeat(8));
    assert.equal(hamming(a, a), 0);
    assert.equal(hamming(a, parseHash('00ff00ff'.repeat(8))), 256);
    assert.ok(hamming(a, parseHash('00ff00ff'.repeat(8)), 5) > 5, 'the early exit still reports "over the limit"');
  });
});

describe('splitTrainValidation', () => {
  const classes: TumorClass[] = ['glioma', 'meningioma', 'notumor', 'pituitary'];
  const items: SplitItem[] = Array.from({ length: 400 }, (_, i) => ({ rel: `f${i}`, label: classes[i % 4]! }));
  // Groups of near duplicates: f0..f9 together, and pairs f100/f104, f200/f204 ...
  const groups = [{ files: Array.from({ length: 10 }, (_, i) => `f${i * 4}`), exact: false, maxDistance: 3, crossSplit: false },
    ...[100, 200, 300].map((n) => ({ files: [`f${n}`, `f${n + 4}`], exact: true, maxDistance: 0, crossSplit: false }))];
  const gid = duplicateGroups(items, groups);

  it('keeps every duplicate group on one side', () => {
    for (const seed of [1, 2, 3, 42]) {
      const s = splitTrainValidation(items, gid, { seed, valFraction: 0.2 });
      const inVal = new Set(s.val);
      for (const g of groups) {
        const sides = new Set(g.files.map((f) => inVal.has(Number(f.slice(1)))));
        assert.equal(sides.size, 1, `group ${g.files.join(',')} split apart with seed ${seed}`);
      }
      assert.equal(s.train.length + s.val.length, items.length);
    }
  });

  it('is stratified, and the same seed gives the same split', () => {
    const s = splitTrainValidation(items, gid, { seed: 7, valFraction: 0.2 });
    for (const c of classes) {
      const n = s.val.filter((i) => items[i]!.label === c).length;
      assert.ok(Math.abs(n - 20) <= 10, `${c}: ${n} in validation`);
    }
    assert.deepEqual(splitTrainValidation(items, gid, { seed: 7, valFraction: 0.2 }), s);
    assert.notDeepEqual(splitTrainValidation(items, gid, { seed: 8, valFraction: 0.2 }).val, s.val);
  });
});
