/**
 * Preprocessing policy version 2 (head histogram equalisation, server/data/intensity.ts) beside version 1: version 1
 * gives byte for byte what it gave before version 2 existed (so every saved model classifies exactly as before); the
 * equalisation's table; its invariance to the monotone perturbations of `evaluate --perturb` on real Kaggle images.
 */
import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { equalizeHeadTable, headEdge, normalizeIntensityBytes } from '../../server/data/intensity';
import {
  decodeImage, DEFAULT_POLICY, policyFor, policyKey, preprocessDecoded, preprocessImage, validatePolicy,
} from '../../server/data/preprocess';
import { seededRandom } from '../../server/data/splitDataset';
import { PERTURBATIONS } from '../../server/eval/perturb';
import { DEFAULT_AUGMENT, NO_INTENSITY } from '../../server/train/augment';
import { DEFAULT_TRAIN_CONFIG, resolveTrainConfig } from '../../server/train/trainConfig';
import type { PerturbationName } from '../../server/protocol';

const KAGGLE = process.env.BRAIN_TUMOR_DATASET ?? path.resolve(__dirname, '../../../../shared/datasets/brain-tumor-mri');
const testing = (f: string) => fs.readFileSync(path.join(KAGGLE, 'Testing', f));
const SAMPLES = ['glioma/Te-gl_0010.jpg', 'meningioma/Te-me_0010.jpg', 'notumor/Te-no_0010.jpg', 'pituitary/Te-pi_0010.jpg'];
const sha = (px: Uint8Array) => crypto.createHash('sha256').update(px).digest('hex');
const V2 = policyFor(128, 1, 'equalize-head');

function meanAbsDiff(a: Uint8Array, b: Uint8Array): number {
  assert.equal(a.length, b.length);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! - b[i]!);
  return s / a.length;
}

describe('preprocessing policy version 1, unchanged', () => {
  it('keeps its cache keys and its pixels byte for byte (digests taken with the code before version 2, commit 352263c)', async () => {
    assert.equal(policyKey(DEFAULT_POLICY), 'v1-128px-1ch-dac4eb062b');
    assert.equal(policyKey({ ...DEFAULT_POLICY, size: 64 }), 'v1-64px-1ch-78f7a46af4');
    const expected = [
      'bda9a48814d3934f8f4b869a76aada60dbc6524e4dcc34c45ac5d2f0ad1d31f3', '3b79d49108bc0908bbdf7ed0a9e929d24f12352c4c388b24b57270db989773a8',
      'b25e04dfedd0031747dfb733021cb5c4927971437e8c026cae3325d2ec920168', '4a9d82bc30bfabf9a14eae850b16f984750b81444fbef8e4d9350920fdc52ece',
    ];
    for (const [i, f] of SAMPLES.entries()) assert.equal(sha(await preprocessImage(testing(f), DEFAULT_POLICY)), expected[i], f);
  });

  it('is what training with intensity none makes, and version 2 what it makes by default', () => {
    assert.deepEqual(policyFor(128, 1, 'none'), DEFAULT_POLICY);
    assert.deepEqual(policyFor(96, 3, 'equalize-head'), { ...DEFAULT_POLICY, size: 96, channels: 3, version: 2, intensity: 'equalize-head' });
    // A run saved before the setting existed resumes with version 1's behaviour.
    assert.equal(resolveTrainConfig({ epochs: 3 }, { saved: true }).intensity, 'none');
    // Asking for policy 1 gives its whole recipe: the intensity augmentation that makes it robust comes with it.
    const v1 = resolveTrainConfig({ intensity: 'none' });
    assert.deepEqual(v1.augment, DEFAULT_AUGMENT);
    assert.equal(resolveTrainConfig({ intensity: 'none', augment: { noise: 0 } }).augment.gamma, DEFAULT_AUGMENT.gamma);
    assert.throws(() => resolveTrainConfig({ intensity: 'clahe' }), /intensity must be one of none, equalize-head; got "clahe"/);
  });
});

describe('policy version 2: validation and keys', () => {
  it('is the default since it was measured better (docs/training-recipe.md), with the intensity augmentation off', () => {
    const c = resolveTrainConfig({});
    assert.equal(c.intensity, 'equalize-head');
    assert.deepEqual(c.augment, { ...DEFAULT_AUGMENT, ...NO_INTENSITY });
    assert.deepEqual(c, DEFAULT_TRAIN_CONFIG);
    // Geometry, contrast and brightness stay: they are not intensity curves alone (flip, warp, clipping).
    assert.ok(c.augment.flip && c.augment.rotateDeg > 0 && c.augment.contrast > 0);
    assert.equal(resolveTrainConfig({ augment: true }).augment.gamma, 0, 'true means the default of the policy');
  });

  it('accepts version 2 with its step and refuses what would be misread', () => {
    assert.deepEqual(validatePolicy({ ...V2 }), V2);
    assert.throws(() => validatePolicy({ ...DEFAULT_POLICY, version: 2 }), /intensity undefined/);
    assert.throws(() => validatePolicy({ ...V2, intensity: 'clahe' }), /intensity clahe/);
    assert.throws(() => validatePolicy({ ...DEFAULT_POLICY, intensity: 'equalize-head' }), /intensity equalize-head/);
    assert.throws(() => validatePolicy({ ...V2, version: 3 }), /version 3/);
    assert.match(policyKey(V2), /^v2-128px-1ch-[0-9a-f]{10}$/);
    assert.notEqual(policyKey(V2).slice(3), policyKey(DEFAULT_POLICY).slice(3));
  });
});

describe('head histogram equalisation', () => {
  it('maps the background to 0 and the head over threshold+1..255 by mid-rank, increasing', () => {
    // 100 background pixels at 0-3, then 100 each at 150, 160, 200, 210: four equal shares of the head.
    const img = Uint8Array.from([[0, 3, 1, 2], [150], [160], [200], [210]].flatMap((levels) => Array.from({ length: 100 }, (_, i) => levels[i % levels.length]!)));
    const hist = new Float64Array(256);
    for (const v of img) hist[v]!++;
    const edge = headEdge(hist);
    assert.ok(edge >= 3 && edge < 150, `the edge ${edge} lies between background and head`);
    const t = equalizeHeadTable(img, 12);
    assert.deepEqual([t[0], t[1], t[2], t[3]], [0, 0, 0, 0]);
    // mid-ranks 1/8, 3/8, 5/8, 7/8 of the span 13..255 (242 levels)
    assert.deepEqual([t[150], t[160], t[200], t[210]], [1, 3, 5, 7].map((k) => 13 + Math.round((242 * k) / 8)));
    for (let q = edge + 2; q < 256; q++) assert.ok(t[q]! >= t[q - 1]!, `non-decreasing at ${q}`);
  });

  it('gives the same image for any strictly increasing curve of the head (a synthetic slice)', () => {
    const img = new Uint8Array(64 * 64);
    for (let i = 0; i < img.length; i++) img[i] = i % 64 < 20 ? i % 5 : 100 + ((i * 7) % 101);
    // Strictly increasing after rounding too (slope >= 1), so no two levels merge: a curve no quantisation blurs.
    const curved = img.map((v) => (v <= 12 ? v : v + Math.round(0.001 * (v - 13) ** 2)));
    const a = normalizeIntensityBytes(Uint8Array.from(img), 'equalize-head', 12);
    assert.deepEqual(a, normalizeIntensityBytes(curved, 'equalize-head', 12));
    assert.ok(a.some((v) => v > 250) && a.filter((v) => v > 0).every((v) => v > 12), 'the head spans 13..255');
  });

  it('leaves an image without a head pixel alone, and does nothing for `none`', () => {
    const dark = new Uint8Array(50).fill(9);  // one level: no background/head split
    assert.deepEqual(normalizeIntensityBytes(Uint8Array.from(dark), 'equalize-head', 12), dark);
    const any = Uint8Array.from([0, 50, 200, 90]);
    assert.deepEqual(normalizeIntensityBytes(Uint8Array.from(any), 'none', 12), any);
  });
});

describe('policy version 2 on real Kaggle images', () => {
  it('changes the image: background 0, the head spread over the grey scale', async () => {
    for (const f of SAMPLES) {
      const v1 = await preprocessImage(testing(f), DEFAULT_POLICY);
      const v2 = await preprocessImage(testing(f), V2);
      assert.equal(v2.length, v1.length);
      assert.ok(meanAbsDiff(v1, v2) > 5, `${f}: the step changes the image`);
      const head = Array.from(v2).filter((v) => v > 12).sort((a, b) => a - b);
      // Equalised: the head's median near the middle of 13..255, whatever the scan's own brightness.
      const median = head[head.length >> 1]!;
      assert.ok(median > 110 && median < 160, `${f}: head median ${median}`);
    }
  });

  it('keeps most of the monotone perturbations of evaluate --perturb from reaching the model (45 Kaggle Testing images)', async () => {
    const files = ['glioma', 'meningioma', 'notumor', 'pituitary'].flatMap((c) =>
      fs.readdirSync(path.join(KAGGLE, 'Testing', c)).sort().filter((_, i) => i % 30 === 0).map((f) => `${c}/${f}`));
    assert.equal(files.length, 45);
    const names: PerturbationName[] = ['contrast-low', 'contrast-high', 'gamma-low', 'gamma-high', 'darker', 'brighter'];
    const sum = Object.fromEntries(names.map((n) => [n, { v1: 0, v2: 0 }]));
    for (const f of files) {
      const raw = await decodeImage(testing(f));
      const clean1 = await preprocessDecoded(raw, DEFAULT_POLICY);
      const clean2 = await preprocessDecoded(raw, V2);
      for (const name of names) {
        const perturbed = await PERTURBATIONS.find((x) => x.name === name)!.apply(raw, 1, seededRandom(1));
        sum[name]!.v1 += meanAbsDiff(clean1, await preprocessDecoded(perturbed, DEFAULT_POLICY)) / files.length;
        sum[name]!.v2 += meanAbsDiff(clean2, await preprocessDecoded(perturbed, V2)) / files.length;
      }
    }
    // Measured: version 1 changes the model input by 18-36 levels on average, version 2 by 1-12 (a few images whose
    // head edge moves account for most of it); a pure gain (darker, brighter) by about 1.
    for (const name of names) {
      const { v1, v2 } = sum[name]!;
      assert.ok(v2 < v1 / 2, `${name}: version 2 changes the input by ${v2.toFixed(1)} levels, version 1 by ${v1.toFixed(1)}`);
    }
    assert.ok(sum.darker!.v2 < 3 && sum.brighter!.v2 < 3, `a gain: ${sum.darker!.v2.toFixed(1)} / ${sum.brighter!.v2.toFixed(1)} levels`);
  });
});
