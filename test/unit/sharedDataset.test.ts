/**
 * The real Kaggle dataset in ../shared (CI has it beside the checkout): counts from its README, the five PNG
 * files named .jpg, byte-identical leaks, and near-duplicate leaks compared with its reference list.
 * Reads every image once (about 25 s cold on 2 cores); the scan cache lives in a temp folder.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { scanDataset } from '../../server/data/scanDataset';

const DATA = process.env.BRAIN_TUMOR_DATASET ?? path.resolve(__dirname, '../../../../shared/datasets/brain-tumor-mri');

describe('the shared Kaggle dataset', { timeout: 300_000 }, () => {
  it('has the README counts, the 5 mismatched files and the leaks of the reference list', async () => {
    assert.ok(fs.existsSync(path.join(DATA, 'Training')),
      `the shared dataset is missing at ${DATA}: CI and developers have ../shared beside the checkout (or set BRAIN_TUMOR_DATASET)`);
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bt-shared-'));
    const { report } = await scanDataset(DATA, { cacheDir });
    const counts = Object.fromEntries(report.splits.map((s) => [s.split, Object.fromEntries(Object.entries(s.classes).map(([c, v]) => [c, v.files]))]));
    assert.deepEqual(counts, {
      Testing: { glioma: 300, meningioma: 306, notumor: 405, pituitary: 300 },
      Training: { glioma: 1321, meningioma: 1339, notumor: 1595, pituitary: 1457 },
    });
    assert.equal(report.totals.usable, 7023);
    assert.deepEqual(report.problems.map((p) => `${p.kind} ${p.rel}`).sort(),
      [1005, 1011, 1012, 1019, 1020].map((n) => `extension-mismatch Training/notumor/Tr-no_${n}.jpg`));
    assert.equal(report.distinctSizes, 387);
    assert.equal(report.exactDuplicates.length, 194);
    assert.equal(report.leaks.filter((l) => l.exact).length, 103);

    // The reference list was made with another imaging library; resampling differs a little, so pairs near
    // the threshold may fall either side. Require close agreement, not identity.
    const ref = fs.readFileSync(path.join(DATA, 'testing-near-duplicates.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
    const mine = new Set(report.leaks.map((l) => l.testFile));
    const refClose = ref.filter((r) => Number(r[2]) <= 3);
    const found = refClose.filter((r) => mine.has(r[0]!)).length;
    console.log(`# leaks: ${report.leaks.length} here vs ${ref.length} in the reference list; ${found} of ${refClose.length} reference pairs at distance <= 3 found`);
    assert.ok(Math.abs(report.leaks.length - ref.length) <= 0.1 * ref.length, `leak count ${report.leaks.length} vs ${ref.length}`);
    assert.ok(found >= 0.9 * refClose.length, `${found} of ${refClose.length}`);
    assert.equal(report.testing!.deduplicated, 1311 - report.leaks.length);
    assert.equal(report.testing!.leakedByClass.glioma, 0);

    const again = await scanDataset(DATA, { cacheDir });
    assert.equal(again.report.timing.inspected, 0, 'the second scan reads nothing');
    fs.rmSync(cacheDir, { recursive: true, force: true });
  });
});
