/**
 * Classification in process, on a small untrained model written as a run folder: folder expansion, the model
 * store (reload on change), the feature statistics of the out-of-distribution check, float16 encoding, and
 * 1000 classifications in a row with a flat tensor count.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import * as tf from '@tensorflow/tfjs-core';
import { headerSize } from '../../server/data/headerSize';
import { resolvePreference } from '../../server/engine/chooseBackend';
import { startEngine } from '../../server/engine/startEngine';
import { classifyImages, expandPaths, judgeDistribution } from '../../server/infer/classifyImages';
import { toFloat16Bits } from '../../server/infer/exportModel';
import { featureDistance, fitFeatureStats, parseFeatureStats } from '../../server/model/featureStats';
import { ModelStore } from '../../server/infer/modelStore';
import { write, writeSlice } from '../fixtures/images';
import { writeModelFolder } from '../fixtures/modelFolder';

const WASM_DIR = path.resolve(__dirname, '../../../dist/wasm');
const SIZE = 32;

describe('classification', () => {
  let tmp: string;
  let images: string;

  before(async () => {
    await startEngine({ preference: resolvePreference({ flag: 'wasm' }), threads: 0, wasmDir: WASM_DIR });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bt-classify-'));
    images = path.join(tmp, 'images');
    for (let i = 0; i < 6; i++) await writeSlice(path.join(images, i < 3 ? 'a' : 'b/c', `s${i}.png`), 'circle', 300 + i, 48);
    write(path.join(images, '.hidden', 'skip.png'), 'hidden folders are skipped');
    write(path.join(images, 'a', 'readme.md'), 'not an image name');
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('expands folders recursively and sorted, skipping hidden entries and non-image names; lists missing paths', () => {
    const r = expandPaths([images, path.join(tmp, 'missing.png')], 100);
    assert.deepEqual(r.files.map((f) => path.relative(images, f)), ['a/s0.png', 'a/s1.png', 'a/s2.png', 'b/c/s3.png', 'b/c/s4.png', 'b/c/s5.png']);
    assert.deepEqual(r.missing, [path.join(tmp, 'missing.png')]);
    assert.deepEqual(expandPaths([path.join(images, 'a', 'readme.md')], 100).files.length, 1, 'a file named explicitly is tried');
    assert.throws(() => expandPaths([images], 4), /more than 4 images; classify at most 4 at once/);
  });

  it('lists an unreadable sub-folder with its path and reason, and still finds the rest', () => {
    // Tests run as root in CI, where chmod 000 does not stop a read: the failure is injected into the listing.
    const denied = path.join(images, 'b');
    const list = (dir: string) => {
      if (dir === denied) throw Object.assign(new Error(`EACCES: permission denied, scandir '${dir}'`), { code: 'EACCES' });
      return fs.readdirSync(dir, { withFileTypes: true });
    };
    const r = expandPaths([images], 100, list);
    assert.deepEqual(r.files.map((f) => path.relative(images, f)), ['a/s0.png', 'a/s1.png', 'a/s2.png']);
    assert.equal(r.unreadable.length, 1);
    assert.equal(r.unreadable[0]!.path, denied);
    assert.match(r.unreadable[0]!.error, /cannot be read \(EACCES\); its images were skipped\. Check its permissions/);
  });

  it('says that no images were found, and which files it reads, for a folder without any', async () => {
    const store = new ModelStore(() => path.join(tmp, 'none'));
    const loaded = await store.get(await writeModelFolder(path.join(tmp, 'model-empty')));
    const empty = path.join(tmp, 'no-images');
    write(path.join(empty, 'notes.txt'), 'no image here');
    await assert.rejects(classifyImages([empty], loaded, { explain: false, withInput: false, threshold: 0.7, backend: 'wasm' }),
      /No images found in .*no-images: classification reads \.jpg \.jpeg \.png/);
    // An unreadable folder is a failed item, not an empty result.
    const r = await classifyImages([images], loaded, { explain: false, withInput: false, threshold: 0.7, backend: 'wasm',
      listDir: (dir) => { if (dir.endsWith(`${path.sep}a`)) throw Object.assign(new Error('denied'), { code: 'EACCES' }); return fs.readdirSync(dir, { withFileTypes: true }); } });
    assert.deepEqual(r.items.filter((i) => !i.ok).map((i) => [i.kind, path.relative(images, i.path)]), [['unreadable', 'a']]);
    assert.equal(r.items.filter((i) => i.ok).length, 3);
    store.dispose();
  });

  it('keeps the tensor count flat over 1000 classifications (heat maps every other one)', async () => {
    const store = new ModelStore(() => path.join(tmp, 'none'));
    const dir = await writeModelFolder(path.join(tmp, 'model-a'));
    const loaded = await store.get(dir);
    const files = expandPaths([images], 100).files;
    const opts = { explain: false, withInput: false, threshold: 0.7, backend: 'wasm' as const };
    await classifyImages([files[0]!], loaded, { ...opts, explain: true, withInput: true }); // warm-up: lazy Grad-CAM setup
    const before = tf.memory().numTensors;
    for (let i = 0; i < 1000; i++) {
      const r = await classifyImages([files[i % files.length]!], loaded, { ...opts, explain: i % 2 === 0, withInput: i % 2 === 0 });
      assert.equal(r.items[0]!.ok, true);
    }
    assert.equal(tf.memory().numTensors, before);
    store.dispose();
  });

  it('returns heat maps on the model input and the input itself when asked', async () => {
    const store = new ModelStore(() => path.join(tmp, 'none'));
    const loaded = await store.get(await writeModelFolder(path.join(tmp, 'model-b')));
    const r = await classifyImages([path.join(images, 'a')], loaded, { explain: true, withInput: true, threshold: 0.7, backend: 'wasm' });
    assert.equal(r.items.length, 3);
    for (const it of r.items) {
      assert.ok(it.ok);
      assert.ok(it.heatmap && it.heatmap.values.length === it.heatmap.width * it.heatmap.height && it.heatmap.width > 1);
      assert.ok(it.heatmap.values.every((v) => v >= 0 && v <= 1));
      assert.equal(it.heatmap.targetClass, it.predicted);
      assert.match(it.input ?? '', /^data:image\/png;base64,/);
      assert.ok(it.width > 0 && it.height > 0);
    }
    store.dispose();
  });

  it('carries where the model input came from in the original, and the original itself when the input is asked for', async () => {
    const store = new ModelStore(() => path.join(tmp, 'none'));
    const loaded = await store.get(await writeModelFolder(path.join(tmp, 'model-geometry')));
    // Stored 160 x 90 with EXIF orientation 6 (shown 90 x 160); the head, 60 x 40 as stored, off-centre.
    const file = path.join(tmp, 'turned.jpg');
    await sharp(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="160" height="90"><rect width="160" height="90"/><rect x="90" y="30" width="60" height="40" fill="#999"/></svg>'))
      .jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toFile(file);
    const opts = { explain: true, withInput: true, threshold: 0.7, backend: 'wasm' as const };
    const [item] = (await classifyImages([file], loaded, opts)).items;
    assert.ok(item?.ok && item.original);
    const g = item.original.geometry;
    assert.deepEqual([item.width, item.height], [160, 90], 'the stored size, as before');
    assert.deepEqual([g.width, g.height, g.orientation, g.inputSize], [90, 160, 6, SIZE]);
    // Turned a quarter clockwise, the head lies at x 20..60, y 90..150 of the 90 x 160 picture. The working image is
    // 36 x 64 (2.5 original px per working px); JPEG ringing and the area average blur the edge by a working pixel.
    const near = (a: number, b: number) => Math.abs(a - b) <= 5;
    assert.ok(near(g.crop.left, 20) && near(g.crop.top, 90) && near(g.crop.width, 40) && near(g.crop.height, 60), JSON.stringify(g.crop));
    const png = Buffer.from(item.original.image!.split(',')[1]!, 'base64');
    const meta = await sharp(png).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height], ['png', 90, 160], 'the original as displayed, at its own resolution');
    const [plain] = (await classifyImages([file], loaded, { ...opts, explain: false, withInput: false })).items;
    assert.ok(plain?.ok && plain.original);
    assert.equal(plain.original.image, null, 'no picture without withInput; the geometry still');
    assert.deepEqual(plain.original.geometry, g);
    store.dispose();
  });

  it('with test-time augmentation averages the image and its mirror image, and leaks nothing', async () => {
    const store = new ModelStore(() => path.join(tmp, 'none'));
    const loaded = await store.get(await writeModelFolder(path.join(tmp, 'model-tta'), 4));
    const file = path.join(images, 'a', 's1.png');
    const opts = { explain: false, withInput: true, threshold: 0.7, backend: 'wasm' as const };
    const plain = await classifyImages([file], loaded, opts);
    const before = tf.memory().numTensors;
    const withTta = await classifyImages([file], loaded, { ...opts, tta: true });
    assert.equal(tf.memory().numTensors, before);
    assert.equal(plain.tta, false);
    assert.equal(withTta.tta, true);
    const p = plain.items[0]!, t = withTta.items[0]!;
    assert.ok(p.ok && t.ok);
    // The mirror image's probabilities, from the very input the model saw (returned as a lossless PNG).
    const png = Buffer.from(p.input!.split(',')[1]!, 'base64');
    const { data, info } = await sharp(png).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
    const mirrored = tf.tidy(() => {
      const x = tf.reverse(tf.div(tf.tensor4d(new Uint8Array(data), [1, info.height, info.width, 1], 'float32'), 255), 2);
      return Array.from((loaded.withFeatures.predict(x) as tf.Tensor[])[1]!.dataSync());
    });
    const expected = p.probabilities.map((v, c) => (v + mirrored[c]!) / 2);
    t.probabilities.forEach((v, c) => assert.ok(Math.abs(v - expected[c]!) < 2e-6, `class ${c}: ${v} vs ${expected[c]}`));
    assert.notDeepEqual(t.probabilities, p.probabilities, 'an asymmetric slice: the mirror changes something');
    store.dispose();
  });

  it('reloads a model whose files changed, and names a missing bundled model', async () => {
    const store = new ModelStore(() => path.join(tmp, 'no-bundled-model'));
    const dir = await writeModelFolder(path.join(tmp, 'model-c'), 1);
    const first = await store.get(dir);
    assert.equal(await store.get(dir), first, 'cached while unchanged');
    assert.equal(store.active, dir);
    await new Promise((r) => setTimeout(r, 20));
    await writeModelFolder(dir, 2);
    assert.notEqual(await store.get(dir), first, 'reloaded after retraining');
    await assert.rejects(store.get(), /The bundled model is missing from this installation .*no-bundled-model/);
    store.dispose();
  });

  it('feature statistics: near a class centre is close to 0, far away is well above 1, about 1% of fitting rows exceed 1', () => {
    const dims = 8, n = 400;
    const labels = Int32Array.from({ length: n }, (_, i) => i % 4);
    let s = 7;
    const rnd = () => { s = (s * 16807) % 2147483647; return s / 2147483647 - 0.5; };
    const features = Float32Array.from({ length: n * dims }, (_, i) => labels[Math.floor(i / dims)]! * 3 + rnd());
    const stats = fitFeatureStats('dense', features, labels, 4);
    assert.equal(stats.dims, dims);
    assert.ok(featureDistance(stats, Float32Array.from(stats.mean[2]!)) < 0.05);
    assert.ok(featureDistance(stats, new Float32Array(dims).fill(40)) > 10);
    const over = Array.from({ length: n }, (_, i) => featureDistance(stats, features.subarray(i * dims, (i + 1) * dims))).filter((d) => d > 1.0001).length;
    assert.ok(over <= Math.ceil(0.01 * n), `${over} rows beyond the 99th percentile`);
    assert.deepEqual(parseFeatureStats(JSON.parse(JSON.stringify(stats)), 4), JSON.parse(JSON.stringify(stats)));
    assert.equal(parseFeatureStats({ ...stats, std: [1] }, 4), undefined, 'malformed statistics are ignored');
    assert.equal(parseFeatureStats(stats, 3), undefined, 'statistics for other classes are ignored');
  });

  it('judges out-of-distribution images by plain rules, each with its reason; a typical slice passes', () => {
    const slice = { colourfulness: 0, darkBorder: 0.9, content: 0.5, white: 0, spread: 44, roughness: 5 };
    assert.deepEqual(judgeDistribution(slice, 0.5).reasons, []);
    assert.equal(judgeDistribution({ ...slice, darkBorder: 0 }, 0.5).outOfDistribution, false, 'a slice cropped to the head is fine');
    const cases: [Partial<typeof slice>, number | null, RegExp][] = [
      [{ colourfulness: 80 }, null, /colour image/],
      [{ content: 0.01 }, null, /almost entirely black/],
      [{ spread: 2 }, null, /nearly uniform/],
      [{ white: 0.9 }, null, /90% of it is pure white/],
      [{ roughness: 120 }, null, /grainy/],
      [{}, 3.4, /3\.4x farther from the training data/],
    ];
    for (const [change, distance, reason] of cases) {
      const d = judgeDistribution({ ...slice, ...change }, distance);
      assert.equal(d.outOfDistribution, true, JSON.stringify(change));
      assert.match(d.reasons.join('; '), reason);
    }
  });

  it('reads PNG and JPEG sizes from the header; other formats and broken headers defer to the decoder', async () => {
    const img = sharp({ create: { width: 37, height: 23, channels: 3, background: '#123' } });
    assert.deepEqual(headerSize(await img.clone().png().toBuffer()), { width: 37, height: 23 });
    assert.deepEqual(headerSize(await img.clone().jpeg({ progressive: true }).toBuffer()), { width: 37, height: 23 });
    assert.deepEqual(headerSize(await img.clone().jpeg().withMetadata({ orientation: 6 }).toBuffer()), { width: 37, height: 23 }, 'EXIF before the frame');
    assert.equal(headerSize(await img.clone().webp().toBuffer()), undefined);
    assert.equal(headerSize(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00])), undefined);
    assert.equal(headerSize(Buffer.from('hello, not an image at all')), undefined);
  });

  it('encodes float16 like IEEE 754 (rounding, subnormals, overflow)', () => {
    assert.equal(toFloat16Bits(1), 0x3c00);
    assert.equal(toFloat16Bits(-2), 0xc000);
    assert.equal(toFloat16Bits(65504), 0x7bff);
    assert.equal(toFloat16Bits(70000), 0x7c00);
    assert.equal(toFloat16Bits(2 ** -24), 0x0001);
    assert.equal(toFloat16Bits(1e-9), 0);
    assert.equal(toFloat16Bits(1 + 2 ** -11), 0x3c00, 'a tie rounds to even');
    assert.equal(toFloat16Bits(1 + 3 * 2 ** -11), 0x3c02);
    assert.equal(toFloat16Bits(NaN) & 0x7c00, 0x7c00);
    assert.notEqual(toFloat16Bits(NaN) & 0x3ff, 0);
  });
});
