/** Robustness perturbations: the decode + preprocess split they rely on, the perturbations, and the perturbed predictions. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { decodeImage, DEFAULT_POLICY, preprocessDecoded, preprocessImage, type PreprocessPolicy, type RawImage } from '../../server/data/preprocess';
import { seededRandom } from '../../server/data/splitDataset';
import { PERTURBATIONS } from '../../server/eval/perturb';
import { predictPerturbed } from '../../server/eval/perturbedPredictions';
import { CancelledError } from '../../server/cancelled';
import type { PerturbationName } from '../../server/protocol';
import { encodeBmp, pngHeaderBomb, sliceSvg, write, writeSlice } from '../fixtures/images';

const tmp = (p: string) => fs.mkdtempSync(path.join(os.tmpdir(), p));

/** A colour image: MRI slices are grey, but a photo or an annotated export is not. */
function colourSvg(width: number, height: number): Buffer {
  return Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="#000"/>` +
    `<ellipse cx="${width / 2}" cy="${height / 2}" rx="${width / 3}" ry="${height / 3}" fill="#a06040"/><circle cx="${width / 2}" cy="${height / 2}" r="${height / 8}" fill="#30c0e0"/></svg>`);
}

const greyPng = async (w: number, h: number, seed = 1) => sharp(sliceSvg(w, h, 'circle', seed)).flatten().toColourspace('b-w').png().toBuffer();
const rgbPng = async (w: number, h: number) => sharp(colourSvg(w, h)).flatten().png().toBuffer();

function meanAbsDiff(a: Uint8Array, b: Uint8Array): { mean: number; max: number } {
  assert.equal(a.length, b.length);
  let sum = 0, max = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    sum += d;
    max = Math.max(max, d);
  }
  return { mean: sum / a.length, max };
}

/** Mean, standard deviation and mean squared horizontal gradient (sharp edges have much, blurred ones little). */
function stats(img: RawImage): { mean: number; sd: number; roughness: number } {
  let sum = 0, sumSq = 0, rough = 0;
  const d = img.data;
  for (let i = 0; i < d.length; i++) { sum += d[i]!; sumSq += d[i]! * d[i]!; }
  for (let y = 0; y < img.height; y++) {
    for (let x = 1; x < img.width; x++) rough += (d[(y * img.width + x) * img.channels]! - d[(y * img.width + x - 1) * img.channels]!) ** 2;
  }
  const mean = sum / d.length;
  return { mean, sd: Math.sqrt(sumSq / d.length - mean * mean), roughness: rough / ((img.width - 1) * img.height) };
}

const byName = (name: PerturbationName) => PERTURBATIONS.find((p) => p.name === name)!;
const apply = async (name: PerturbationName, img: RawImage, strength = 1, seed = 7) => byName(name).apply(img, strength, seededRandom(seed));

describe('decodeImage + preprocessDecoded', () => {
  const policies: PreprocessPolicy[] = [DEFAULT_POLICY, { ...DEFAULT_POLICY, size: 64, channels: 3 }, { ...DEFAULT_POLICY, size: 48, cropThreshold: null, kernel: 'lanczos3' }];

  it('give exactly what preprocessImage gives for lossless files (grey, RGB, RGBA, BMP; shrunk and not)', async () => {
    const files: [string, Buffer][] = [
      ['grey 300x220', await greyPng(300, 220)], ['grey 90x140', await greyPng(90, 140, 2)], ['grey 700x500', await greyPng(700, 500, 3)],
      ['RGB 310x200', await rgbPng(310, 200)], ['RGBA 260x330', await sharp(sliceSvg(260, 330, 'square', 4)).png().toBuffer()],
      ['BMP 180x120', encodeBmp(await sharp(colourSvg(180, 120)).flatten().raw().toBuffer(), 180, 120)],
    ];
    for (const [what, bytes] of files) {
      const img = await decodeImage(bytes);
      for (const policy of policies) {
        assert.deepEqual(await preprocessDecoded(img, policy), await preprocessImage(bytes, policy), `${what}, ${policy.size}px ${policy.channels}ch`);
      }
    }
  });

  it('keep grey images at one channel, even when stored as RGB, and colour at three', async () => {
    const grey = await decodeImage(await sharp(sliceSvg(120, 100, 'circle')).flatten().png().toBuffer());
    assert.deepEqual([grey.width, grey.height, grey.channels], [120, 100, 1]);
    assert.equal(grey.data.length, 120 * 100);
    const rgb = await decodeImage(await rgbPng(120, 100));
    assert.deepEqual([rgb.width, rgb.height, rgb.channels], [120, 100, 3]);
    assert.equal(rgb.data.length, 120 * 100 * 3);
  });

  it('apply the EXIF orientation at full resolution', async () => {
    const img = await decodeImage(await sharp(await greyPng(80, 40)).jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toBuffer());
    assert.deepEqual([img.width, img.height], [40, 80]);
  });

  it('differ from preprocessImage on JPEG and WebP only by shrink-on-load rounding', async () => {
    // preprocessImage lets libvips decode these straight at a reduced scale when the working image is at most a
    // quarter of the file (JPEG) or smaller at all (WebP); decodeImage always decodes in full, then reduces.
    // Measured with sharp 0.35: a 512 px JPEG at the default 128 px policy (most of the Kaggle Testing split) is
    // exact. With shrink-on-load the working images differ by rounding; the border crop can amplify that (one
    // working pixel crossing cropThreshold moves the crop box, and so the whole output: once a mean of 3.7 and a
    // maximum of 83 grey levels in six generated JPEGs), so the bound is checked without the crop. Without it:
    // mean 0.02-0.14, max 1-6.
    const jpeg512 = await sharp(await greyPng(512, 512, 9)).jpeg({ quality: 90 }).toBuffer();
    assert.deepEqual(await preprocessDecoded(await decodeImage(jpeg512)), await preprocessImage(jpeg512));
    const small: PreprocessPolicy = { ...DEFAULT_POLICY, size: 64, cropThreshold: null };
    const cases: [string, Buffer][] = [
      ['JPEG 1024x1024 q90', await sharp(await greyPng(1024, 1024, 1)).jpeg({ quality: 90 }).toBuffer()],
      ['JPEG 600x420 q75', await sharp(await greyPng(600, 420, 2)).jpeg({ quality: 75 }).toBuffer()],
      ['WebP 400x300 lossless', await sharp(await greyPng(400, 300, 3)).webp({ lossless: true }).toBuffer()],
    ];
    for (const [what, bytes] of cases) {
      const d = meanAbsDiff(await preprocessDecoded(await decodeImage(bytes), small), await preprocessImage(bytes, small));
      assert.ok(d.mean < 0.5, `${what}: mean abs difference ${d.mean.toFixed(3)} (max ${d.max})`);
    }
  });

  it('refuse what preprocessImage refuses, with the same verdicts', async () => {
    await assert.rejects(decodeImage(pngHeaderBomb()), (e: Error & { kind?: string }) => e.kind === 'too-large');
    await assert.rejects(decodeImage(Buffer.from('not an image at all')), (e: Error & { kind?: string }) => e.kind === 'unsupported');
  });
});

describe('perturbations', () => {
  const sliceImage = async () => decodeImage(await greyPng(300, 240, 5));

  it('are the protocol\'s, in its order, each with a description', () => {
    assert.deepEqual(PERTURBATIONS.map((p) => p.name), ['contrast-low', 'contrast-high', 'gamma-low', 'gamma-high', 'darker', 'brighter',
      'noise', 'blur', 'downscale', 'upscale', 'jpeg', 'rotate', 'flip']);
    for (const p of PERTURBATIONS) assert.ok(p.description.length > 5, p.name);
  });

  it('are the identity at strength 0, and leave their input alone at any strength', async () => {
    for (const img of [await sliceImage(), await decodeImage(await rgbPng(150, 110))]) {
      const before = img.data.slice();
      for (const p of PERTURBATIONS) {
        const out = await p.apply(img, 0, seededRandom(1));
        assert.deepEqual([out.width, out.height, out.channels], [img.width, img.height, img.channels], p.name);
        assert.deepEqual(out.data, img.data, p.name);
        assert.notEqual(out.data, img.data, `${p.name} returns a copy`);
        await p.apply(img, 1, seededRandom(1));
        await p.apply(img, 0.5, seededRandom(1));
        assert.deepEqual(img.data, before, `${p.name} left its input alone`);
      }
    }
  });

  it('give the same pixels for the same seed; the random ones differ between seeds', async () => {
    const img = await sliceImage();
    for (const p of PERTURBATIONS) {
      const a = await p.apply(img, 1, seededRandom(11)), b = await p.apply(img, 1, seededRandom(11));
      assert.deepEqual(a, b, p.name);
    }
    const noise = [await apply('noise', img, 1, 1), await apply('noise', img, 1, 2)];
    assert.notDeepEqual(noise[0]!.data, noise[1]!.data);
    // The rotation's only randomness is its sign: over a few seeds, both turn up.
    const rotations = new Set<string>();
    for (let seed = 0; seed < 8; seed++) rotations.add(Buffer.from((await apply('rotate', img, 1, seed)).data).toString('base64'));
    assert.equal(rotations.size, 2);
  });

  it('change intensities in the expected direction', async () => {
    const img = await sliceImage();
    const s = stats(img);
    const low = stats(await apply('contrast-low', img)), half = stats(await apply('contrast-low', img, 0.5));
    assert.ok(Math.abs(low.sd - 0.6 * s.sd) < 1 && Math.abs(low.mean - s.mean) < 1, `contrast-low: sd ${s.sd} -> ${low.sd}, mean ${s.mean} -> ${low.mean}`);
    assert.ok(half.sd < s.sd && half.sd > low.sd, 'strength 0.5 lies between');
    // Strong contrast clips the black background (below the mean): the spread grows less than 1.5x overall, but
    // two mid-tones (the slice's grey levels 85 and 119) move apart by exactly 1.5x.
    const high = await apply('contrast-high', img);
    assert.ok(stats(high).sd > 1.1 * s.sd, 'contrast-high');
    const at = (im: RawImage, v: number) => im.data[img.data.indexOf(v)]!;
    assert.ok(Math.abs(at(high, 119) - at(high, 85) - 1.5 * (119 - 85)) <= 1, 'mid-tones 1.5x apart');
    assert.ok(stats(await apply('gamma-low', img)).mean > s.mean + 5, 'gamma-low lifts the mid-tones');
    assert.ok(stats(await apply('gamma-high', img)).mean < s.mean - 5, 'gamma-high darkens them');
    assert.ok(Math.abs(stats(await apply('darker', img)).mean - 0.7 * s.mean) < 1, 'darker');
    assert.ok(stats(await apply('brighter', img)).mean > 1.2 * s.mean, 'brighter');
  });

  it('add noise of the stated size and blur in proportion to the image', async () => {
    const img = await sliceImage();
    const noisy = await apply('noise', img);
    // On mid-grey pixels (no clipping) the added noise has a standard deviation of about 12.
    let sum = 0, sumSq = 0, count = 0;
    for (let i = 0; i < img.data.length; i++) {
      if (img.data[i]! < 60 || img.data[i]! > 195) continue;
      const d = noisy.data[i]! - img.data[i]!;
      sum += d; sumSq += d * d; count++;
    }
    const sd = Math.sqrt(sumSq / count - (sum / count) ** 2);
    assert.ok(count > 10000 && Math.abs(sd - 12) < 0.5 && Math.abs(sum / count) < 0.3, `noise sd ${sd} on ${count} pixels`);
    const blurred = await apply('blur', img);
    assert.ok(stats(blurred).roughness < 0.5 * stats(img).roughness, `blur smooths the edges: ${stats(img).roughness} -> ${stats(blurred).roughness}`);
    assert.ok(Math.abs(stats(blurred).mean - stats(img).mean) < 0.5, 'and keeps the mean');
  });

  it('change resolution, compression and orientation as stated', async () => {
    const img = await sliceImage();
    const down = await apply('downscale', img);
    assert.deepEqual([down.width, down.height, down.channels], [96, 77, 1], 'downscale: 96 px on the longer side, aspect kept, left small');
    const small = await decodeImage(await greyPng(80, 60));
    assert.deepEqual((await apply('downscale', small)).data, small.data, 'an image already below 96 px is left alone');
    const up = await apply('upscale', img);
    assert.deepEqual([up.width, up.height, up.channels], [600, 480, 1]);
    // Same picture at another size: the data fit the size, and the mean intensity stays.
    for (const [name, r] of [['downscale', down], ['upscale', up]] as const) {
      assert.equal(r.data.length, r.width * r.height * r.channels, `${name}: one value per pixel and channel`);
      assert.ok(Math.abs(stats(r).mean - stats(img).mean) < 2, `${name} keeps the mean: ${stats(img).mean} -> ${stats(r).mean}`);
    }
    const rgbDown = await apply('downscale', await decodeImage(await rgbPng(150, 110)));
    assert.equal(rgbDown.data.length, rgbDown.width * rgbDown.height * 3, 'an RGB image stays RGB');
    const jpeg = await apply('jpeg', img);
    assert.deepEqual([jpeg.width, jpeg.height, jpeg.channels], [img.width, img.height, 1]);
    const d = meanAbsDiff(jpeg.data, img.data);
    assert.ok(d.mean > 0.3 && d.mean < 10, `jpeg changes the pixels a little: ${d.mean}`);
    const rgbJpeg = await apply('jpeg', await decodeImage(await rgbPng(150, 110)));
    assert.equal(rgbJpeg.channels, 3);
    const rot = await apply('rotate', img);
    assert.deepEqual([rot.width, rot.height], [img.width, img.height]);
    assert.ok(meanAbsDiff(rot.data, img.data).mean > 1, 'rotate moves the head');
    const flipped = await apply('flip', img);
    for (let y = 0; y < img.height; y += 17) {
      for (let x = 0; x < img.width; x++) assert.equal(flipped.data[y * img.width + x], img.data[y * img.width + img.width - 1 - x]);
    }
    assert.deepEqual((await apply('flip', flipped)).data, img.data, 'flipping twice gives the original');
  });

  it('refuse a strength outside 0..1', async () => {
    const img = await decodeImage(await greyPng(40, 40));
    for (const p of PERTURBATIONS) {
      await assert.rejects(async () => p.apply(img, 1.5, seededRandom(1)), RangeError, p.name);
      await assert.rejects(async () => p.apply(img, NaN, seededRandom(1)), RangeError, p.name);
    }
  });
});

describe('predictPerturbed', () => {
  const policy: PreprocessPolicy = { ...DEFAULT_POLICY, size: 24 };
  const per = policy.size * policy.size;
  /** A fake model: the rows depend on every pixel, so any difference in the inputs shows. */
  const fakePredict = (calls: number[] = []) => (pixels: Uint8Array, n: number): Promise<Float32Array> => {
    calls.push(n);
    assert.equal(pixels.length, n * per);
    const out = new Float32Array(n * 4);
    for (let i = 0; i < n; i++) {
      let sum = 0, weighted = 0;
      for (let j = 0; j < per; j++) { sum += pixels[i * per + j]!; weighted += pixels[i * per + j]! * ((j % 31) + 1); }
      out.set([sum / per / 255, (weighted % 9973) / 9973, pixels[i * per + 300]! / 255, 0.5], i * 4);
    }
    return Promise.resolve(out);
  };

  async function dataset(): Promise<{ abs: string }[]> {
    const dir = tmp('perturbed-');
    const files: { abs: string }[] = [];
    for (let i = 0; i < 7; i++) files.push({ abs: await writeSlice(path.join(dir, `s${i}.img`), i % 2 ? 'circle' : 'square', i, 120) });
    files.splice(4, 0, { abs: write(path.join(dir, 'broken.png'), Buffer.from('\x89PNG\r\n\x1a\n but then nothing')) });
    return files;
  }

  it('lists failures, and does not depend on concurrency or chunking', async () => {
    const files = await dataset();
    const calls: number[] = [];
    const progress: [number, number, string][] = [];
    const a = await predictPerturbed(files, policy, fakePredict(calls), { seed: 3, concurrency: 1, chunkSize: 3, onProgress: (...p) => progress.push(p) });
    const b = await predictPerturbed(files, policy, fakePredict(), { seed: 3, concurrency: 4 });
    assert.deepEqual(a.clean, b.clean);
    assert.deepEqual([...a.perturbed.keys()], PERTURBATIONS.map((p) => p.name));
    for (const [name, probs] of a.perturbed) assert.deepEqual(probs, b.perturbed.get(name), name);
    assert.deepEqual(a.failed.map((f) => path.basename(f.abs)), ['broken.png']);
    assert.deepEqual(b.failed, a.failed);
    for (const probs of [a.clean, ...a.perturbed.values()]) {
      assert.ok(probs.subarray(4 * 4, 5 * 4).every(Number.isNaN), 'the failed file\'s row is NaN');
      assert.ok(probs.subarray(0, 4 * 4).every(Number.isFinite) && probs.subarray(5 * 4).every(Number.isFinite), 'the others are filled');
    }
    // Chunks of 3: 3, 3 (one failed, so 2 predicted), 2; 14 variants each.
    assert.deepEqual(calls, [...Array<number>(14).fill(3), ...Array<number>(14).fill(2), ...Array<number>(14).fill(2)]);
    assert.deepEqual(progress.at(-1), [8 * 14, 8 * 14, 'flip']);
    assert.equal(progress[0]![2], 'clean');
  });

  it('predicts the clean copy of a lossless file as classification does, and each perturbation changes it', async () => {
    const files = (await dataset()).filter((f) => f.abs.endsWith('s0.img'));
    const r = await predictPerturbed(files, policy, fakePredict(), { seed: 1 });
    assert.deepEqual(r.clean, await fakePredict()(await preprocessImage(fs.readFileSync(files[0]!.abs), policy), 1));
    for (const [name, probs] of r.perturbed) assert.notDeepEqual(probs, r.clean, name);
  });

  it('seeds each perturbation by file and table position, whatever else is selected', async () => {
    const files = await dataset();
    const all = await predictPerturbed(files, policy, fakePredict(), { seed: 5 });
    const some = await predictPerturbed(files, policy, fakePredict(), { seed: 5, names: ['rotate', 'noise'] });
    assert.deepEqual([...some.perturbed.keys()], ['noise', 'rotate']);
    assert.deepEqual(some.perturbed.get('noise'), all.perturbed.get('noise'));
    assert.deepEqual(some.perturbed.get('rotate'), all.perturbed.get('rotate'));
    const other = await predictPerturbed(files, policy, fakePredict(), { seed: 6, names: ['noise', 'contrast-low'] });
    assert.notDeepEqual(other.perturbed.get('noise'), all.perturbed.get('noise'), 'another seed, other noise');
    assert.deepEqual(other.perturbed.get('contrast-low'), all.perturbed.get('contrast-low'), 'the deterministic ones do not change');
    assert.deepEqual(other.clean, all.clean);
  });

  it('stops between chunks when cancelled', async () => {
    const files = await dataset();
    const calls: number[] = [];
    let cancelled = false;
    await assert.rejects(predictPerturbed(files, policy, async (px, n) => {
      cancelled = true;
      return fakePredict(calls)(px, n);
    }, { seed: 1, chunkSize: 2, isCancelled: () => cancelled }), CancelledError);
    assert.deepEqual(calls, [2], 'no prediction after the cancel');
  });
});
