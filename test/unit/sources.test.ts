/**
 * Coarse labels and several sources: "tumour, type unknown" folder names, the scan's own row for them, and two
 * generated sources prepared for one training run: counts per source, a validation split stratified by source and
 * label, a duplicate group across sources kept on one side, and a cross-source leak found.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { canonicalClass, canonicalLabel, COARSE_INDEX } from '../../server/data/classNames';
import { scanDataset } from '../../server/data/scanDataset';
import { DEFAULT_POLICY } from '../../server/data/preprocess';
import { walkDataset } from '../../server/data/walkDataset';
import { prepareTrainingData, TrainingDataError } from '../../server/train/trainingData';
import { writeTrainingSet, writeYesNoSet } from '../fixtures/images';

const POLICY = { ...DEFAULT_POLICY, size: 32 };

describe('coarse labels', () => {
  it('maps "a tumour of unknown type" folder names, and the usual negatives to notumor', () => {
    for (const name of ['tumour', 'tumor', 'Tumours', 'TUMOR', 'yes', 'Yes', 'tumour_unknown', 'Tumor Unknown', 'unknown-tumour', 'tumor-unknown-type']) {
      assert.equal(canonicalLabel(name), 'tumour', name);
      assert.equal(canonicalClass(name), undefined, `${name} is not one of the four classes`);
    }
    for (const name of ['no', 'No', 'normal', 'Healthy', 'no_tumor', 'notumor']) assert.equal(canonicalLabel(name), 'notumor', name);
    for (const name of ['glioma_tumor', 'Pituitary Tumour', 'meningiomas']) assert.notEqual(canonicalLabel(name), 'tumour', name);
    for (const name of ['unknown', 'maybe', 'images', 'tumour-ish', '']) assert.equal(canonicalLabel(name), undefined, name);
  });
});

describe('several sources', () => {
  let tmp: string;
  let kaggle: string;
  let yesNo: string;

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bt-sources-'));
    kaggle = await writeTrainingSet(path.join(tmp, 'kaggle'), 10, 3);
    yesNo = await writeYesNoSet(path.join(tmp, 'br35h'), 20, 7000);
    // A near copy across sources: a Testing image of the first source reappears in the second source's training
    // data (a leak), and a Training image of the first one too (a duplicate group that spans sources).
    fs.copyFileSync(path.join(kaggle, 'Testing', 'glioma', 'glioma-t0.png'), path.join(yesNo, 'yes', 'leaked.png'));
    fs.copyFileSync(path.join(kaggle, 'Training', 'meningioma', 'meningioma-3.png'), path.join(yesNo, 'yes', 'dup.png'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('shows the coarse folder as its own row in the scan', async () => {
    const walk = await walkDataset(yesNo);
    assert.deepEqual(walk.classFolders.map((c) => [c.rel, c.label]), [['no', 'notumor'], ['yes', 'tumour']]);
    const { report } = await scanDataset(yesNo, { cacheDir: null });
    const all = report.splits.find((s) => s.split === 'All')!;
    assert.equal(all.classes.tumour.files, 22);
    assert.equal(all.classes.notumor.files, 20);
    assert.equal(all.classes.glioma.files, 0);
  });

  it('combines the sources: counts per source, stratified split, groups across sources, the leak', async () => {
    const scans = [await scanDataset(kaggle, { cacheDir: null }), await scanDataset(yesNo, { cacheDir: null })];
    const data = await prepareTrainingData(scans, POLICY, { valFraction: 0.25, seed: 3, cacheDir: null });
    assert.equal(data.sources.length, 2);
    const [a, b] = data.sources;
    assert.equal(a!.root, kaggle);
    assert.equal(a!.counts.train + a!.counts.val, 40, 'the first source: its 40 Training images (Testing stays out)');
    assert.equal(b!.counts.train + b!.counts.val, 42, 'the second source: every image of its single folder');
    assert.deepEqual(Object.keys(b!.perClass), ['glioma', 'meningioma', 'notumor', 'pituitary', 'tumour']);
    assert.equal(b!.perClass.tumour!.train + b!.perClass.tumour!.val, 22);
    assert.equal(b!.perClass.glioma!.train + b!.perClass.glioma!.val, 0);
    // Stratified by source and label: each (source, label) stratum sends about a quarter to validation.
    for (const src of data.sources) {
      for (const [label, c] of Object.entries(src.perClass)) {
        const n = c.train + c.val;
        if (n) assert.ok(Math.abs(c.val - n * 0.25) <= 2, `${src.root} ${label}: ${c.val} of ${n} in validation`);
      }
    }
    assert.equal(data.train.count + data.val.count, 82);
    const coarse = [...data.train.labels, ...data.val.labels].filter((l) => l === COARSE_INDEX).length;
    assert.equal(coarse, 22, 'coarse images keep their coarse label index');
    // The group across sources stays on one side of the split.
    const inVal = (src: number, rel: string) => data.valFilesBySource[src]!.includes(rel);
    assert.equal(inVal(0, 'Training/meningioma/meningioma-3.png'), inVal(1, 'yes/dup.png'));
    assert.ok(data.crossSource.groups >= 1, `groups across sources: ${data.crossSource.groups}`);
    assert.deepEqual(data.crossSource.leaks.map((l) => [l.testRoot, l.testFile, l.trainRoot, l.trainFile]),
      [[kaggle, 'Testing/glioma/glioma-t0.png', yesNo, 'yes/leaked.png']]);
    assert.notEqual(a!.fingerprint, b!.fingerprint);
    assert.match(data.fingerprint, /^[0-9a-f]{64}$/);
  });

  it('trains a detector from yes/no alone, and names what is missing when a source cannot train', async () => {
    const yn = await scanDataset(yesNo, { cacheDir: null });
    const data = await prepareTrainingData([yn], POLICY, { valFraction: 0.2, seed: 1, cacheDir: null });
    assert.equal(data.train.count + data.val.count, 42);
    const onlyYes = await writeYesNoSet(path.join(tmp, 'only-yes'), 3, 9000);
    fs.rmSync(path.join(onlyYes, 'no'), { recursive: true });
    await assert.rejects(prepareTrainingData([await scanDataset(onlyYes, { cacheDir: null })], POLICY, { valFraction: 0.2, seed: 1, cacheDir: null }),
      (e: Error) => e instanceof TrainingDataError && /at least 2 notumor/.test(e.message) && e.message.includes(onlyYes));
  });
});
