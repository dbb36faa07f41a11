/**
 * Several sources and external validation through the CLI, as users run it (node dist/cli.js) on generated data:
 * `train --data A --data B` records both sources (and refuses to resume when one changed), `evaluate --external
 * --perturb --json` gives the stable JSON contract (external[] with sensitivity, specificity, confident misses and
 * false alarms; perturbations[] with accuracy and drop), and bad external folders fail clearly.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { EvaluationReport } from '../../server/protocol';
import { writeSlice, writeTrainingSet, writeYesNoSet } from '../fixtures/images';
import { runCli } from '../fixtures/runCli';

const TINY = ['--size', '32', '--batch', '8', '--model', 'compact', '--patience', '0', '--no-cache'];
const cli = (args: string[], cwd: string) => runCli(args, { cwd, timeoutMs: 300_000 });

describe('brain-tumor train with several sources, evaluate with external sets', () => {
  let tmp: string;
  let kaggle: string;
  let yesNo: string;
  let external: string;
  let runDir: string;

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bt-cli-external-'));
    kaggle = await writeTrainingSet(path.join(tmp, 'kaggle'), 10, 4);
    yesNo = await writeYesNoSet(path.join(tmp, 'yesno'), 12, 3000);
    external = await writeYesNoSet(path.join(tmp, 'hospital'), 6, 8000, 'Tumour', 'healthy');
    // One external image is a copy of a training image: it is counted and left out of the deduplicated figures.
    fs.copyFileSync(path.join(yesNo, 'yes', 't0.png'), path.join(external, 'Tumour', 'copied.png'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('trains on two sources and records both', () => {
    const r = cli(['train', '--data', kaggle, '--data', yesNo, '--epochs', '2', ...TINY, '--json'], tmp);
    assert.equal(r.code, 0, r.err);
    const end = JSON.parse(r.out) as { outcome: string; runDir: string };
    assert.equal(end.outcome, 'completed');
    runDir = end.runDir;
    const meta = JSON.parse(fs.readFileSync(path.join(runDir, 'metadata.json'), 'utf8')) as {
      dataset: { root: string }; sources: { root: string; counts: { train: number; val: number }; perClass: Record<string, unknown> }[];
    };
    assert.deepEqual(meta.sources.map((s) => s.root), [kaggle, yesNo]);
    assert.equal(meta.dataset.root, meta.sources[0]!.root);
    assert.equal(meta.sources[1]!.counts.train + meta.sources[1]!.counts.val, 24);
    assert.ok('tumour' in meta.sources[1]!.perClass, 'the coarse label is counted for the second source');
    const split = JSON.parse(fs.readFileSync(path.join(runDir, 'split.json'), 'utf8')) as { sources: { root: string; validation: string[] }[] };
    assert.equal(split.sources.length, 2);
    assert.match(r.err, /Sources: .*kaggle.*yesno/s);
  });

  it('scores an external set and Testing under perturbations, in the --json contract', () => {
    const r = cli(['evaluate', '--model', runDir, '--external', external, '--perturb', '--no-cache', '--json'], tmp);
    assert.equal(r.code, 0, r.err);
    const report = JSON.parse(r.out) as EvaluationReport;
    assert.equal(report.external.length, 1);
    const ext = report.external[0]!;
    assert.equal(ext.root, external);
    assert.equal(ext.count, 13);
    assert.deepEqual([ext.tumour, ext.notumor], [7, 6]);
    assert.deepEqual(ext.labels, { fine: 6, coarse: 7 });
    for (const v of [ext.sensitivity, ext.specificity]) assert.ok(typeof v === 'number' && v >= 0 && v <= 1, String(v));
    for (const e of [ext.confidentMisses, ext.confidentFalseAlarms]) {
      assert.equal(typeof e.count, 'number');
      assert.ok(e.rate === null || (e.rate >= 0 && e.rate <= 1));
    }
    assert.equal(ext.confidentMisses.of, 7);
    assert.equal(ext.confidentFalseAlarms.of, 6);
    assert.equal(ext.nearCopies, 1, 'the copied training image is found');
    assert.equal(ext.deduplicated?.count, 12);
    assert.equal(Object.values(ext.predicted).reduce((a, b) => a + b, 0), 13);
    assert.deepEqual(report.trainingSources, [kaggle, yesNo]);
    // Perturbations: 13, each with accuracy and its drop from the clean baseline.
    assert.equal(report.perturbations?.length, 13);
    const base = report.perturbationBaseline!;
    for (const p of report.perturbations) {
      assert.ok(p.accuracy >= 0 && p.accuracy <= 1, `${p.name} ${p.accuracy}`);
      assert.ok(Math.abs(base.accuracy - p.accuracy - p.drop) < 1e-4, `${p.name}: drop is clean minus perturbed`);
      assert.equal(p.count, 16);
    }
    assert.equal(report.perturbations.find((p) => p.name === 'flip')!.description.length > 0, true);
    assert.ok(report.splits[0]!.detection, 'tumour vs none on Testing');
    // The text output names the external set.
    const text = cli(['evaluate', '--model', runDir, '--external', external, '--no-cache'], tmp);
    assert.equal(text.code, 0, text.err);
    assert.match(text.out, /hospital/);
  });

  it('refuses a training source or a missing folder as an external set', () => {
    const own = cli(['evaluate', '--model', runDir, '--external', yesNo, '--no-cache'], tmp);
    assert.equal(own.code, 2);
    assert.match(own.err, /one of the datasets this model trained on/);
    const missing = cli(['evaluate', '--model', runDir, '--external', path.join(tmp, 'nope'), '--no-cache'], tmp);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /no such folder/);
  });

  it('refuses to resume when one of the sources changed, naming it', async () => {
    await writeSlice(path.join(yesNo, 'no', 'added.png'), 'none', 9999, 64);
    const r = cli(['train', '--resume', runDir, '--epochs', '3', '--no-cache'], tmp);
    assert.notEqual(r.code, 0);
    assert.match(r.out + r.err, new RegExp(`${yesNo.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} changed since run`));
    assert.doesNotMatch(r.out + r.err, new RegExp(`${kaggle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} (and|changed)`));
  });
});
