/**
 * Consistency on real images: Kaggle Testing JPEGs of one size (so stacking needs no padding, which would change
 * the working resolution), decoded to grey and stacked by this test into NIfTI volumes whose display range
 * (cal_min 0, cal_max 255) keeps every pixel as decoded, are classified by the bundled model slice by slice
 * through the CLI: each slice gets the same class as its JPEG, with probabilities within 0.01. The only
 * difference left is decoding: the JPEG path lets libvips decode at a reduced scale (shrink-on-load), the volume
 * path resizes the full-resolution slice.
 * Testing has no 512 x 512 notumor image (they are small, mostly 225 x 225): the 50-slice volume holds the three
 * tumour classes at 512 x 512, and a second volume holds 12 notumor images of 225 x 225.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { headerSize } from '../../server/data/headerSize';
import { decodeImage } from '../../server/data/preprocess';
import type { ClassifiedImage, ClassifyResult } from '../../server/protocol';
import { axialStack, DT, gz, niftiBytes } from '../fixtures/nifti';
import { write } from '../fixtures/images';
import { runCli } from '../fixtures/runCli';

const DATA = process.env.BRAIN_TUMOR_DATASET ?? path.resolve(__dirname, '../../../../shared/datasets/brain-tumor-mri');

/** The first `count` grey JPEGs of `cls` of side `side`, and their decoded pixels. */
async function pick(cls: string, side: number, count: number): Promise<{ files: string[]; pixels: Uint8Array[] }> {
  const dir = path.join(DATA, 'Testing', cls);
  const out = { files: [] as string[], pixels: [] as Uint8Array[] };
  for (const name of fs.readdirSync(dir).sort()) {
    if (out.files.length === count) break;
    const file = path.join(dir, name);
    const bytes = fs.readFileSync(file);
    const size = headerSize(bytes);
    if (!size || size.width !== side || size.height !== side) continue;
    const img = await decodeImage(bytes);
    if (img.channels !== 1) continue; // a volume is grey: a colour JPEG would change by the luma step
    out.files.push(file);
    out.pixels.push(img.data);
  }
  return out;
}

function compare(volume: string, jpegs: string[]): void {
  const vr = runCli(['classify', volume, '--json'], { timeoutMs: 300_000 });
  assert.equal(vr.code, 0, vr.err);
  const slices = ((JSON.parse(vr.out) as ClassifyResult).items[0] as ClassifiedImage).volume!.slices;
  assert.equal(slices.length, jpegs.length);
  const jr = runCli(['classify', ...jpegs, '--json'], { timeoutMs: 300_000 });
  assert.equal(jr.code, 0, jr.err);
  const items = (JSON.parse(jr.out) as ClassifyResult).items as ClassifiedImage[];
  let worst = 0;
  items.forEach((it, k) => {
    assert.equal(it.path, jpegs[k]);
    assert.equal(slices[k]!.predicted, it.predicted, `${path.basename(it.path)}: the slice says ${slices[k]!.predicted}`);
    it.probabilities.forEach((p, c) => { worst = Math.max(worst, Math.abs(p - slices[k]!.probabilities[c]!)); });
  });
  assert.ok(worst <= 0.01, `largest probability difference ${worst}`);
}

describe('volume consistency with the JPEGs (shared Kaggle Testing images)', { timeout: 600_000 }, () => {
  let tmp: string;
  const jpegs: string[] = [];
  const notumor: string[] = [];
  let volume: string;
  let notumorVolume: string;

  before(async () => {
    assert.ok(fs.existsSync(path.join(DATA, 'Testing')),
      `the shared dataset is missing at ${DATA}: CI and developers have ../shared beside the checkout (or set BRAIN_TUMOR_DATASET)`);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bt-vol-consistency-'));
    const pixels: Uint8Array[] = [];
    for (const [cls, n] of [['glioma', 17], ['meningioma', 17], ['pituitary', 16]] as const) {
      const p = await pick(cls, 512, n);
      jpegs.push(...p.files);
      pixels.push(...p.pixels);
    }
    assert.equal(jpegs.length, 50);
    const s = axialStack(pixels, 512, 512);
    volume = write(path.join(tmp, 'stack.nii.gz'), gz(niftiBytes({ dims: s.dims, datatype: DT.uint8, values: s.values, sform: s.sform, calRange: [0, 255] })));
    const nt = await pick('notumor', 225, 12);
    assert.equal(nt.files.length, 12);
    notumor.push(...nt.files);
    const t = axialStack(nt.pixels, 225, 225);
    notumorVolume = write(path.join(tmp, 'notumor.nii'), niftiBytes({ version: 2, dims: t.dims, datatype: DT.uint8, values: t.values, sform: t.sform, calRange: [0, 255] }));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('gives every slice of the 50-slice volume the class of its JPEG, probabilities within 0.01', () => compare(volume, jpegs));
  it('does the same for a notumor volume of 225 x 225 slices', () => compare(notumorVolume, notumor));
});
