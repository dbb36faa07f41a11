/** Scanning generated datasets: every kind of bad file gets its verdict, and the scan still completes. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import sharp from 'sharp';
import { scanDataset, deduplicatedTesting } from '../../server/data/scanDataset';
import { DatasetLayoutError } from '../../server/data/walkDataset';
import { CLASS_SHAPES, encodeBmp, pngHeaderBomb, sliceSvg, write, writeSlice } from '../fixtures/images';

const EXT = ['.png', '.jpg', '.png', '.png', '.webp'];
let root: string;
let cacheDir: string;

/** Kaggle layout with name variants, bad files, junk folders, an exact and a near leak, a duplicate in Training. */
async function makeMessyDataset(dir: string): Promise<void> {
  const trainNames: Record<string, string> = { glioma: 'glioma_tumor', meningioma: 'Meningioma', notumor: 'no_tumor', pituitary: 'pituitary' };
  const testNames: Record<string, string> = { glioma: 'glioma', meningioma: 'meningioma', notumor: 'No Tumor', pituitary: 'pituitary_tumor' };
  let seed = 0;
  for (const [cls, shape] of Object.entries(CLASS_SHAPES)) {
    // writeSlice picks the format from the seed: the extension must follow it.
    for (let i = 0; i < 6; i++, seed++) await writeSlice(path.join(dir, 'Training', trainNames[cls]!, `tr-${cls}-${i}${EXT[seed % 5]}`), shape, seed);
    for (let i = 0; i < 3; i++, seed++) await writeSlice(path.join(dir, 'Testing', testNames[cls]!, `te-${cls}-${i}${EXT[(seed + 100) % 5]}`), shape, seed + 100);
  }
  const g = path.join(dir, 'Training', 'glioma_tumor');
  const jpeg = await sharp(sliceSvg(120, 120, 'circle', 900)).jpeg().toBuffer();
  write(path.join(g, 'corrupt.jpg'), Buffer.concat([jpeg.subarray(0, 3), Buffer.alloc(400, 0x5a)]));
  write(path.join(g, 'truncated.jpg'), jpeg.subarray(0, Math.floor(jpeg.length * 0.6)));
  write(path.join(g, 'png-named.jpg'), await sharp(sliceSvg(100, 100, 'circle', 901)).png().toBuffer());
  write(path.join(g, 'bomb.png'), pngHeaderBomb(30000, 30000));
  write(path.join(g, 'empty.jpg'), Buffer.alloc(0));
  write(path.join(g, 'notes.txt'), 'radiologist notes, not an image\n');
  const raw = await sharp(sliceSvg(90, 70, 'circle', 902)).removeAlpha().raw().toBuffer();
  write(path.join(g, 'slice.bmp'), encodeBmp(raw, 90, 70));
  write(path.join(g, 'slice.tif'), await sharp(sliceSvg(100, 100, 'circle', 903)).tiff().toBuffer());
  await writeSlice(path.join(g, 'sub', 'nested.png'), 'circle', 905); // seed % 5 == 0: PNG
  await writeSlice(path.join(g, '.ipynb_checkpoints', 'old.png'), 'circle', 910);
  write(path.join(g, '.DS_Store'), 'junk');
  write(path.join(dir, '__MACOSX', 'x'), 'junk');
  write(path.join(dir, 'README.txt'), 'about this dataset');
  // Leaks: an exact copy and a re-encoded copy of Training images in Testing; and a duplicate inside Training.
  fs.copyFileSync(path.join(g, 'tr-glioma-0.png'), path.join(dir, 'Testing', 'glioma', 'copied.png'));
  const m1 = path.join(dir, 'Training', 'Meningioma', fs.readdirSync(path.join(dir, 'Training', 'Meningioma')).sort()[1]!);
  // Saved again by another encoder setting: other bytes, the same picture (flat synthetic images are too
  // smooth for a lossy re-encode to stay within 5 bits of dHash; real MRI texture is not).
  write(path.join(dir, 'Testing', 'meningioma', 'reencoded.png'), await sharp(m1).png({ compressionLevel: 1, adaptiveFiltering: true }).toBuffer());
  const n2 = fs.readdirSync(path.join(dir, 'Training', 'no_tumor')).sort()[2]!;
  fs.copyFileSync(path.join(dir, 'Training', 'no_tumor', n2), path.join(dir, 'Training', 'no_tumor', `copy-of-${n2}`));
}

before(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'bt-scan-'));
  cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bt-cache-'));
  await makeMessyDataset(root);
});

describe('scanDataset on a messy generated dataset', () => {
  it('counts files per split and class, mapping folder-name variants to the four classes', async () => {
    const { report } = await scanDataset(root, { cacheDir });
    assert.equal(report.layout, 'splits');
    const tr = report.splits.find((s) => s.split === 'Training')!;
    const te = report.splits.find((s) => s.split === 'Testing')!;
    assert.deepEqual(tr.classes.glioma, { files: 15, usable: 10, bytes: tr.classes.glioma.bytes });
    assert.equal(tr.classes.meningioma.files, 6);
    assert.equal(tr.classes.notumor.files, 7);
    assert.equal(tr.classes.pituitary.files, 6);
    assert.deepEqual([te.classes.glioma.files, te.classes.meningioma.files, te.classes.notumor.files, te.classes.pituitary.files], [4, 4, 3, 3]);
    const mapped = Object.fromEntries(report.classFolders.map((c) => [c.rel, c.label]));
    assert.equal(mapped['Training/no_tumor'], 'notumor');
    assert.equal(mapped['Testing/No Tumor'], 'notumor');
    assert.equal(mapped['Training/glioma_tumor'], 'glioma');
    assert.equal(mapped['Testing/pituitary_tumor'], 'pituitary');
    assert.equal(mapped['Training/Meningioma'], 'meningioma');
  });

  it('gives each bad file the right verdict, with its path and reason', async () => {
    const { report } = await scanDataset(root, { cacheDir });
    const verdict = (name: string) => report.problems.filter((p) => p.rel.endsWith(`/${name}`)).map((p) => p.kind);
    assert.deepEqual(verdict('corrupt.jpg'), ['corrupt']);
    assert.deepEqual(verdict('truncated.jpg'), ['corrupt']);
    assert.deepEqual(verdict('png-named.jpg'), ['extension-mismatch']);
    assert.deepEqual(verdict('bomb.png'), ['too-large']);
    assert.deepEqual(verdict('empty.jpg'), ['empty']);
    assert.deepEqual(verdict('notes.txt'), ['not-image']);
    assert.deepEqual(verdict('slice.bmp'), []);
    assert.deepEqual(verdict('slice.tif'), []);
    assert.match(report.problems.find((p) => p.rel.endsWith('bomb.png'))!.message, /30000x30000/);
    assert.equal(report.problems.length, 6);
    assert.equal(report.formats.bmp, 1);
    assert.equal(report.formats.tiff, 1);
    assert.ok(report.modes.L && report.modes.RGB && report.modes.RGBA && report.modes.P, JSON.stringify(report.modes));
    const ignored = report.ignored.map((i) => i.rel);
    for (const junk of ['__MACOSX', 'README.txt', 'Training/glioma_tumor/.ipynb_checkpoints', 'Training/glioma_tumor/.DS_Store']) {
      assert.ok(ignored.includes(junk), `ignored ${junk}: ${JSON.stringify(ignored)}`);
    }
    assert.ok(report.samples.every((s) => !s.rel.includes('.ipynb')));
  });

  it('finds the duplicate inside Training and both leaks into Testing', async () => {
    const result = await scanDataset(root, { cacheDir });
    const { report } = result;
    const exactTrain = report.exactDuplicates.find((g) => g.files.some((f) => f.startsWith('Training/no_tumor/copy-of-')));
    assert.ok(exactTrain && exactTrain.exact && !exactTrain.crossSplit);
    const leaks = Object.fromEntries(report.leaks.map((l) => [l.testFile, l]));
    assert.equal(leaks['Testing/glioma/copied.png']?.exact, true);
    assert.equal(leaks['Testing/glioma/copied.png']?.trainFile, 'Training/glioma_tumor/tr-glioma-0.png');
    const near = leaks['Testing/meningioma/reencoded.png'];
    assert.ok(near && !near.exact && near.distance <= 5, JSON.stringify(near));
    assert.equal(report.leaks.length, 2, `only the two planted leaks: ${JSON.stringify(report.leaks)}`);
    assert.deepEqual(report.testing, { files: 14, deduplicated: 12, leakedByClass: { glioma: 1, meningioma: 1, notumor: 0, pituitary: 0, tumour: 0 } });
    assert.equal(deduplicatedTesting(result).length, 12);
  });

  it('answers the second scan from its cache, and inspects a changed file again', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bt-cache-2-'));
    const first = await scanDataset(root, { cacheDir: dir });
    assert.equal(first.report.timing.fromCache, 0);
    const second = await scanDataset(root, { cacheDir: dir });
    assert.equal(second.report.timing.inspected, 0);
    assert.equal(second.report.timing.fromCache, first.report.totals.files);
    assert.deepEqual(second.report.problems, first.report.problems);
    const dirP = path.join(root, 'Testing', 'pituitary_tumor');
    const f = path.join(dirP, fs.readdirSync(dirP).sort()[0]!);
    const later = new Date(Date.now() + 5000);
    fs.utimesSync(f, later, later);
    const third = await scanDataset(root, { cacheDir: dir });
    assert.equal(third.report.timing.inspected, 1);
  });

  it('reports progress and stops on cancel', async () => {
    const seen: number[] = [];
    let calls = 0;
    await assert.rejects(scanDataset(root, {
      cacheDir: null, concurrency: 1,
      onProgress: (p) => { if (p.phase === 'inspecting') seen.push(p.done); },
      isCancelled: () => ++calls > 5,
    }), /cancelled/);
    assert.ok(seen.length >= 1 && seen.every((d) => d <= 5), JSON.stringify(seen));
  });
});

describe('dataset layouts', () => {
  it('reads a single split of class folders', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bt-single-'));
    await writeSlice(path.join(dir, 'Glioma', 'a.png'), 'circle', 1);
    await writeSlice(path.join(dir, 'notumor', 'b.png'), 'none', 2);
    const { report } = await scanDataset(dir, { cacheDir: null });
    assert.equal(report.layout, 'single');
    assert.deepEqual(report.splits.map((s) => s.split), ['All']);
    assert.equal(report.splits[0]!.classes.glioma.files, 1);
    assert.equal(report.testing, null);
  });

  it('lists an unreadable class or sub-folder as a problem with its path, and scans the rest', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bt-unreadable-'));
    await writeSlice(path.join(dir, 'Training', 'glioma', 'a.png'), 'circle', 1);
    await writeSlice(path.join(dir, 'Training', 'glioma', 'locked', 'b.png'), 'circle', 2);
    await writeSlice(path.join(dir, 'Training', 'notumor', 'c.png'), 'none', 3);
    await writeSlice(path.join(dir, 'Testing', 'notumor', 'd.png'), 'none', 4);
    // Tests run as root in CI, where chmod 000 does not stop a read: the failure is injected into the listing.
    const denied = new Set([path.join(dir, 'Training', 'glioma', 'locked'), path.join(dir, 'Testing', 'notumor')]);
    const readDir = async (d: string) => {
      if (denied.has(d)) throw Object.assign(new Error(`EACCES: permission denied, scandir '${d}'`), { code: 'EACCES' });
      return fs.promises.readdir(d, { withFileTypes: true });
    };
    const { report } = await scanDataset(dir, { cacheDir: null, readDir });
    assert.deepEqual(report.problems.filter((p) => p.kind === 'unreadable').map((p) => p.rel).sort(), ['Testing/notumor', 'Training/glioma/locked']);
    assert.match(report.problems[0]!.message, /folder cannot be read \(EACCES\): its images are not counted/);
    assert.equal(report.totals.files, 2, 'the readable images are still scanned');
  });

  it('names an unknown class folder and the accepted names', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bt-bad-'));
    await writeSlice(path.join(dir, 'Training', 'glioma', 'a.png'), 'circle', 1);
    await writeSlice(path.join(dir, 'Training', 'astrocytoma', 'b.png'), 'circle', 2);
    await assert.rejects(scanDataset(dir, { cacheDir: null }), (e: Error) =>
      e instanceof DatasetLayoutError && /"Training\/astrocytoma" is not a class folder/.test(e.message) && /glioma, meningioma, pituitary, notumor/.test(e.message));
  });

  it('explains a folder with no dataset layout, and a missing folder', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bt-none-'));
    await writeSlice(path.join(dir, 'photos', 'a.png'), 'circle', 1);
    await assert.rejects(scanDataset(dir, { cacheDir: null }), /No dataset layout found .*Training\/<class>\//);
    await assert.rejects(scanDataset(path.join(dir, 'missing'), { cacheDir: null }), /Dataset folder not found/);
  });
});
