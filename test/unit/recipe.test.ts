/**
 * The generalising recipe's parts, each on its own: the resnet factory, AdamW against a hand-computed step and
 * against tfjs's Adam at decay 0, its state through a checkpoint round trip, the weight average (EMA), the warm-up
 * cosine schedule, saved configs keeping their old behaviour, and each intensity augmentation (shape, range,
 * seeded, identity at strength 0, and what it does to an image).
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { resolvePreference } from '../../server/engine/chooseBackend';
import { startEngine } from '../../server/engine/startEngine';
import { seededRandom } from '../../server/data/splitDataset';
import { AdamW, decays } from '../../server/train/adamW';
import { augmentInto, DEFAULT_AUGMENT, equalizeHistogram, gaussianBlur, lowResolution, NO_AUGMENT, NO_INTENSITY, remapIntensities } from '../../server/train/augment';
import { jpegArtefacts, jpegQuantTable, randomShallowNetwork } from '../../server/train/styleAugment';
import { buildModel } from '../../server/train/models';
import { DEFAULT_TRAIN_CONFIG, resolveTrainConfig } from '../../server/train/trainConfig';
import { warmupCosineRate, WeightAverage } from '../../server/train/trainer';
import type { AugmentSettings } from '../../server/protocol';

const WASM_DIR = path.resolve(__dirname, '../../../dist/wasm');
let unique = 0;
const named = (values: number[], suffix: string) => tf.variable(tf.tensor1d(values), true, `recipe${unique++}/${suffix}`);

describe('recipe', () => {
  before(async () => {
    await startEngine({ preference: resolvePreference({ flag: 'wasm' }), threads: 0, wasmDir: WASM_DIR });
  });

  describe('resnet', () => {
    it('maps an image batch to class probabilities, with a fixed parameter count whatever the input size', () => {
      const a = buildModel({ name: 'resnet', inputSize: 64, channels: 1, classes: 4, seed: 1 });
      const b = buildModel({ name: 'resnet', inputSize: 128, channels: 1, classes: 4, seed: 1 });
      const p = a.predict(tf.zeros([2, 64, 64, 1])) as tf.Tensor;
      assert.deepEqual(p.shape, [2, 4]);
      const sums = tf.sum(p, 1).arraySync() as number[];
      for (const s of sums) assert.ok(Math.abs(s - 1) < 1e-5);
      assert.equal(a.countParams(), b.countParams());
      assert.equal(a.countParams(), 1_228_220);
      assert.ok(a.layers.some((l) => l.getClassName() === 'Add'), 'has residual connections');
      assert.ok(a.layers.some((l) => l.getClassName() === 'BatchNormalization'));
      tf.dispose(p); a.dispose(); b.dispose();
    });

    it('is the default, and an unknown model name throws', () => {
      assert.equal(DEFAULT_TRAIN_CONFIG.model, 'resnet');
      assert.throws(() => buildModel({ name: 'resnet-9000' as 'resnet', inputSize: 64, channels: 1, classes: 4 }), /Unknown model "resnet-9000"/);
    });
  });

  describe('AdamW', () => {
    it('decays kernels only, by lr * decay, before an Adam step (hand-computed)', () => {
      const w = named([1, -2], 'kernel'), b = named([0.5, 0.5], 'bias');
      const opt = new AdamW(0.1, 0.5);
      const g = [{ name: w.name, tensor: tf.tensor1d([0.3, -0.4]) }, { name: b.name, tensor: tf.tensor1d([0.3, -0.4]) }];
      opt.applyGradients(g);
      // First Adam step: m^ = g, v^ = g^2, so the step is lr * g / (|g| + eps) = 0.1 * sign(g).
      const eps = tf.backend().epsilon();
      const step = (gv: number) => 0.1 * gv / (Math.abs(gv) + eps);
      const wv = w.dataSync(), bv = b.dataSync();
      assert.ok(Math.abs(wv[0]! - (1 * (1 - 0.05) - step(0.3))) < 1e-6, `w0 ${wv[0]}`);
      assert.ok(Math.abs(wv[1]! - (-2 * (1 - 0.05) - step(-0.4))) < 1e-6, `w1 ${wv[1]}`);
      assert.ok(Math.abs(bv[0]! - (0.5 - step(0.3))) < 1e-6, 'no decay of a bias');
      assert.ok(Math.abs(bv[1]! - (0.5 - step(-0.4))) < 1e-6);
      tf.dispose([w, b, ...g.map((x) => x.tensor)]);
      opt.dispose();
      assert.ok(decays('conv2d_Conv2D3/kernel') && decays('dense_Dense1/kernel_2') && !decays('batch_normalization_1/gamma') && !decays('x/bias'));
    });

    it('at decay 0 takes exactly the steps of tfjs Adam', () => {
      const a = named([1, -2, 3], 'kernel'), b = named([1, -2, 3], 'kernel');
      const adamw = new AdamW(0.01, 0), adam = tf.train.adam(0.01);
      for (let i = 0; i < 3; i++) {
        const g = tf.tensor1d([0.1 * (i + 1), -0.2, 0.05]);
        adamw.applyGradients([{ name: a.name, tensor: g }]);
        adam.applyGradients([{ name: b.name, tensor: g }]);
        g.dispose();
      }
      assert.deepEqual(Array.from(a.dataSync()), Array.from(b.dataSync()));
      tf.dispose([a, b]); adamw.dispose(); adam.dispose();
    });

    it('resumes from its saved state exactly as if never stopped', async () => {
      const grads = [[0.1, -0.3], [0.2, 0.1], [-0.5, 0.4], [0.3, 0.3]];
      const run = async (stopAfter: number | null): Promise<number[]> => {
        const v = named([0.7, -0.1], 'kernel');
        let opt = new AdamW(0.05, 0.1);
        for (let i = 0; i < grads.length; i++) {
          if (i === stopAfter) {
            // Through bytes, as a checkpoint on disk holds it.
            const saved = await tf.io.encodeWeights(await opt.getWeights());
            const specs = saved.specs;
            opt.dispose();
            opt = new AdamW(0.05, 0.1);
            const map = tf.io.decodeWeights(saved.data, specs);
            await opt.setWeights(specs.map((s) => ({ name: s.name, tensor: map[s.name]! })));
          }
          const g = tf.tensor1d(grads[i]!);
          opt.applyGradients([{ name: v.name, tensor: g }]);
          g.dispose();
        }
        const out = Array.from(v.dataSync());
        v.dispose(); opt.dispose();
        return out;
      };
      assert.deepEqual(await run(2), await run(null));
    });
  });

  it('averages weights with a ramped-in decay (EMA)', () => {
    const start = [tf.tensor1d([0, 0])];
    const ema = new WeightAverage(0.5, start);
    const w = [tf.tensor1d([10, -10])];
    ema.update(w); // decay min(0.5, 1/10) = 0.1: 0.1 * 0 + 0.9 * 10
    assert.deepEqual(Array.from(ema.weights()[0]!.dataSync()).map((x) => Math.round(x * 1e4) / 1e4), [9, -9]);
    ema.update(w); // min(0.5, 2/11)
    const d = 2 / 11;
    const got = ema.weights()[0]!.dataSync()[0]!;
    assert.ok(Math.abs(got - (d * 9 + (1 - d) * 10)) < 1e-5, `${got}`);
    for (let i = 0; i < 40; i++) ema.update(w);
    assert.ok(Math.abs(ema.weights()[0]!.dataSync()[0]! - 10) < 1e-3, 'converges to constant weights');
    assert.equal(ema.count, 42);
    ema.dispose(); tf.dispose([...start, ...w]);
  });

  it('warms up linearly, then decays by a cosine to zero at the last step', () => {
    const r = (s: number) => warmupCosineRate(2, s, 100, 10);
    assert.equal(r(0), 0.2);
    assert.equal(r(9), 2);
    assert.equal(r(10), 2);
    assert.ok(Math.abs(r(99)) < 1e-12);
    for (let s = 11; s < 100; s++) assert.ok(r(s) < r(s - 1), `falls at ${s}`);
    assert.ok(Math.abs(r(55) - 1) < 0.05, 'half-way down at the middle of the decay');
    assert.equal(warmupCosineRate(1, 0, 10, 0), 1, 'no warm-up: starts at the base rate');
  });

  describe('saved configs', () => {
    it('a run saved before the recipe keeps Adam, the per-epoch cosine, no EMA and no intensity augmentation', () => {
      const old = { model: 'compact', inputSize: 128, channels: 1, epochs: 30, batchSize: 32, learningRate: 0.002, valFraction: 0.15, seed: 42,
        patience: 8, classWeights: false, labelSmoothing: 0.05, augment: { flip: true, rotateDeg: 10, zoom: 0.1, shift: 0.08, brightness: 0.1, contrast: 0.15 } };
      const c = resolveTrainConfig(old, { saved: true });
      assert.equal(c.weightDecay, 0);
      assert.equal(c.schedule, 'cosine-epochs');
      assert.equal(c.ema, 0);
      assert.equal(c.warmupEpochs, 0);
      assert.deepEqual(c.augment, { ...old.augment, ...NO_INTENSITY });
      // The same object as a new request gets today's defaults for what it leaves out.
      const fresh = resolveTrainConfig(old);
      assert.equal(fresh.ema, DEFAULT_TRAIN_CONFIG.ema);
      // Today's default is policy 2, whose intensity augmentation is off; asking for policy 1 brings it back.
      assert.equal(fresh.intensity, 'equalize-head');
      assert.equal(fresh.augment.gamma, 0);
      assert.equal(resolveTrainConfig({ ...old, intensity: 'none' }).augment.gamma, DEFAULT_AUGMENT.gamma);
    });

    it('checks the new settings like the others', () => {
      assert.throws(() => resolveTrainConfig({ schedule: 'linear' }), /schedule must be one of warmup-cosine, cosine-epochs/);
      assert.throws(() => resolveTrainConfig({ ema: 1 }), /ema must be a number from 0 to 0.99999; got 1/);
      assert.throws(() => resolveTrainConfig({ augment: { gamma: -1 } }), /augment.gamma must be a number from 0 to 1.5/);
      assert.equal(resolveTrainConfig({ weightDecay: 0 }).weightDecay, 0);
    });
  });

  describe('intensity augmentation', () => {
    const SIZE = 32;
    /** A smooth gradient with a bright square: mid-tones, edges and detail to change. */
    const image = (): Uint8Array => {
      const px = new Uint8Array(SIZE * SIZE);
      for (let y = 0; y < SIZE; y++) for (let x = 0; x < SIZE; x++) px[y * SIZE + x] = (x >= 12 && x < 20 && y >= 12 && y < 20) ? 240 : 40 + 4 * x;
      return px;
    };
    const run = (cfg: Partial<AugmentSettings>, seed = 3): Float32Array => {
      const out = new Float32Array(SIZE * SIZE);
      augmentInto(image(), SIZE, 1, { ...NO_AUGMENT, ...cfg }, seededRandom(seed), out, 0);
      return out;
    };
    const plain = Float32Array.from(image(), (v) => v / 255);
    const diff = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + Math.abs(v - b[i]!), 0) / a.length;
    /** Energy of the differences between horizontal neighbours: detail (a blur spreads an edge, lowering it). */
    const detail = (a: Float32Array) => { let s = 0; for (let y = 0; y < SIZE; y++) for (let x = 1; x < SIZE; x++) s += (a[y * SIZE + x]! - a[y * SIZE + x - 1]!) ** 2; return s; };

    const STRENGTH = { ...DEFAULT_AUGMENT, equalize: 0.5, remap: 0.5, jpeg: 0.5, randConv: 0.5 }; // the last four are off by default
    for (const k of ['gamma', 'scale', 'noise', 'blur', 'lowRes', 'biasField', 'equalize', 'remap', 'jpeg', 'randConv'] as const) {
      it(`${k}: identity at 0, in 0..1, the same for a seed, and it changes the image`, () => {
        assert.deepEqual(run({ [k]: 0 }), plain);
        // Several seeds: blur, lowRes and biasField apply to 30% of images, equalize and remap by their probability.
        const changed = [1, 2, 3, 4, 5, 6, 7, 8].map((seed) => run({ [k]: STRENGTH[k] }, seed));
        for (const a of changed) assert.ok(a.every((v) => v >= 0 && v <= 1), 'in 0..1');
        assert.deepEqual(run({ [k]: STRENGTH[k] }, 5), changed[4]);
        assert.ok(changed.some((a) => diff(a, plain) > 0.002), `${k} changes some of them`);
      });
    }

    it('at strength 0 draws no random numbers (old runs keep their random stream)', () => {
      let draws = 0;
      const counting = () => { draws++; return 0.7; };
      augmentInto(image(), SIZE, 1, { ...DEFAULT_AUGMENT, ...NO_INTENSITY }, counting, new Float32Array(SIZE * SIZE), 0);
      assert.equal(draws, 7, 'flip, rotation, zoom, two shifts, contrast, brightness');
    });

    it('blur and a resolution drop remove detail; gamma > 1 darkens mid-tones; noise keeps the mean', () => {
      const buf = Float64Array.from(plain);
      gaussianBlur(buf, SIZE, 1, 1.5);
      assert.ok(detail(Float32Array.from(buf)) < detail(plain) * 0.9);
      const low = Float64Array.from(plain);
      lowResolution(low, SIZE, 1, 0.5);
      assert.ok(detail(Float32Array.from(low)) < detail(plain));
      const dark = run({ gamma: 1.5 }, 11), mean = (a: Float32Array) => a.reduce((s, v) => s + v, 0) / a.length;
      const light = run({ gamma: 1.5 }, 12);
      assert.notEqual(Math.sign(mean(dark) - mean(plain)), 0);
      assert.ok(Math.abs(mean(dark) - mean(light)) > 0.01, 'different seeds, different gamma');
      // Equalisation spreads the levels over the whole range; a remapping keeps the background black.
      const eq = Float64Array.from(plain);
      equalizeHistogram(eq);
      assert.ok(Math.max(...eq) === 1 && Math.min(...eq) === 0);
      const withBlack = Float64Array.from(plain);
      withBlack.fill(0, 0, SIZE); // one black row
      remapIntensities(withBlack, seededRandom(9));
      assert.ok(withBlack.subarray(0, SIZE).every((v) => v === 0), 'background stays black');
      assert.ok(diff(Float32Array.from(withBlack), plain) > 0.02);
      // JPEG artefacts: quality 100 keeps the image within rounding, quality 10 flattens the blocks' detail (the
      // quantisation zeroes high frequencies) and costs more than quality 50.
      const jpegAt = (q: number) => { const b = Float64Array.from(plain); jpegArtefacts(b, SIZE, 1, q); return Float32Array.from(b); };
      assert.ok(diff(jpegAt(100), plain) < 0.004, 'quality 100 is near lossless');
      assert.ok(diff(jpegAt(10), plain) > diff(jpegAt(50), plain), 'lower quality, larger error');
      assert.deepEqual([...jpegQuantTable(50).slice(0, 3)], [16, 11, 10], 'quality 50 is the standard table');
      assert.ok(jpegQuantTable(10)[0]! > jpegQuantTable(90)[0]!);
      // The random shallow network keeps black black and the head inside its own range of grey.
      const styled = Float64Array.from(plain);
      styled.fill(0, 0, SIZE);
      const headLo = Math.min(...plain.filter((v) => v > 0.02)), headHi = Math.max(...plain);
      randomShallowNetwork(styled, SIZE, 1, seededRandom(3));
      assert.ok(styled.subarray(0, SIZE).every((v) => v === 0), 'background stays black');
      assert.ok(styled.every((v) => v === 0 || (v >= headLo - 1e-9 && v <= headHi + 1e-9)), 'within the head range');
      assert.ok(diff(Float32Array.from(styled), plain) > 0.005, 'it restyles');
      const noisy = run({ noise: 0.2 }, 4);
      assert.ok(Math.abs(mean(noisy) - mean(plain)) < 0.03 && diff(noisy, plain) > 0.01);
    });
  });
});
