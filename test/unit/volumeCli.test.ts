/**
 * `brain-tumor classify` on NIfTI volumes as users run it (node dist/cli.js, the bundled model): --json gives one
 * item with slices[] (index, predicted, probabilities), the text output a slice table and a summary, --csv a row
 * per slice, --orientation cuts the other way; a bad --orientation is a usage error.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ClassifiedImage, ClassifyResult } from '../../server/protocol';
import { axialStack, DT, generatedSlices, gz, niftiBytes } from '../fixtures/nifti';
import { write } from '../fixtures/images';
import { runCli } from '../fixtures/runCli';

const W = 96, H = 80, N = 12;

describe('brain-tumor classify on volumes', () => {
  let tmp: string;
  let file: string;
  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bt-cli-volume-'));
    const images = await generatedSlices(N, W, H, ['circle', 'square', 'triangle', 'none']);
    images[0]!.fill(0);
    const s = axialStack(images, W, H);
    file = write(path.join(tmp, 'x.nii.gz'), gz(niftiBytes({ version: 2, dims: s.dims, datatype: DT.int16, values: Array.from(s.values, (v) => v * 4), sform: s.sform, descrip: 'FLAIR' })));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('--json: one item with slices[] each with index, predicted, probabilities', () => {
    const r = runCli(['classify', file, '--json'], { cwd: tmp });
    assert.equal(r.code, 0, r.err);
    const res = JSON.parse(r.out) as ClassifyResult;
    assert.equal(res.items.length, 1);
    const item = res.items[0] as ClassifiedImage;
    assert.equal(item.path, file);
    const v = item.volume!;
    assert.equal(v.info.format, 'nifti');
    assert.equal(v.info.sequence, 'FLAIR');
    assert.deepEqual(v.info.dims, [W, H, N]);
    assert.match(v.info.window, /^percentiles 0\.5-99\.5/);
    assert.equal(v.slices.length, N);
    v.slices.forEach((s, i) => {
      assert.equal(s.index, i);
      assert.ok(['glioma', 'meningioma', 'notumor', 'pituitary'].includes(s.predicted));
      assert.equal(s.probabilities.length, 4);
      assert.equal(s.position, i - N / 2, 'mm along S from the sform');
    });
    assert.equal(v.slices[0]!.empty, true);
    assert.equal(item.predicted, v.slices[v.summary.keySlice]!.predicted);
    assert.equal(res.timing.images, N);
  });

  it('text: the volume line, the summary and the slice table; --all-slices lists every slice', () => {
    const r = runCli(['classify', file], { cwd: tmp });
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^x\.nii\.gz {2}\S/m);
    assert.match(r.out, /volume: NIfTI, 12 axial slices of 96 x 80 px, 1 x 1 x 1 mm; window: percentiles 0\.5-99\.5 of non-zero voxels .*; FLAIR/);
    assert.match(r.out, /summary: (no tumour slice among 12 \(1 empty slices not counted\)|\S+ in slices \d+-\d+; \d+ tumour slices of 12 \(1 empty slices not counted\)); key slice \d+/);
    const all = runCli(['classify', file, '--all-slices'], { cwd: tmp });
    assert.equal(all.code, 0, all.err);
    const rows = all.out.split('\n').filter((l) => /^ {6} +\d+ +-?\d+(\.\d+)? mm /.test(l));
    assert.equal(rows.length, N, all.out);
    assert.match(rows[0]!, /\(empty, not counted/);
  });

  it('--csv: a row per slice with its index; --orientation coronal cuts the other way', () => {
    const csv = runCli(['classify', file, '--csv', '--orientation', 'coronal'], { cwd: tmp });
    assert.equal(csv.code, 0, csv.err);
    const lines = csv.out.trimEnd().split('\r\n');
    assert.equal(lines.length, 1 + H);
    assert.match(lines[0]!, /^path,status,predicted,.*,error,slice,position_mm$/);
    assert.equal(lines[H]!.split(',').at(-2), String(H - 1));
    const bad = runCli(['classify', file, '--orientation', 'oblique'], { cwd: tmp });
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--orientation must be one of axial, coronal, sagittal; got "oblique"/);
  });

  it('a volume over the slice limit fails with its message and exit 1', () => {
    const big = write(path.join(tmp, 'tall.nii'), niftiBytes({ dims: [8, 8, 600], datatype: DT.uint8, values: new Uint8Array(8 * 8 * 600) }));
    const r = runCli(['classify', big, '--json'], { cwd: tmp });
    assert.equal(r.code, 1);
    const item = (JSON.parse(r.out) as ClassifyResult).items[0]!;
    assert.ok(!item.ok);
    assert.equal(item.kind, 'too-large');
    assert.match(item.error, /Cannot classify the volume tall\.nii: tall\.nii has 600 axial slices; volumes of at most 512 slices are classified/);
  });
});
