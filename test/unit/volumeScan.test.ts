/**
 * Dataset scans count NIfTI volumes in class folders by their slices (all, the middle one or the middle third),
 * keep images counted as before, report a broken volume as a problem, and say that volumes are not yet trained on.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { scanDataset } from '../../server/data/scanDataset';
import { parseScanParams } from '../../server/data/scanParams';
import { selectSlices } from '../../server/data/volume/scanVolumes';
import { DT, gz, niftiBytes } from '../fixtures/nifti';
import { write, writeSlice } from '../fixtures/images';

describe('dataset scan with volumes', () => {
  let root: string;
  before(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'bt-volscan-'));
    for (let i = 0; i < 3; i++) await writeSlice(path.join(root, 'Training', 'glioma', `g${i}.png`), 'circle', 900 + i, 64);
    await writeSlice(path.join(root, 'Testing', 'notumor', 'n0.png'), 'none', 950, 64);
    write(path.join(root, 'Training', 'glioma', 'vol.nii.gz'), gz(niftiBytes({ dims: [8, 8, 30], datatype: DT.uint8, values: new Uint8Array(8 * 8 * 30) })));
    write(path.join(root, 'Training', 'glioma', 'deep', 'vol2.nii'), niftiBytes({ dims: [8, 8, 9], datatype: DT.uint8, values: new Uint8Array(8 * 8 * 9) }));
    write(path.join(root, 'Testing', 'notumor', 'cor.nii'), niftiBytes({ dims: [8, 7, 5], datatype: DT.uint8, values: new Uint8Array(8 * 7 * 5),
      sform: [[1, 0, 0, 0], [0, 0, 1, 0], [0, 1, 0, 0]] })); // stored coronally: axial slices run along j (7)
    write(path.join(root, 'Testing', 'notumor', 'bad.nii'), 'no header here'.repeat(40));
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('selects all, the middle, or the middle third of a volume\'s slices', () => {
    assert.deepEqual(selectSlices(9, 'all'), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
    assert.deepEqual(selectSlices(9, 'middle'), [4]);
    assert.deepEqual(selectSlices(9, 'middle-third'), [3, 4, 5]);
    assert.deepEqual(selectSlices(30, 'middle-third'), [...Array(10).keys()].map((k) => 10 + k));
    assert.deepEqual(selectSlices(2, 'middle-third'), [0]);
    assert.deepEqual(selectSlices(1, 'middle'), [0]);
  });

  it('counts volumes by their axial slices per split and class, images as before, and says training skips them', async () => {
    const { report } = await scanDataset(root, { cacheDir: null });
    assert.equal(report.totals.files, 4, 'the images only');
    const v = report.volumes!;
    assert.equal(v.selection, 'middle-third');
    assert.deepEqual(v.byClass.sort((a, b) => a.split.localeCompare(b.split)), [
      { split: 'Testing', label: 'notumor', files: 1, slices: 7, selected: 3 },
      { split: 'Training', label: 'glioma', files: 2, slices: 39, selected: 13 },
    ]);
    assert.equal(v.files, 3);
    assert.equal(v.note, '3 volumes (46 slices, 16 selected: middle-third) are counted but not yet used for training: training reads image files, and a multi-frame DICOM file as its first frame only.');
    const bad = report.problems.find((p) => p.rel === 'Testing/notumor/bad.nii')!;
    assert.equal(bad.kind, 'corrupt');
    assert.match(bad.message, /bad\.nii is not a NIfTI file/);
    const all = await scanDataset(root, { cacheDir: null, volumeSlices: 'all' });
    assert.equal(all.report.volumes!.selected, 46);
  });

  it('validates the volumeSlices param', () => {
    assert.equal(parseScanParams({ root }).volumeSlices, 'middle-third');
    assert.equal(parseScanParams({ root, volumeSlices: 'middle' }).volumeSlices, 'middle');
    assert.throws(() => parseScanParams({ root, volumeSlices: 'some' }), /"volumeSlices" must be one of all, middle, middle-third, got "some"/);
  });
});
