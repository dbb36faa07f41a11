/**
 * `brain-tumor classify` and `brain-tumor export` as users run them (node dist/cli.js), on a model this test
 * trains itself with `brain-tumor train` on generated images (its automatic evaluation fits the temperature and
 * the feature statistics), and on bad input: broken images, non-images, a missing, corrupt or incompatible model.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import type { ClassifiedImage, ClassifyResult } from '../../server/protocol';
import { write, writeSlice, writeTrainingSet } from '../fixtures/images';
import { LOCALE_VARIABLES } from '../fixtures/runCli';

const ROOT = path.resolve(__dirname, '../../..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const CLASSES = ['glioma', 'meningioma', 'notumor', 'pituitary'];

function cli(args: string[], cwd: string, extraEnv: NodeJS.ProcessEnv = {}) {
  const env = { ...process.env, ...extraEnv };
  delete env.BRAIN_TUMOR_BACKEND;
  delete env.BRAIN_TUMOR_THREADS;
  for (const k of LOCALE_VARIABLES) if (!extraEnv[k]) delete env[k]; // English, whatever the developer's locale
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env, cwd, timeout: 180_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const okItems = (r: ClassifyResult) => r.items.filter((i): i is ClassifiedImage => i.ok);

describe('brain-tumor classify', () => {
  let tmp: string;
  let runDir: string;
  let images: string;

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bt-cli-classify-'));
    const data = await writeTrainingSet(path.join(tmp, 'data'), 30, 2);
    const t = cli(['train', '--data', data, '--runs', path.join(tmp, 'runs'), '--epochs', '3', '--size', '32', '--batch', '8',
      '--model', 'compact', '--patience', '0', '--val', '0.25', '--no-cache', '--json'], tmp);
    assert.equal(t.code, 0, t.err);
    runDir = (JSON.parse(t.out) as { runDir: string }).runDir;
    images = path.join(tmp, 'images');
    for (let i = 0; i < 3; i++) await writeSlice(path.join(images, `slice-${i}.png`), (['circle', 'square', 'none'] as const)[i]!, 7000 + i, 80);
    await writeSlice(path.join(images, 'nested', 'deeper', 'slice-3.jpg'), 'triangle', 7003, 80);
    write(path.join(images, 'notes.txt'), 'not an image, and not named like one: folders skip it');
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('classifies files and folders (recursively): four calibrated probabilities summing to 1, the argmax, the model', () => {
    const r = cli(['classify', path.join(images, 'slice-0.png'), path.join(images, 'nested'), '--model', runDir, '--json'], tmp);
    assert.equal(r.code, 0, r.err);
    const res = JSON.parse(r.out) as ClassifyResult;
    assert.deepEqual(res.items.map((i) => path.basename(i.path)), ['slice-0.png', 'slice-3.jpg']);
    for (const it of okItems(res)) {
      assert.equal(it.probabilities.length, 4);
      assert.ok(Math.abs(it.probabilities.reduce((a, b) => a + b, 0) - 1) < 1e-4, 'probabilities sum to 1');
      const best = it.probabilities.indexOf(Math.max(...it.probabilities));
      assert.equal(it.predicted, CLASSES[best]);
      assert.equal(it.confidence, it.probabilities[best]);
      assert.equal(it.uncertain, it.uncertainReasons.length > 0);
      assert.equal(it.uncertain, it.confidence < res.threshold || it.distribution.outOfDistribution);
      assert.equal(it.heatmap, null, 'no heat map unless --explain');
    }
    assert.equal(okItems(res).length, 2);
    assert.equal(res.model.modelDir, runDir);
    assert.equal(res.model.bundled, false);
    assert.ok(res.model.temperature !== null && res.model.temperature > 0, 'the automatic evaluation fitted a temperature');
    assert.equal(res.model.featureStats, true, 'and the feature statistics of the out-of-distribution check');
    assert.ok(res.model.evaluation?.official, 'and the Testing figures travel with the model');
    assert.equal(res.threshold, 0.7);
  });

  it('flags colour noise as uncertain, saying why', async () => {
    const noise = Buffer.alloc(64 * 64 * 3);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 7919) % 251;
    const photo = path.join(tmp, 'photo.png');
    await sharp(noise, { raw: { width: 64, height: 64, channels: 3 } }).png().toFile(photo);
    const r = cli(['classify', photo, '--model', runDir, '--json'], tmp);
    assert.equal(r.code, 0, r.err);
    const it = okItems(JSON.parse(r.out) as ClassifyResult)[0]!;
    assert.equal(it.distribution.outOfDistribution, true);
    assert.equal(it.uncertain, true);
    assert.match(it.distribution.reasons.join('; '), /colour image/);
    assert.match(it.distribution.reasons.join('; '), /grainy like noise/);
    assert.match(it.uncertainReasons.join('; '), /may not be a brain MRI slice/);
  });

  it('--threshold 1 makes every result uncertain; plain output says so and carries the disclaimer', () => {
    const r = cli(['classify', path.join(images, 'slice-1.png'), '--model', runDir, '--threshold', '1'], tmp);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /slice-1\.png {2}(glioma|meningioma|notumor|pituitary) {2}\d+\.\d% {2}UNCERTAIN: needs expert review \(confidence/);
    assert.match(r.out, /Research use only, not for clinical diagnosis\./);
    assert.match(r.out, /^Model: compact \(/m);
  });

  it('--explain writes Grad-CAM overlays; --csv has a header and one row per image', async () => {
    const out = path.join(tmp, 'cams');
    const r = cli(['classify', images, '--model', runDir, '--explain', out, '--csv'], tmp);
    assert.equal(r.code, 0, r.err);
    const pngs = fs.readdirSync(out).filter((f) => f.endsWith('.gradcam.png'));
    assert.equal(pngs.length, 4, pngs.join(', '));
    const meta = await sharp(path.join(out, pngs[0]!)).metadata();
    assert.deepEqual([meta.width, meta.height, meta.format], [384, 384, 'png']);
    const lines = r.out.trim().split(/\r?\n/);
    assert.match(lines[0]!, /^path,status,predicted,confidence,uncertain/);
    for (const c of CLASSES) assert.ok(lines[0]!.includes(c), `a ${c} column`);
    assert.equal(lines.length, 1 + 4, 'header + 4 images (the .txt is not an image name and is skipped in folders)');
  });

  it('lists unreadable images with a reason and goes on; exits 1 only when nothing could be classified', () => {
    const broken = write(path.join(tmp, 'bad', 'truncated.png'), fs.readFileSync(path.join(images, 'slice-0.png')).subarray(0, 200));
    const text = write(path.join(tmp, 'bad', 'text.png'), 'hello, I am text');
    const missing = path.join(tmp, 'bad', 'gone.png');
    const r = cli(['classify', broken, text, missing, path.join(images, 'slice-2.png'), '--model', runDir, '--json'], tmp);
    assert.equal(r.code, 0, r.err);
    const res = JSON.parse(r.out) as ClassifyResult;
    const byName = new Map(res.items.map((i) => [path.basename(i.path), i]));
    const bad = (n: string) => { const i = byName.get(n)!; assert.equal(i.ok, false, n); return i; };
    assert.equal(bad('gone.png').kind, 'missing');
    assert.match(bad('truncated.png').error, /Cannot classify truncated\.png: corrupt or truncated image/);
    assert.match(bad('text.png').error, /Cannot classify text\.png: .*Classify JPEG, PNG/);
    assert.equal(byName.get('slice-2.png')!.ok, true);
    const none = cli(['classify', broken, '--model', runDir], tmp);
    assert.equal(none.code, 1);
    assert.match(none.out, /truncated\.png {2}ERROR/);
    // A folder with no image files at all: said so, with the extensions read, and a non-zero exit (not "0 classified").
    const empty = path.join(tmp, 'empty-folder');
    write(path.join(empty, 'notes.txt'), 'not an image');
    const nothing = cli(['classify', empty, '--model', runDir], tmp);
    assert.equal(nothing.code, 2);
    assert.match(nothing.err, /No images found in .*empty-folder: classification reads \.jpg \.jpeg \.png \.bmp/);
  });

  it('refuses a missing, corrupt or incompatible model with what is wrong and what to do', () => {
    const img = path.join(images, 'slice-0.png');
    const noModel = cli(['classify', img, '--model', path.join(tmp, 'nowhere')], tmp);
    assert.equal(noModel.code, 2);
    assert.match(noModel.err, /There is no model in .*nowhere \(no model\.json\)\. Choose a run folder/);
    assert.doesNotMatch(noModel.err, /"Brain Tumor: /, 'the CLI does not send the user to an extension command');

    const corrupt = path.join(tmp, 'corrupt-model');
    fs.cpSync(runDir, corrupt, { recursive: true });
    fs.writeFileSync(path.join(corrupt, 'weights.bin'), fs.readFileSync(path.join(corrupt, 'weights.bin')).subarray(0, 100));
    const c = cli(['classify', img, '--model', corrupt], tmp);
    assert.equal(c.code, 2);
    assert.match(c.err, /The weights in .*corrupt-model are corrupt: 100 bytes, the manifest needs \d+/);

    const wrong = path.join(tmp, 'wrong-classes');
    fs.cpSync(runDir, wrong, { recursive: true });
    const meta = JSON.parse(fs.readFileSync(path.join(wrong, 'metadata.json'), 'utf8')) as { classes: string[] };
    meta.classes = ['cat', 'dog', 'notumor', 'pituitary'];
    fs.writeFileSync(path.join(wrong, 'metadata.json'), JSON.stringify(meta));
    const w = cli(['classify', img, '--model', wrong], tmp);
    assert.equal(w.code, 2);
    assert.match(w.err, /predicts the classes \["cat","dog","notumor","pituitary"\]; this version needs .* Retrain it/);
  });

  it('uses the bundled model when no --model is given', () => {
    const r = cli(['classify', path.join(images, 'slice-0.png'), '--json'], tmp, { BRAIN_TUMOR_BUNDLED_MODEL: runDir });
    assert.equal(r.code, 0, r.err);
    const res = JSON.parse(r.out) as ClassifyResult;
    assert.equal(res.model.bundled, true);
    assert.equal(res.model.modelDir, runDir);
  });

  it('export --quantize: uint8 weights a quarter the size, float16 half; predictions stay close', () => {
    const ref = (JSON.parse(cli(['classify', images, '--model', runDir, '--json'], tmp).out) as ClassifyResult).items as ClassifiedImage[];
    const size = (d: string) => fs.statSync(path.join(d, 'weights.bin')).size;
    for (const [q, ratio, tol] of [['uint8', 4, 0.08], ['float16', 2, 0.01]] as const) {
      const out = path.join(tmp, `export-${q}`);
      const e = cli(['export', '--model', runDir, '--out', out, '--quantize', q], tmp);
      assert.equal(e.code, 0, e.err);
      assert.ok(Math.abs(size(runDir) / size(out) - ratio) < 0.2, `${q}: ${size(runDir)} -> ${size(out)} bytes`);
      const meta = JSON.parse(fs.readFileSync(path.join(out, 'metadata.json'), 'utf8')) as { exported: { quantization: string }; calibration: unknown; featureStats: unknown };
      assert.equal(meta.exported.quantization, q);
      assert.ok(meta.calibration && meta.featureStats, 'calibration and feature statistics travel with the export');
      const got = (JSON.parse(cli(['classify', images, '--model', out, '--json'], tmp).out) as ClassifyResult).items as ClassifiedImage[];
      got.forEach((it, i) => it.probabilities.forEach((p, c) => assert.ok(Math.abs(p - ref[i]!.probabilities[c]!) < tol, `${q} ${it.path} ${c}: ${p} vs ${ref[i]!.probabilities[c]}`)));
    }
    const bad = cli(['export', '--model', runDir, '--out', path.join(tmp, 'x'), '--quantize', 'int4'], tmp);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--quantize must be one of none, float16, uint8/);
  });
});
