/**
 * NIfTI volumes written by the tests (NIfTI-1 and -2, gzipped and not, two storage orders) come out as slices in
 * the documented order and radiological layout; the data types, scaling, the window and the 4-D rule.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { autoWindow } from '../../server/data/volume/autoWindow';
import { openNifti } from '../../server/data/volume/niftiVolume';
import { readNifti } from '../../server/data/volume/niftiFile';
import { axialStack, DT, generatedSlices, gz, niftiBytes, permutedStack } from '../fixtures/nifti';
import { write } from '../fixtures/images';

const W = 40, H = 32, N = 6;

describe('NIfTI volumes', () => {
  let tmp: string;
  let images: Uint8Array[];
  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bt-nifti-'));
    images = await generatedSlices(N, W, H, ['circle', 'square', 'triangle', 'none']);
    // A distinct marker per slice: slice k has k + 1 white pixels in its top row, from the image's left.
    images.forEach((img, k) => { for (let x = 0; x <= k; x++) img[x] = 255; });
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const sameImage = (got: { data: Uint8Array; width: number; height: number }, want: Uint8Array, what: string) => {
    assert.equal(got.width, W, what);
    assert.equal(got.height, H, what);
    assert.ok(Buffer.from(got.data).equals(Buffer.from(want)), `${what}: pixels differ`);
  };

  for (const variant of [
    { name: 'NIfTI-1 .nii, RAS sform', version: 1 as const, file: 'ras.nii', stack: axialStack, zip: false },
    { name: 'NIfTI-1 .nii.gz, RAS sform', version: 1 as const, file: 'ras.nii.gz', stack: axialStack, zip: true },
    { name: 'NIfTI-2 .nii.gz, permuted axes (slices first)', version: 2 as const, file: 'perm2.nii.gz', stack: permutedStack, zip: true },
    { name: 'NIfTI-2 .nii, permuted axes', version: 2 as const, file: 'perm2.nii', stack: permutedStack, zip: false },
  ]) {
    it(`axial slices of ${variant.name} come out inferior to superior, patient right on the image left, anterior up`, async () => {
      const s = variant.stack(images, W, H);
      const bytes = niftiBytes({ version: variant.version, dims: s.dims, datatype: DT.uint8, values: s.values, sform: s.sform, calRange: [0, 255], descrip: 'T1 axial test' });
      const file = write(path.join(tmp, variant.file), variant.zip ? gz(bytes) : bytes);
      const v = await openNifti(file, 'axial');
      assert.equal(v.sliceCount, N);
      assert.deepEqual(v.info.dims, [W, H, N]);
      assert.equal(v.info.format, 'nifti');
      assert.equal(v.info.sequence, 'T1');
      assert.equal(v.info.seriesDescription, 'T1 axial test');
      for (let k = 0; k < N; k++) sameImage(v.slice(k), images[k]!, `slice ${k}`);
      // Positions grow with the index (mm toward superior), one voxel apart.
      const positions = [...Array(N).keys()].map((k) => v.position(k)!);
      positions.slice(1).forEach((p, k) => assert.equal(p - positions[k]!, 1));
    });
  }

  it('coronal and sagittal slices of the same volume follow the documented layout', async () => {
    const s = axialStack(images, W, H);
    const file = write(path.join(tmp, 'cut.nii'), niftiBytes({ dims: s.dims, datatype: DT.uint8, values: s.values, sform: s.sform, calRange: [0, 255] }));
    const cor = await openNifti(file, 'coronal');
    assert.equal(cor.sliceCount, H, 'coronal slices run along anterior-posterior');
    assert.deepEqual(cor.info.dims, [W, N, H]);
    for (const c of [0, 5, H - 1]) {
      const img = cor.slice(c);
      // Index 0 = most posterior; rows top (superior) to bottom; image left = patient right.
      for (let r = 0; r < N; r++) for (let x = 0; x < W; x++) assert.equal(img.data[r * W + x], images[N - 1 - r]![(H - 1 - c) * W + x], `coronal ${c} (${x},${r})`);
    }
    const sag = await openNifti(file, 'sagittal');
    assert.equal(sag.sliceCount, W);
    for (const c of [0, 7, W - 1]) {
      const img = sag.slice(c);
      // Index 0 = patient's right-most; image left = anterior, top = superior.
      for (let r = 0; r < N; r++) for (let x = 0; x < H; x++) assert.equal(img.data[r * H + x], images[N - 1 - r]![x * W + c], `sagittal ${c} (${x},${r})`);
    }
    // Positions grow with the index: toward anterior (coronal) and toward the patient's left (sagittal).
    assert.ok(cor.position(1)! > cor.position(0)!);
    assert.ok(sag.position(1)! > sag.position(0)!);
  });

  it('uses the qform when there is no sform, and pixdim (unlocated) when there is neither', async () => {
    const s = axialStack(images, W, H);
    // Identity quaternion: the same RAS axes as the sform above.
    const q = write(path.join(tmp, 'q.nii.gz'), gz(niftiBytes({ dims: s.dims, datatype: DT.uint8, values: s.values, calRange: [0, 255],
      qform: { b: 0, c: 0, d: 0, offset: [0, 0, -3], qfac: 1 } })));
    const vq = await openNifti(q, 'axial');
    for (let k = 0; k < N; k++) sameImage(vq.slice(k), images[k]!, `qform slice ${k}`);
    assert.equal(vq.position(0), -3);
    const p = write(path.join(tmp, 'p.nii'), niftiBytes({ dims: s.dims, datatype: DT.uint8, values: s.values, calRange: [0, 255], pixdim: [1, 1, 2.5] }));
    const vp = await openNifti(p, 'axial');
    for (let k = 0; k < N; k++) sameImage(vp.slice(k), images[k]!, `pixdim slice ${k}`);
    assert.equal(vp.position(0), null, 'no orientation in the file: positions are not reported');
    assert.equal(vp.info.spacing, null);
  });

  it('reads uint8, int16, int32, uint16, float32 and float64 with scl_slope and scl_inter', async () => {
    const raw = [0, 1, 2, 3, 50, 100, 7, 9];
    for (const [name, dt] of Object.entries(DT)) {
      for (const version of [1, 2] as const) {
        const file = write(path.join(tmp, `t-${name}-${version}.nii`), niftiBytes({ version, dims: [2, 2, 2], datatype: dt, values: raw, slope: 2, inter: -5 }));
        const { values, geometry } = await readNifti(file, 'x', () => {});
        assert.equal(geometry.dataType, name);
        assert.deepEqual(Array.from(values), raw.map((v) => v * 2 - 5), `${name} NIfTI-${version}`);
      }
    }
    // A slope of 0 means "no scaling" in the standard.
    const file = write(path.join(tmp, 'noscale.nii'), niftiBytes({ dims: [2, 2, 2], values: raw, slope: 0, inter: 100 }));
    assert.deepEqual(Array.from((await readNifti(file, 'x', () => {})).values), raw);
  });

  it('reads only the first volume of a 4-D file', async () => {
    const vals = [...Array(2 * 2 * 2 * 3).keys()];
    const file = write(path.join(tmp, 'four.nii.gz'), gz(niftiBytes({ dims: [2, 2, 2, 3], values: vals })));
    const r = await readNifti(file, 'x', () => {});
    assert.equal(r.geometry.volumes, 3);
    assert.deepEqual(Array.from(r.values), vals.slice(0, 8));
  });

  it('windows the whole volume by the 0.5-99.5 percentiles of non-zero voxels when the header sets no display range', async () => {
    const values = new Float32Array(2000);
    for (let i = 0; i < 1000; i++) values[1000 + i] = i + 1; // half zeros (background), then 1..1000
    const w = autoWindow(values);
    assert.ok(Math.abs(w.low - 6) <= 1 && Math.abs(w.high - 995) <= 1, JSON.stringify(w));
    const s = axialStack(images, W, H);
    const file = write(path.join(tmp, 'auto.nii'), niftiBytes({ dims: s.dims, datatype: DT.int16, values: Array.from(s.values, (v) => v * 10) }));
    const v = await openNifti(file, 'axial');
    assert.match(v.info.window, /^percentiles 0\.5-99\.5 of non-zero voxels/);
    // One window for every slice: a voxel value gives the same grey in every slice.
    const greyOf = new Map<number, number>();
    for (let k = 0; k < N; k++) {
      const img = v.slice(k);
      images[k]!.forEach((src, i) => {
        const seen = greyOf.get(src);
        if (seen === undefined) greyOf.set(src, img.data[i]!);
        else assert.equal(img.data[i], seen, `value ${src} windowed alike in slice ${k}`);
      });
    }
    assert.equal(greyOf.get(255), 255);
    assert.equal(greyOf.get(0), 0);
  });

  it('stretches slices with non-square pixels along the coarser axis', async () => {
    const s = axialStack(images, W, H);
    const file = write(path.join(tmp, 'thick.nii'), niftiBytes({ dims: s.dims, datatype: DT.uint8, values: s.values, calRange: [0, 255],
      sform: [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 4, 0]] }));
    const cor = await openNifti(file, 'coronal');
    const img = cor.slice(3);
    assert.deepEqual([img.width, img.height], [W, N * 4], '4 mm slices: each row of the coronal cut becomes 4 rows');
    assert.deepEqual(cor.info.spacing, [1, 4, 1]);
  });
});
