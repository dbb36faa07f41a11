/**
 * Consistency on real images: 50 Kaggle Testing slices (every 26th file of the sorted Testing split, across the
 * four classes) converted by the test to DICOM, uncompressed (Explicit VR Little Endian) and compressed
 * losslessly (JPEG-LS), classify with the bundled model to the same class as their JPEGs, with every probability
 * within 0.01. The conversion keeps the decoded 8-bit pixels (grey as MONOCHROME2, colour as RGB) and no window,
 * as img2dcm-like converters write them. One CLI call classifies all 150 files.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { decodeImage } from '../../server/data/preprocess';
import type { ClassifiedImage, ClassifyResult } from '../../server/protocol';
import { writeDicom, type SyntaxName } from '../fixtures/dicomFiles';
import { write } from '../fixtures/images';
import { runCli } from '../fixtures/runCli';

const DATA = process.env.BRAIN_TUMOR_DATASET ?? path.resolve(__dirname, '../../../../shared/datasets/brain-tumor-mri');

describe('DICOM consistency on 50 Kaggle Testing slices', { timeout: 600_000 }, () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bt-dicom-kaggle-'));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('uncompressed and JPEG-LS DICOM give the JPEG\'s class and probabilities within 0.01', async () => {
    const testing = path.join(DATA, 'Testing');
    assert.ok(fs.existsSync(testing), `the shared dataset is missing at ${DATA}: CI and developers have ../shared beside the checkout (or set BRAIN_TUMOR_DATASET)`);
    const all = fs.readdirSync(testing).sort().flatMap((c) => fs.readdirSync(path.join(testing, c)).sort().map((f) => path.join(testing, c, f)));
    const picked = Array.from({ length: 50 }, (_, i) => all[i * 26]!);
    assert.equal(new Set(picked.map((p) => path.basename(path.dirname(p)))).size, 4, 'all four classes');
    const syntaxes: SyntaxName[] = ['explicit', 'jpegLs'];
    for (const [i, file] of picked.entries()) {
      const img = await decodeImage(fs.readFileSync(file));
      for (const syntax of syntaxes) {
        write(path.join(tmp, syntax, `${String(i).padStart(2, '0')}.dcm`), await writeDicom({ syntax, rows: img.height, columns: img.width,
          frames: [img.data], samplesPerPixel: img.channels }));
      }
    }
    const r = runCli(['classify', ...picked, path.join(tmp, 'explicit'), path.join(tmp, 'jpegLs'), '--json'], { timeoutMs: 500_000 });
    assert.equal(r.code, 0, r.err);
    const items = (JSON.parse(r.out) as ClassifyResult).items;
    assert.equal(items.length, 150);
    assert.ok(items.every((x) => x.ok), JSON.stringify(items.find((x) => !x.ok)));
    const ok = items.filter((x): x is ClassifiedImage => x.ok); // all of them: checked above
    const [jpegs, explicit, jpegLs] = [0, 1, 2].map((k) => ok.slice(k * 50, k * 50 + 50));
    let worst = 0;
    for (const [name, dicoms] of [['explicit', explicit!], ['jpegLs', jpegLs!]] as const) {
      dicoms.forEach((d, i) => {
        const j = jpegs![i]!;
        assert.equal(d.predicted, j.predicted, `${name} ${i} (${path.basename(picked[i]!)})`);
        d.probabilities.forEach((p, c) => { worst = Math.max(worst, Math.abs(p - j.probabilities[c]!)); });
      });
    }
    console.log(`# DICOM vs JPEG: largest probability difference ${worst.toFixed(5)} over 100 DICOM files`);
    assert.ok(worst <= 0.01, `largest probability difference ${worst}`);
  });
});
