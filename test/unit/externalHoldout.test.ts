/**
 * `brain-tumor holdout`: the external hold-out of a second source is fixed by the file names alone (a quarter by
 * sha256), near copies of held-out images never reach training, and the parts are written as links, refusing to
 * touch a folder that is not empty.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { heldOut, planHoldout, writeHoldout } from '../../server/data/externalHoldout';
import type { ScanResult } from '../../server/data/scanDataset';

const hash = (seed: number) => Array.from({ length: 64 }, (_, i) => ((seed * 7 + i * 13) % 16).toString(16)).join('');

function scanOf(files: { rel: string; dhash: string }[]): ScanResult {
  return { report: {} as ScanResult['report'], files: files.map((f) => ({ abs: `/data/${f.rel}`, rel: f.rel, split: 'All', label: 'tumour',
    inspection: { md5: f.rel, info: { dhash: f.dhash } } })) } as unknown as ScanResult;
}

describe('external hold-out', () => {
  it('holds out about a quarter, by the file name alone', () => {
    const names = Array.from({ length: 4000 }, (_, i) => `y${i}.jpg`);
    const share = names.filter((n) => heldOut(n, 0.25)).length / names.length;
    assert.ok(Math.abs(share - 0.25) < 0.03, `held out ${share}`);
    assert.equal(heldOut('tumour/y42.jpg', 0.25), heldOut('elsewhere/y42.jpg', 0.25), 'the folder does not matter');
  });

  it('leaves out of training the near copies of held-out images, and writes both parts as links', () => {
    const out = names(40).find((n) => heldOut(n, 0.25))!;
    const ins = names(40).filter((n) => !heldOut(n, 0.25));
    const files = [{ rel: `tumour/${out}`, dhash: hash(1) }, { rel: `tumour/${ins[0]!}`, dhash: hash(1) }, ...ins.slice(1, 6).map((n, i) => ({ rel: `tumour/${n}`, dhash: hash(100 + i * 3) }))];
    const plan = planHoldout(scanOf(files), 0.25, 5);
    assert.deepEqual(plan.holdout, [`tumour/${out}`]);
    assert.deepEqual(plan.dropped.map((d) => [d.rel, d.copyOf, d.distance]), [[`tumour/${ins[0]!}`, `tumour/${out}`, 0]]);
    assert.equal(plan.train.length, 5);
    assert.ok(!plan.train.includes(`tumour/${ins[0]!}`));

    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bt-holdout-'));
    const src = path.join(tmp, 'src');
    for (const f of files) { fs.mkdirSync(path.join(src, 'tumour'), { recursive: true }); fs.writeFileSync(path.join(src, f.rel), f.rel); }
    const dest = path.join(tmp, 'split');
    const w = writeHoldout(src, plan, dest);
    assert.equal(w.linked + w.copied, 6);
    assert.equal(fs.readFileSync(path.join(dest, 'holdout', 'tumour', out), 'utf8'), `tumour/${out}`);
    assert.equal(fs.readdirSync(path.join(dest, 'train', 'tumour')).length, 5);
    assert.equal((JSON.parse(fs.readFileSync(path.join(dest, 'holdout.json'), 'utf8')) as { dropped: unknown[] }).dropped.length, 1);
    assert.throws(() => writeHoldout(src, plan, dest), /is not empty; give a new folder/);
    fs.rmSync(tmp, { recursive: true, force: true });
  });
});

function names(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `y${i}.jpg`);
}
