/**
 * DICOM volumes written by the tests (dcmjs): a series folder whose file names and instance numbers are not in
 * anatomical order comes out sorted by position along the slice normal, windowed by its own VOI window; a
 * multi-frame file is a volume; a folder of two series is refused with its message; classification gives one
 * item per series folder.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { findVolumes, openVolume } from '../../server/data/volume/findVolumes';
import { resolvePreference } from '../../server/engine/chooseBackend';
import { startEngine } from '../../server/engine/startEngine';
import { classifyImages } from '../../server/infer/classifyImages';
import { ModelStore } from '../../server/infer/modelStore';
import type { ClassifiedImage } from '../../server/protocol';
import { writeDicom } from '../fixtures/dicomFiles';
import { write } from '../fixtures/images';
import { writeModelFolder } from '../fixtures/modelFolder';
import { generatedSlices } from '../fixtures/nifti';

const W = 48, H = 40, N = 6;
const WASM_DIR = path.resolve(__dirname, '../../../dist/wasm');
/** File k holds the slice at z = Z[k] mm (not in name order); its marker is k + 1 white pixels. */
const Z = [5, -2.5, 10, 0, 2.5, 7.5];

describe('DICOM volumes', () => {
  let tmp: string;
  let images: Uint8Array[];
  let series: string;
  const list = (dir: string) => fs.readdirSync(dir).map((f) => path.join(dir, f)).sort();

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bt-dicomvol-'));
    images = await generatedSlices(N, W, H, ['circle', 'square', 'triangle', 'none']);
    images.forEach((img, k) => { for (let x = 0; x <= k; x++) img[x] = 255; });
    series = path.join(tmp, 'series');
    for (let k = 0; k < N; k++) {
      write(path.join(series, `IM${k}.dcm`), await writeDicom({ syntax: 'explicit', rows: H, columns: W, frames: [images[k]!], attributes: {
        SeriesInstanceUID: '2.25.100', InstanceNumber: String(N - k), ImagePositionPatient: [-W / 2, -H / 2, Z[k]], ImageOrientationPatient: [1, 0, 0, 0, 1, 0],
        PixelSpacing: [1, 1], SliceThickness: 2.5, WindowCenter: 128, WindowWidth: 256, SeriesDescription: 'AX T2 FLAIR', PatientName: 'Doe^Jane' } }));
    }
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('sorts a series by position along the normal and windows it with its VOI window', async () => {
    const found = await findVolumes(list(series));
    assert.deepEqual(found.images, []);
    assert.equal(found.volumes.length, 1);
    assert.equal(found.volumes[0]!.kind, 'dicom-series');
    const v = await openVolume(found.volumes[0]!, 'axial');
    assert.equal(v.info.format, 'dicom-series');
    assert.equal(v.info.modality, 'MR');
    assert.equal(v.info.seriesDescription, 'AX T2 FLAIR');
    assert.equal(v.info.window, 'DICOM window 128/256');
    assert.ok(!JSON.stringify(v.info).includes('Doe'), 'nothing identifying in the volume info');
    const order = [...Z.keys()].sort((a, b) => Z[a]! - Z[b]!);
    order.forEach((k, i) => {
      const img = v.slice(i);
      assert.equal(v.position(i), Z[k]);
      const want = images[k]!.map((p) => Math.max(0, Math.min(255, Math.round((p / 256) * 255))));
      assert.ok(Buffer.from(img.data).equals(Buffer.from(want)), `slice ${i} is file ${k}, as stored, windowed`);
    });
    const cor = await openVolume(found.volumes[0]!, 'coronal');
    assert.equal(cor.sliceCount, H);
    assert.deepEqual(cor.info.spacing, [1, 2.5, 1]);
  });

  it('reads a multi-frame file as a volume', async () => {
    const file = write(path.join(tmp, 'multi', 'mf.dcm'), await writeDicom({ syntax: 'explicit', rows: H, columns: W, frames: images, attributes: {
      ImagePositionPatient: [0, 0, 0], ImageOrientationPatient: [1, 0, 0, 0, 1, 0], PixelSpacing: [1, 1], SliceThickness: 3 } }));
    const found = await findVolumes([file]);
    assert.equal(found.volumes[0]!.kind, 'dicom-multiframe');
    const v = await openVolume(found.volumes[0]!, 'axial');
    assert.equal(v.sliceCount, N);
    assert.equal(v.position(2), 6);
    for (let k = 0; k < N; k++) assert.equal(v.slice(k).data.subarray(0, W).filter((p) => p >= 250).length, k + 1, `frame ${k} in file order`);
  });

  it('refuses a folder of two series; keeps lone DICOM images and slices without a position as images', async () => {
    const two = path.join(tmp, 'two');
    for (let k = 0; k < 4; k++) {
      write(path.join(two, `s${k}.dcm`), await writeDicom({ syntax: 'explicit', rows: H, columns: W, frames: [images[k]!],
        attributes: { SeriesInstanceUID: k < 2 ? '2.25.1' : '2.25.2', InstanceNumber: String(k), ImagePositionPatient: [0, 0, k], ImageOrientationPatient: [1, 0, 0, 0, 1, 0] } }));
    }
    const lone = path.join(tmp, 'lone');
    for (let k = 0; k < 2; k++) {
      write(path.join(lone, `k${k}.dcm`), await writeDicom({ syntax: 'explicit', rows: H, columns: W, frames: [images[k]!],
        attributes: { SeriesInstanceUID: `2.25.9${k}`, ImagePositionPatient: [0, 0, k], ImageOrientationPatient: [1, 0, 0, 0, 1, 0] } }));
    }
    // One series, but no position: such files cannot be stacked and stay images.
    const flat = path.join(tmp, 'flat');
    for (let k = 0; k < 3; k++) write(path.join(flat, `f${k}.dcm`), await writeDicom({ syntax: 'explicit', rows: H, columns: W, frames: [images[k]!] }));
    const found = await findVolumes([...list(two), ...list(lone), ...list(flat)]);
    assert.deepEqual(found.refused.map((r) => r.error), [`${two} holds 2 DICOM series (2, 2 slices); classify one series folder at a time (move each series into its own folder).`]);
    assert.deepEqual(found.images, [...list(lone), ...list(flat)]);
    assert.deepEqual(found.volumes, []);
  });

  it('classifies a series folder as one item with a slice per file', async () => {
    await startEngine({ preference: resolvePreference({ flag: 'wasm' }), threads: 0, wasmDir: WASM_DIR });
    const store = new ModelStore();
    try {
      const loaded = await store.get(await writeModelFolder(path.join(tmp, 'model'), 5));
      const r = await classifyImages([series], loaded, { explain: false, withInput: false, threshold: 0.7, backend: 'wasm' });
      assert.equal(r.items.length, 1);
      const item = r.items[0] as ClassifiedImage;
      assert.equal(item.path, series);
      assert.equal(item.volume!.slices.length, N);
      assert.deepEqual(item.volume!.slices.map((s) => s.position), [...Z].sort((a, b) => a - b));
      assert.equal(item.volume!.info.sequence, 'FLAIR');
    } finally {
      store.dispose();
    }
  });
});
