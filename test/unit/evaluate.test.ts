/**
 * `brain-tumor evaluate` and the end-of-training evaluation as users run them (node dist/cli.js), on a generated
 * dataset with a Testing split that leaks one Training image: both splits are scored and consistent with each
 * other, temperature scaling is fitted on validation and stored with the model, and a model that does not fit
 * gets an error naming what is wrong.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { EvaluationReport } from '../../server/protocol';
import { writeTrainingSet } from '../fixtures/images';
import { runCli } from '../fixtures/runCli';
import { readEvaluation, saveEvaluation } from '../../server/eval/evaluationStore';

const cli = (args: string[], cwd: string) => runCli(args, { cwd });

describe('brain-tumor evaluate', () => {
  let tmp: string, data: string, runDir: string;

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bt-eval-'));
    data = await writeTrainingSet(path.join(tmp, 'data'), 8, 4);
    // One Testing image that is a byte copy of a Training image: a leak the deduplicated split must drop.
    fs.copyFileSync(path.join(data, 'Training/glioma/glioma-0.png'), path.join(data, 'Testing/glioma/leaked.png'));
    const r = cli(['train', '--data', data, '--epochs', '2', '--size', '32', '--batch', '4', '--no-cache', '--json'], tmp);
    assert.equal(r.code, 0, r.err);
    const end = JSON.parse(r.out) as { runDir: string; evaluation: { official: { count: number }; deduplicated: { count: number } } };
    runDir = end.runDir;
    // Training ends with an evaluation of both splits, saved with the run.
    assert.equal(end.evaluation.official.count, 17);
    assert.equal(end.evaluation.deduplicated.count, 16);
    assert.ok(fs.existsSync(path.join(runDir, 'evaluation.json')));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('scores the official and the deduplicated Testing split, consistently', () => {
    const r = cli(['evaluate', '--model', runDir, '--tta', '--json', '--no-cache'], tmp);
    assert.equal(r.code, 0, r.err);
    const report = JSON.parse(r.out) as EvaluationReport;
    const [official, dedup] = report.splits;
    assert.equal(official?.key, 'official');
    assert.equal(dedup?.key, 'deduplicated');
    assert.equal(official.count, 17);
    assert.equal(dedup.count, 16, 'the leaked copy is left out');
    assert.equal(report.leaks.count, 1);
    for (const s of report.splits) {
      const total = s.confusion.flat().reduce((a, b) => a + b, 0);
      assert.equal(total, s.count, 'the confusion matrix counts every image once');
      const correct = s.confusion.reduce((a, row, i) => a + row[i]!, 0);
      assert.ok(Math.abs(correct / s.count - s.accuracy) < 1e-4, 'accuracy is the confusion diagonal');
      assert.deepEqual(s.perClass.map((c) => c.support), s.confusion.map((row) => row.reduce((a, b) => a + b, 0)));
      assert.ok(s.ece >= 0 && s.ece <= 1 && s.calibrationBins.length === 15);
      assert.ok(s.tta && s.tta.accuracy >= 0 && s.tta.accuracy <= 1, 'TTA is scored separately');
      for (const roc of s.roc) assert.ok(roc && roc.fpr[0] === 0 && roc.tpr.at(-1) === 1);
    }
    // Galleries: every misclassified image is a real Testing file with a wrong prediction.
    for (const v of report.misclassified) {
      assert.notEqual(v.predicted, v.label);
      assert.ok(fs.existsSync(path.join(data, v.rel)), v.rel);
      assert.ok(Math.abs(v.probs.reduce((a, b) => a + b, 0) - 1) < 1e-3);
    }
    assert.equal(report.misclassified.length, official.count - Math.round(official.accuracy * official.count));
    // Temperature scaling needs at least 20 validation images; this run has 4 (15% of 32), so none is fitted.
    assert.equal(report.calibration, null);
    const meta = JSON.parse(fs.readFileSync(path.join(runDir, 'metadata.json'), 'utf8')) as { evaluation: { official: { accuracy: number } } };
    assert.equal(meta.evaluation.official.accuracy, official.accuracy, 'headline figures are saved with the model');
  });

  it('leaves a shipped or exported model folder untouched: its evaluations are kept in the cache (issue 13, item 10)', () => {
    const exp = path.join(tmp, 'exported');
    const ex = cli(['export', '--model', runDir, '--out', exp, '--quantize', 'none'], tmp);
    assert.equal(ex.code, 0, ex.err);
    const snapshot = () => Object.fromEntries(fs.readdirSync(exp).map((f) => [f, fs.readFileSync(path.join(exp, f), 'base64')]));
    const before = snapshot();
    const cache = path.join(tmp, 'cache');
    const r = cli(['evaluate', '--model', exp, '--data', data, '--cache', cache, '--json'], tmp);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(snapshot(), before, 'not one byte of the model folder changed (no evaluation.json, metadata.json as it was)');
    assert.match(r.err, /Evaluation kept in .*evaluations.* is a shipped or exported model, left as it is/);
    const kept = fs.readdirSync(path.join(cache, 'evaluations')).flatMap((d) => fs.readdirSync(path.join(cache, 'evaluations', d)).map((f) => path.join(cache, 'evaluations', d, f)));
    assert.equal(kept.length, 1);
    assert.equal((JSON.parse(fs.readFileSync(kept[0]!, 'utf8')) as EvaluationReport).modelDir, exp);
    assert.deepEqual(readEvaluation(exp, path.join(cache, 'evaluations'))?.createdAt, (JSON.parse(r.out) as EvaluationReport).createdAt, 'read back as the model\'s latest');
    // Whoever prepares a model to ship records its evaluation there on purpose.
    const into = cli(['evaluate', '--model', exp, '--data', data, '--cache', cache, '--into-model'], tmp);
    assert.equal(into.code, 0, into.err);
    assert.ok(fs.existsSync(path.join(exp, 'evaluation.json')));
  });

  it('a run folder that cannot be written keeps its evaluation in the cache instead of failing', () => {
    const report = JSON.parse(fs.readFileSync(path.join(runDir, 'evaluation.json'), 'utf8')) as EvaluationReport;
    const evaluations = path.join(tmp, 'ro-cache');
    const readOnly = () => { throw Object.assign(new Error('EROFS: read-only file system'), { code: 'EROFS' }); };
    const saved = saveEvaluation(runDir, { ...report, createdAt: '2030-01-01T00:00:00.000Z' }, evaluations, { write: readOnly });
    assert.equal(saved.inModelFolder, false);
    assert.match(saved.reason ?? '', /cannot be written \(EROFS\)/);
    assert.equal(readEvaluation(runDir, evaluations)?.createdAt, '2030-01-01T00:00:00.000Z', 'the newest evaluation is the one read');
    const other = () => { throw Object.assign(new Error('disk on fire'), { code: 'EIO' }); };
    assert.throws(() => saveEvaluation(runDir, report, evaluations, { write: other }), /disk on fire/, 'other failures are not hidden');
  });

  it('prints a readable table, and fails clearly for a model that does not fit', () => {
    const r = cli(['evaluate', '--model', runDir, '--no-cache'], tmp);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /Testing \(official\)\s+Testing \(deduplicated\)/);
    assert.match(r.out, /^accuracy\s+\d+\.\d\d%\s+\d+\.\d\d%$/m);
    assert.match(r.out, /Leaks: 1 Testing files have a near copy in Training/);

    // --split Validation scores the run's own held-out Training files (split.json), and leaves evaluation.json alone.
    const before = fs.readFileSync(path.join(runDir, 'evaluation.json'), 'utf8');
    const val = cli(['evaluate', '--model', runDir, '--split', 'Validation', '--json', '--no-cache'], tmp);
    assert.equal(val.code, 0, val.err);
    const valReport = JSON.parse(val.out) as EvaluationReport;
    const split = JSON.parse(fs.readFileSync(path.join(runDir, 'split.json'), 'utf8')) as { validation: string[] };
    assert.deepEqual(valReport.splits.map((s) => [s.key, s.count]), [['validation', split.validation.length]]);
    assert.equal(fs.readFileSync(path.join(runDir, 'evaluation.json'), 'utf8'), before);
    const badSplit = cli(['evaluate', '--model', runDir, '--split', 'Train'], tmp);
    assert.equal(badSplit.code, 2);
    assert.match(badSplit.err, /--split must be Testing or Validation, got "Train"/);

    // --report writes a self-contained HTML report and its JSON beside it.
    const html = path.join(tmp, 'report.html');
    const rep = cli(['evaluate', '--model', runDir, '--no-cache', '--report', html], tmp);
    assert.equal(rep.code, 0, rep.err);
    const page = fs.readFileSync(html, 'utf8');
    assert.match(page, /<h2>Model card<\/h2>/);
    assert.match(page, /not for clinical/i);
    assert.match(page, /Testing \(deduplicated\)/);
    assert.doesNotMatch(page, /<script|https?:\/\//i, 'no scripts, no remote content');
    assert.equal((JSON.parse(fs.readFileSync(path.join(tmp, 'report.json'), 'utf8')) as EvaluationReport).format, 'brain-tumor-evaluation');

    const broken = path.join(tmp, 'broken');
    fs.cpSync(runDir, broken, { recursive: true });
    const metaFile = path.join(broken, 'metadata.json');
    const meta = JSON.parse(fs.readFileSync(metaFile, 'utf8')) as { classes: string[] };
    meta.classes = ['cat', 'dog'];
    fs.writeFileSync(metaFile, JSON.stringify(meta));
    const bad = cli(['evaluate', '--model', broken, '--no-cache'], tmp);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /predicts the classes \["cat","dog"\]; this version needs \["glioma","meningioma","notumor","pituitary"\]/);
    const missing = cli(['evaluate', '--model', path.join(tmp, 'nowhere')], tmp);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /run metadata is missing/);
    const noTesting = cli(['evaluate', '--model', runDir, '--data', path.join(data, 'Training'), '--no-cache'], tmp);
    assert.equal(noTesting.code, 2);
    assert.match(noTesting.err, /no usable images in a Testing split/);
  });
});
