/**
 * DICOM through the command line as users run it (node dist/cli.js): classify reads .dcm files (and DICOM files
 * without an extension in folders) exactly like the PNG of the same windowed slice, and explains what it cannot
 * read; scan counts a class-folder dataset of DICOM files.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import type { ClassifiedImage, ClassifyResult, FailedImage, ScanReport } from '../../server/protocol';
import { greySlice, greySlice16, SR_STORAGE, writeDicom, type SyntaxName } from '../fixtures/dicomFiles';
import { write } from '../fixtures/images';
import { runCli } from '../fixtures/runCli';
import { loadImages } from '../../server/data/loadImages';
import { decodeImage, DEFAULT_POLICY } from '../../server/data/preprocess';

const S = 160;

describe('DICOM in the CLI', () => {
  let tmp: string;

  before(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bt-dicom-cli-')); });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('classify x.dcm --json: the same probabilities as the PNG of the same slice (8-bit as stored; 16-bit windowed)', async () => {
    const grey = await greySlice(S, S, 'circle', 41);
    write(path.join(tmp, 'c', 'slice.png'), await sharp(Buffer.from(grey), { raw: { width: S, height: S, channels: 1 } }).png().toBuffer());
    write(path.join(tmp, 'c', 'slice.dcm'), await writeDicom({ syntax: 'rle', rows: S, columns: S, frames: [grey] }));
    // 16-bit values 0..4000 under the window 2000/4000 (-> 0..255 linearly) give the 8-bit slice back, give or take rounding.
    const wide = await greySlice16(S, S, 4000, 'circle', 41);
    write(path.join(tmp, 'c', 'wide.dcm'), await writeDicom({ syntax: 'jpegLs', rows: S, columns: S, frames: [wide], attributes: { WindowCenter: '2000', WindowWidth: '4000' } }));
    const r = runCli(['classify', path.join(tmp, 'c', 'slice.png'), path.join(tmp, 'c', 'slice.dcm'), path.join(tmp, 'c', 'wide.dcm'), '--json']);
    assert.equal(r.code, 0, r.err);
    const [png, dcm, wideItem] = (JSON.parse(r.out) as ClassifyResult).items as ClassifiedImage[];
    assert.ok(png!.ok && dcm!.ok && wideItem!.ok, r.out.slice(0, 400));
    assert.deepEqual(dcm!.probabilities, png!.probabilities);
    assert.equal(dcm!.predicted, png!.predicted);
    assert.deepEqual([dcm!.width, dcm!.height], [S, S]);
    assert.equal(wideItem!.predicted, png!.predicted);
    wideItem!.probabilities.forEach((p, k) => assert.ok(Math.abs(p - png!.probabilities[k]!) < 0.02, `class ${k}: ${p} vs ${png!.probabilities[k]}`));
  });

  it('training and evaluation input (loadImages) and the robustness decode (decodeImage) see a .dcm as its PNG', async () => {
    const grey = await greySlice(S, S, 'triangle', 43);
    const png = path.join(tmp, 'load', 's.png'), dcm = path.join(tmp, 'load', 's.dcm');
    write(png, await sharp(Buffer.from(grey), { raw: { width: S, height: S, channels: 1 } }).png().toBuffer());
    write(dcm, await writeDicom({ syntax: 'jpeg2000', rows: S, columns: S, frames: [grey] }));
    const loaded = await loadImages([{ abs: png, md5: 'png' }, { abs: dcm, md5: 'dcm' }], DEFAULT_POLICY, { cacheDir: null });
    assert.deepEqual(loaded.failed, []);
    const per = DEFAULT_POLICY.size * DEFAULT_POLICY.size;
    assert.deepEqual(loaded.pixels.subarray(per), loaded.pixels.subarray(0, per));
    assert.ok(loaded.pixels.some((v) => v > 0));
    assert.deepEqual(await decodeImage(fs.readFileSync(dcm)), await decodeImage(fs.readFileSync(png)));
  });

  it('classify of a folder picks up .dcm, .dicom and extension-less DICOM files; an SR and an unsupported syntax are explained', async () => {
    const dir = path.join(tmp, 'folder');
    const grey = await greySlice(S, S, 'square', 42);
    write(path.join(dir, 'a.dcm'), await writeDicom({ syntax: 'explicit', rows: S, columns: S, frames: [grey] }));
    write(path.join(dir, 'b.DICOM'), await writeDicom({ syntax: 'deflated', rows: S, columns: S, frames: [grey] }));
    write(path.join(dir, 'IM0001'), await writeDicom({ syntax: 'implicit', rows: S, columns: S, frames: [grey] }));
    write(path.join(dir, 'README'), 'no extension, not DICOM: skipped');
    write(path.join(dir, 'report.dcm'), await writeDicom({ syntax: 'explicit', rows: 0, columns: 0, frames: [new Uint8Array(0)], noPixelData: true, sopClassUid: SR_STORAGE }));
    write(path.join(dir, 'xl.dcm'), await writeDicom({ syntax: 'jpegXl', rows: S, columns: S, frames: [grey] }));
    const r = runCli(['classify', dir, '--json']);
    assert.equal(r.code, 0, r.err);
    const items = (JSON.parse(r.out) as ClassifyResult).items;
    assert.deepEqual(items.map((i) => path.basename(i.path)).sort(), ['IM0001', 'a.dcm', 'b.DICOM', 'report.dcm', 'xl.dcm']);
    const byName = (n: string) => items.find((i) => path.basename(i.path) === n)!;
    for (const n of ['IM0001', 'a.dcm', 'b.DICOM']) assert.ok(byName(n).ok, n);
    const sr = byName('report.dcm') as FailedImage;
    assert.equal(sr.kind, 'not-image');
    assert.equal(sr.error, 'Cannot classify report.dcm: this DICOM file is a Structured Report: it holds no image (no Pixel Data). Classify JPEG, PNG, WebP, TIFF, GIF, BMP or DICOM images.');
    assert.match((byName('xl.dcm') as FailedImage).error, /JPEG XL Lossless \(1\.2\.840\.10008\.1\.2\.4\.110\) is not supported/);
    // The text output says the same.
    const text = runCli(['classify', path.join(dir, 'report.dcm')]);
    assert.match(text.out + text.err, /Structured Report/);
  });

  it('scan of a class-folder dataset of DICOM files counts them (a multi-frame file by its frame 0, and as a volume of its frames) and lists the SR', async () => {
    const root = path.join(tmp, 'dataset');
    const syntaxes: SyntaxName[] = ['explicit', 'rle', 'jpegLs', 'jpeg2000', 'implicit', 'jpegBaseline'];
    let seed = 50;
    for (const [cls, shape] of [['glioma', 'circle'], ['notumor', 'none']] as const) {
      for (let i = 0; i < 3; i++, seed++) {
        const syntax = syntaxes[seed % syntaxes.length]!;
        write(path.join(root, cls, `${cls}-${i}.dcm`), await writeDicom({ syntax, rows: S, columns: S, frames: [await greySlice(S, S, shape, seed)] }));
      }
    }
    write(path.join(root, 'glioma', '1.3.12.2.1107.5.2.30'), await writeDicom({ syntax: 'explicit', rows: S, columns: S, frames: [await greySlice(S, S, 'circle', 90)] }));
    const frames = await Promise.all([91, 92].map((k) => greySlice(S, S, 'none', k)));
    write(path.join(root, 'notumor', 'multi.dcm'), await writeDicom({ syntax: 'rle', rows: S, columns: S, frames }));
    write(path.join(root, 'notumor', 'report.dcm'), await writeDicom({ syntax: 'explicit', rows: 0, columns: 0, frames: [new Uint8Array(0)], noPixelData: true, sopClassUid: SR_STORAGE }));
    const r = runCli(['scan', root, '--json', '--no-cache']);
    assert.equal(r.code, 0, r.err);
    const report = JSON.parse(r.out) as ScanReport;
    assert.deepEqual(report.totals.files, 9);
    assert.deepEqual(report.totals.usable, 8);
    assert.deepEqual(report.formats, { dicom: 8 });
    assert.deepEqual(report.modes, { L: 8 });
    const all = report.splits.find((s) => s.split === 'All')!;
    assert.deepEqual([all.classes.glioma.usable, all.classes.notumor.usable], [4, 4]);
    assert.deepEqual(report.problems.map((p) => [p.rel, p.kind]), [['notumor/report.dcm', 'unsupported']]);
    assert.match(report.problems[0]!.message, /Structured Report/);
    assert.deepEqual(report.sizes, [{ width: S, height: S, count: 8 }]);
    // The Dataset panel draws samples straight from disk, which a browser cannot do for DICOM: none are offered.
    assert.deepEqual(report.samples, []);
    // The multi-frame file is also a volume of its 2 frames (the middle third of 2 keeps 1).
    assert.deepEqual(report.volumes?.byClass, [{ split: 'All', label: 'notumor', files: 1, slices: 2, selected: 1 }]);
    assert.match(report.volumes?.note ?? "", /multi-frame DICOM file as its first frame only/);
  });
});
