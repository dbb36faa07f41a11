/**
 * Classification of volumes in process, on a small untrained model: a NIfTI file is ONE item with every slice;
 * each slice gets exactly what the same picture as a PNG file gets (one preprocessing policy); empty slices are
 * listed but do not drive the summary; progress counts slices; cancel mid-volume and explain leave no tensors.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import * as tf from '@tensorflow/tfjs-core';
import { CancelledError } from '../../server/cancelled';
import { resolvePreference } from '../../server/engine/chooseBackend';
import { startEngine } from '../../server/engine/startEngine';
import { classifyImages } from '../../server/infer/classifyImages';
import { ModelStore } from '../../server/infer/modelStore';
import { toCsv } from '../../server/infer/resultsCsv';
import { summarizeSlices } from '../../server/infer/volumeSummary';
import type { ClassifiedImage, ClassifiedSlice, DistributionCheck } from '../../server/protocol';
import { axialStack, DT, generatedSlices, gz, niftiBytes } from '../fixtures/nifti';
import { write } from '../fixtures/images';
import { writeModelFolder } from '../fixtures/modelFolder';

const WASM_DIR = path.resolve(__dirname, '../../../dist/wasm');
const W = 64, H = 56, N = 40;
const CLASSES = ['glioma', 'meningioma', 'notumor', 'pituitary'];

describe('classifying volumes', () => {
  let tmp: string;
  let store: ModelStore;
  let modelDir: string;
  let images: Uint8Array[];
  let volume: string;
  const opts = { explain: false, withInput: false, threshold: 0.7, backend: 'wasm' as const };

  before(async () => {
    await startEngine({ preference: resolvePreference({ flag: 'wasm' }), threads: 0, wasmDir: WASM_DIR });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bt-volclass-'));
    modelDir = await writeModelFolder(path.join(tmp, 'model'), 3);
    store = new ModelStore();
    images = await generatedSlices(N, W, H, ['circle', 'square', 'triangle', 'none']);
    for (let k = 0; k < 3; k++) images[k]!.fill(0); // three empty slices below the head
    const s = axialStack(images, W, H);
    volume = write(path.join(tmp, 'vols', 'brain_t1.nii.gz'), gz(niftiBytes({ dims: s.dims, datatype: DT.uint8, values: s.values, sform: s.sform, calRange: [0, 255] })));
  });
  after(() => { store.dispose(); fs.rmSync(tmp, { recursive: true, force: true }); });

  it('gives one item with every slice; each slice is classified exactly as the same picture in a PNG file', async () => {
    const loaded = await store.get(modelDir);
    const progress: [number, number][] = [];
    const r = await classifyImages([volume], loaded, { ...opts, onProgress: (d, t) => progress.push([d, t]) });
    assert.equal(r.items.length, 1);
    const item = r.items[0] as ClassifiedImage;
    assert.ok(item.ok && item.volume, JSON.stringify(item).slice(0, 300));
    const v = item.volume;
    assert.equal(v.info.format, 'nifti');
    assert.equal(v.info.orientation, 'axial');
    assert.equal(v.info.sequence, 'T1', 'from the file name');
    assert.deepEqual(v.slices.map((s) => s.index), [...Array(N).keys()]);
    assert.deepEqual(progress.at(-1), [N, N], 'progress counts slices');
    assert.equal(r.timing.images, N);
    for (const s of v.slices) {
      assert.ok(CLASSES.includes(s.predicted));
      assert.equal(s.probabilities.length, 4);
      assert.ok(Math.abs(s.probabilities.reduce((a, b) => a + b, 0) - 1) < 1e-4);
      assert.equal(s.empty, s.index < 3, `slice ${s.index} empty`);
    }
    // The key slice describes the item.
    const key = v.slices[v.summary.keySlice]!;
    assert.equal(item.predicted, key.predicted);
    assert.deepEqual(item.probabilities, key.probabilities);
    assert.ok(!key.empty);
    // The same slices as PNG files through the image path: identical probabilities.
    const pngDir = path.join(tmp, 'pngs');
    for (let k = 0; k < N; k++) {
      write(path.join(pngDir, `s${String(k).padStart(2, '0')}.png`), await sharp(Buffer.from(images[k]!), { raw: { width: W, height: H, channels: 1 } }).png().toBuffer());
    }
    const flat = await classifyImages([pngDir], loaded, opts);
    flat.items.forEach((it, k) => {
      assert.ok(it.ok);
      assert.deepEqual(it.probabilities, v.slices[k]!.probabilities, `slice ${k}`);
    });
  });

  it('slices along the requested orientation; explain and input per slice; tensors stay flat', async () => {
    const loaded = await store.get(modelDir);
    await classifyImages([volume], loaded, { ...opts, explain: true }); // warm-up: Grad-CAM builds its model once
    const before = tf.memory().numTensors;
    const r = await classifyImages([volume], loaded, { ...opts, explain: true, withInput: true, orientation: 'coronal' });
    assert.equal(tf.memory().numTensors, before);
    const item = r.items[0] as ClassifiedImage;
    assert.equal(item.volume!.info.orientation, 'coronal');
    assert.equal(item.volume!.slices.length, H);
    for (const s of item.volume!.slices) {
      assert.ok(s.heatmap && s.heatmap.values.length === s.heatmap.width * s.heatmap.height);
      assert.match(s.input!, /^data:image\/png;base64,/);
    }
    assert.match(item.original!.image!, /^data:image\/png;base64,/, 'the key slice itself, for display');
  });

  it('cancel mid-volume stops between batches and leaves no tensors', async () => {
    const loaded = await store.get(modelDir);
    const before = tf.memory().numTensors;
    let batches = 0;
    await assert.rejects(classifyImages([volume], loaded, {
      ...opts, isCancelled: () => batches >= 1, onProgress: (done) => { if (done > 0) batches++; },
    }), CancelledError);
    assert.equal(batches, 1, 'one batch of 32 slices ran, then the cancel was seen');
    assert.equal(tf.memory().numTensors, before);
  });

  it('a folder with a volume and images gives one item per image and one for the volume; CSV has a row per slice', async () => {
    const loaded = await store.get(modelDir);
    const dir = path.join(tmp, 'mixed');
    fs.cpSync(volume, path.join(dir, 'sub', 'v.nii.gz'));
    for (const k of [5, 6]) write(path.join(dir, `img${k}.png`), await sharp(Buffer.from(images[k]!), { raw: { width: W, height: H, channels: 1 } }).png().toBuffer());
    write(path.join(dir, 'broken.nii'), 'not a volume at all, just some text long enough to pass for a header maybe'.repeat(10));
    const r = await classifyImages([dir], loaded, opts);
    assert.equal(r.items.length, 4);
    const failed = r.items.find((i) => !i.ok)!;
    assert.ok(!failed.ok);
    assert.equal(failed.kind, 'corrupt');
    assert.match(failed.error, /^Cannot classify the volume broken\.nii: broken\.nii is not a NIfTI file/);
    assert.equal(r.items.filter((i) => i.ok && i.volume).length, 1);
    const csv = toCsv(r.items, CLASSES).trimEnd().split('\r\n');
    assert.equal(csv.length, 1 + 1 + 2 + N, 'header, the failure, two images, one row per slice');
    assert.match(csv[0]!, /,error,slice,position_mm$/);
    const sliceRows = csv.filter((l) => l.includes('v.nii.gz'));
    assert.deepEqual(sliceRows.map((l) => l.split(',').at(-2)), [...Array(N).keys()].map(String));
    assert.ok(sliceRows[0]!.split(',').at(-1)!.length > 0, 'the position in mm');
  });

  it('summarises by the documented rule: empty and uncertain slices never count', () => {
    const slice = (index: number, predicted: ClassifiedSlice['predicted'], confidence: number, uncertain = false): ClassifiedSlice =>
      ({ index, position: null, predicted, probabilities: [], confidence, uncertain, uncertainReasons: [], heatmap: null, input: null });
    const dist = (content: number) => ({ content } as DistributionCheck);
    const slices = [slice(0, 'glioma', 0.99), slice(1, 'notumor', 0.9), slice(2, 'meningioma', 0.8), slice(3, 'meningioma', 0.85),
      slice(4, 'glioma', 0.95), slice(5, 'glioma', 0.6, true), slice(6, 'meningioma', 0.7), slice(7, 'notumor', 0.97)];
    const content = [0.01, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.02];
    const s = summarizeSlices(slices, content.map(dist));
    assert.deepEqual(s, { tumourSlices: [2, 3, 4, 6], predicted: 'meningioma', sliceRange: [2, 6], keySlice: 3 });
    const none = summarizeSlices([slice(0, 'glioma', 0.9), slice(1, 'notumor', 0.8), slice(2, 'notumor', 0.95)], [dist(0), dist(0.4), dist(0.4)]);
    assert.deepEqual(none, { tumourSlices: [], predicted: 'notumor', sliceRange: null, keySlice: 2 });
    const allEmpty = summarizeSlices([slice(0, 'glioma', 0.9), slice(1, 'glioma', 0.9), slice(2, 'glioma', 0.9)], [dist(0), dist(0), dist(0)]);
    assert.deepEqual(allEmpty, { tumourSlices: [], predicted: 'notumor', sliceRange: null, keySlice: 1 });
  });
});
