/**
 * External validation through the real extension and backend: Evaluate Model with an external folder (generated,
 * coarse labels: tumour/ and no/) scores it as a source the model never saw, and the Metrics panel draws its row;
 * with `perturb` the report carries the robustness scores. Uses the run the training tests leave (files run in
 * name order), or trains a one-epoch model when there is none.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { BrainTumorApi } from '../../extension/main';
import type { EvaluationReport, TrainEnd } from '../../server/protocol';
import { api, tabsOnceOpen } from './extensionApi';

const WORKSPACE = process.env.BRAIN_TUMOR_TEST_WORKSPACE ?? '';
const RUNS = path.join(WORKSPACE, '.brain-tumor', 'runs');

/** A finished run folder: one from the training tests, else a fresh one-epoch run on the generated training set. */
async function trainedRun(a: BrainTumorApi): Promise<string> {
  const done = fs.existsSync(RUNS) ? fs.readdirSync(RUNS).map((d) => path.join(RUNS, d)).find((d) => fs.existsSync(path.join(d, 'model.json')) &&
    (JSON.parse(fs.readFileSync(path.join(d, 'metadata.json'), 'utf8')) as { status?: string }).status === 'completed') : undefined;
  if (done) return done;
  const ended = new Promise<TrainEnd>((resolve) => {
    const sub = a.onTrainEvent((e) => { if (e.kind === 'end') { sub.dispose(); resolve(e.end); } });
  });
  const started = await a.train({ dataRoot: path.join(WORKSPACE, 'train-set'), runsDir: RUNS,
    config: { model: 'compact', inputSize: 32, epochs: 1, batchSize: 4, patience: 0 } });
  const end = await ended;
  assert.equal(end.outcome, 'completed', end.message);
  return started.runDir;
}

/** What the Metrics panel drew, once it has drawn a row for `name` (the page reports after rendering), or after 20 s. */
async function drawnRow(a: BrainTumorApi, name: string): Promise<{ name: string; sensitivity: string } | undefined> {
  for (let i = 0; i < 100; i++) {
    const row = a.metricsShown()?.external.find((x) => x.name === name);
    if (row) return row;
    await new Promise((r) => setTimeout(r, 200));
  }
  return undefined;
}

describe('External validation in VS Code', () => {
  const external = path.join(WORKSPACE, 'external-set');
  let runDir: string;

  before(async function () {
    this.timeout(300_000);
    runDir = await trainedRun(await api());
  });

  it('Evaluate Model with an external folder scores it and the Metrics panel shows its row', async function () {
    this.timeout(300_000);
    const a = await api();
    assert.ok(fs.existsSync(path.join(external, 'tumour')) && fs.existsSync(path.join(external, 'no')), 'the generated external set');
    const report = await vscode.commands.executeCommand<EvaluationReport | undefined>('brainTumor.evaluateModel', { modelDir: runDir, external: [external] });
    assert.ok(report, 'the command returns the report');
    assert.equal(report.external.length, 1);
    const x = report.external[0]!;
    assert.equal(x.root, external);
    assert.equal(x.name, 'external-set');
    assert.equal(x.count, 10);
    assert.deepEqual([x.tumour, x.notumor], [5, 5], 'tumour/ is the coarse label, no/ is notumor');
    assert.deepEqual(x.labels, { fine: 5, coarse: 5 });
    assert.equal(Object.values(x.predicted).reduce((s, n) => s + n, 0), 10, 'every image was called something');
    assert.ok(x.sensitivity !== null && x.sensitivity >= 0 && x.sensitivity <= 1, `sensitivity ${x.sensitivity}`);
    assert.ok(x.specificity !== null, 'there are notumor images, so there is a specificity');
    assert.equal(x.confidentMisses.of, 5);
    assert.ok(x.confidentMisses.count <= 5);
    assert.deepEqual(report.trainingSources, [path.join(WORKSPACE, 'train-set')]);
    assert.equal(report.perturbations, null, 'no perturbations unless asked for');
    const saved = JSON.parse(fs.readFileSync(path.join(runDir, 'evaluation.json'), 'utf8')) as EvaluationReport;
    assert.equal(saved.external[0]?.root, external, 'the external row is saved with the evaluation');

    const tabs = await tabsOnceOpen('Metrics');
    assert.ok(tabs.some((l) => l.startsWith('Metrics')), `a Metrics tab is open: ${tabs.join(', ')}`);
    const row = await drawnRow(a, 'external-set');
    assert.ok(row, `the Metrics panel drew the external row: ${JSON.stringify(a.metricsShown())}`);
    assert.equal(row.sensitivity, `${(x.sensitivity * 100).toFixed(1)}%`, 'its sensitivity cell shows the report\'s figure');
  });

  it('Evaluate Model with perturb scores Testing under perturbations against a clean baseline', async function () {
    this.timeout(300_000);
    const report = await vscode.commands.executeCommand<EvaluationReport | undefined>('brainTumor.evaluateModel', { modelDir: runDir, perturb: true });
    assert.ok(report);
    assert.ok(report.perturbations?.length, 'perturbation scores');
    assert.ok(report.perturbationBaseline, 'the clean baseline');
    assert.deepEqual(report.external, [], 'no external set this time');
    for (const p of report.perturbations) {
      assert.ok(p.accuracy >= 0 && p.accuracy <= 1, `${p.name}: accuracy ${p.accuracy}`);
      // Figures are rounded to 5 decimals.
      assert.ok(Math.abs(report.perturbationBaseline.accuracy - p.accuracy - p.drop) < 1e-4, `${p.name}: drop ${p.drop} = clean - perturbed`);
      assert.ok(p.description.length > 0);
    }
  });
});
