/** The exported HTML evaluation report, and validation of what the Metrics webview sends and saves. */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { resolveInside } from '../../extension/panels/datasetMessages';
import { galleryPaths, isEvaluationReport, MAX_REL_LENGTH, parseFromMetricsView, parseMetricsViewState } from '../../extension/panels/metricsMessages';
import type { TumorClassName } from '../../server/protocol';
import { escapeHtml, renderReportHtml } from '../../server/eval/reportHtml';
import { FIXTURE_CONFIG, makeEvaluationReport, makeHistory, OFFICIAL_CONFUSION } from '../fixtures/evaluationReport';

const EVIL = '<img src=x onerror=alert(1)>';

describe('renderReportHtml', () => {
  const report = makeEvaluationReport();
  const html = renderReportHtml(report, { config: FIXTURE_CONFIG, history: makeHistory(), bestEpoch: 9,
    dataset: { counts: { Training: { glioma: 1321, meningioma: 1339, notumor: 1595, pituitary: 1457 } }, trainVal: { train: 4855, val: 857 } } });

  it('is one HTML document', () => {
    assert.match(html, /^<!DOCTYPE html>/);
    assert.match(html, /<\/html>\s*$/);
  });

  it('contains the headline numbers of both splits, formatted', () => {
    for (const s of report.splits) {
      assert.ok(html.includes(`${(s.accuracy * 100).toFixed(1)}%`), `accuracy of ${s.key}`);
      assert.ok(html.includes(`${(s.macro.f1 * 100).toFixed(1)}%`), `macro F1 of ${s.key}`);
      assert.ok(html.includes(s.ece.toFixed(4)), `ECE of ${s.key}`);
      assert.ok(html.includes(s.nll.toFixed(4)), `NLL of ${s.key}`);
      assert.ok(html.includes(s.label), `label of ${s.key}`);
      assert.ok(s.tta && html.includes(`${(s.tta.accuracy * 100).toFixed(1)}%`), `TTA accuracy of ${s.key}`);
    }
    // 1245 of 1311 correct on the official split.
    assert.ok(html.includes('95.0%'), 'official accuracy 1245 / 1311');
  });

  it('draws the confusion matrix counts, the training curves and the reliability bars', () => {
    for (const n of OFFICIAL_CONFUSION.flat()) assert.ok(html.includes(`>${n}</text>`), `count ${n}`);
    assert.match(html, /Loss per epoch/);
    assert.ok((html.match(/<polyline /g) ?? []).length >= 4 + 2 * 4, 'curves for loss, accuracy and ROC');
    assert.match(html, /class="bar"/);
  });

  it('has the model card: intended use, not clinical, data source, leakage, limitations', () => {
    assert.match(html, /Model card/);
    assert.match(html, /Research and education/);
    assert.match(html, /Not for clinical use/);
    assert.match(html, /Masoud Nickparvar/);
    for (const src of ['figshare', 'SARTAJ', 'Br35H']) assert.ok(html.includes(src), src);
    assert.match(html, /480 Testing images have a byte-identical or near copy in Training/);
    assert.match(html, /No tumour grading, no segmentation/);
    assert.match(html, /Distribution shift/);
    assert.match(html, /Calibration/);
  });

  it('has no script and loads nothing from the network', () => {
    assert.doesNotMatch(html, /<script/i);
    assert.doesNotMatch(html, /https?:\/\//i);
    assert.doesNotMatch(html, /\b(src|href)\s*=/i);
    assert.doesNotMatch(html, /@import|url\(/i);
  });

  it('escapes a malicious class name and file name everywhere', () => {
    const bad = makeEvaluationReport();
    bad.classes[1] = EVIL as TumorClassName;
    bad.splits[0]!.perClass[1]!.name = EVIL as TumorClassName;
    bad.misclassified[0]!.rel = `Testing/${EVIL}.jpg`;
    bad.misclassified[0]!.predicted = EVIL as TumorClassName;
    bad.skipped[0]!.rel = `"><script>alert(2)</script>`;
    bad.dataRoot = `/data/${EVIL}`;
    bad.runId = `run ${EVIL}`;
    const out = renderReportHtml(bad, { config: { ...FIXTURE_CONFIG, model: EVIL as 'seed-cnn' }, history: makeHistory(3),
      dataset: { counts: { [EVIL]: { glioma: 1 } } } });
    assert.ok(!out.includes(EVIL), 'the raw tag never appears');
    assert.doesNotMatch(out, /<img/i);
    assert.doesNotMatch(out, /<script/i);
    assert.ok(out.includes(escapeHtml(EVIL)), 'it appears escaped');
  });

  it('works without run information, and with a report lacking TTA, calibration and history', () => {
    const r = makeEvaluationReport({ tta: false });
    r.calibration = null;
    r.runId = null;
    r.skipped = [];
    const out = renderReportHtml(r, null);
    assert.doesNotMatch(out, /TTA accuracy/);
    assert.match(out, /No training history was available/);
    assert.match(out, /none \(raw softmax probabilities\)/);
    assert.match(out, /Research use only, not for clinical diagnosis/);
  });

  it('does not break on missing or non-finite numbers', () => {
    const r = makeEvaluationReport();
    const s = r.splits[0]!;
    s.rocAucMacro = null;
    s.roc[2] = null;
    s.perClass[2]!.auc = null;
    s.nll = NaN;
    s.calibrationBins = [];
    s.confusion[3] = [0, 0, 0, 0];
    const out = renderReportHtml(r, { history: [] });
    assert.doesNotMatch(out, /NaN|undefined|Infinity/);
  });
});

describe('escapeHtml', () => {
  it('escapes the five HTML specials and the backtick', () => {
    assert.equal(escapeHtml(`<a href="x" title='y'>&\`</a>`), '&#60;a href=&#34;x&#34; title=&#39;y&#39;&#62;&#38;&#96;&#60;/a&#62;');
  });
});

describe('Metrics panel messages', () => {
  it('accepts the messages the page sends', () => {
    assert.deepEqual(parseFromMetricsView({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parseFromMetricsView({ type: 'export' }), { type: 'export' });
    assert.deepEqual(parseFromMetricsView({ type: 'compare' }), { type: 'compare' });
    assert.deepEqual(parseFromMetricsView({ type: 'clearCompare' }), { type: 'clearCompare' });
    assert.deepEqual(parseFromMetricsView({ type: 'open', rel: 'Testing/glioma/Te-gl_0012.jpg' }), { type: 'open', rel: 'Testing/glioma/Te-gl_0012.jpg' });
    // Extra fields are dropped, not passed on.
    assert.deepEqual(parseFromMetricsView({ type: 'export', path: '/etc/passwd' }), { type: 'export' });
  });

  it('rejects non-objects, unknown types and malformed open messages', () => {
    for (const bad of [null, undefined, 42, 'open', [], [{ type: 'ready' }], {}, { type: 'nope' }, { type: 'READY' }, { type: 'open' },
      { type: 'open', rel: '' }, { type: 'open', rel: 7 }, { type: 'open', rel: 'a\0b' }, { type: 'open', rel: 'x'.repeat(MAX_REL_LENGTH) },
      { type: 'open', rel: { toString: () => 'a' } }]) {
      assert.equal(parseFromMetricsView(bad), undefined, JSON.stringify(bad) ?? typeof bad);
    }
    assert.ok(parseFromMetricsView({ type: 'open', rel: 'x'.repeat(MAX_REL_LENGTH - 1) }));
  });

  it('passes "../" paths through as strings, and resolveInside refuses those that leave the dataset', () => {
    const root = path.resolve('/data/brain');
    const m = parseFromMetricsView({ type: 'open', rel: '../../etc/passwd' });
    assert.ok(m?.type === 'open');
    assert.equal(resolveInside(root, m.rel), undefined);
    assert.equal(resolveInside(root, 'Testing/../../brain2/x.jpg'), undefined);
    assert.equal(resolveInside(root, path.resolve('/etc/passwd')), undefined);
    assert.equal(resolveInside(root, 'Testing/glioma/a.jpg'), path.join(root, 'Testing', 'glioma', 'a.jpg'));
    assert.equal(resolveInside(root, 'Testing/../Training/b.jpg'), path.join(root, 'Training', 'b.jpg'));
  });

  it('restores saved state only when it holds a report', () => {
    const report = makeEvaluationReport();
    const compare = makeEvaluationReport({ runId: 'other', accuracyShift: -0.02 });
    const state = JSON.parse(JSON.stringify({ report, compare, history: makeHistory(2), chartSplit: 'deduplicated' })) as unknown;
    const s = parseMetricsViewState(state);
    assert.ok(s);
    assert.equal(s.report?.runId, report.runId);
    assert.equal(s.compare?.runId, 'other');
    assert.equal(s.history?.length, 2);
    assert.equal(s.chartSplit, 'deduplicated');
    assert.equal(parseMetricsViewState(undefined), undefined);
    assert.equal(parseMetricsViewState({ report: null }), undefined);
    assert.equal(parseMetricsViewState({ report: { format: 'something-else' } }), undefined);
    const partial = parseMetricsViewState({ report, compare: { format: 'brain-tumor-evaluation' }, history: 'x', chartSplit: '<b>' });
    assert.deepEqual([partial?.compare, partial?.history, partial?.chartSplit], [null, null, 'official']);
  });

  it('recognises reports and lists gallery images once', () => {
    const report = makeEvaluationReport();
    assert.equal(isEvaluationReport(report), true);
    assert.equal(isEvaluationReport({ ...report, splits: [{ key: 'official' }] }), false);
    assert.equal(isEvaluationReport({ ...report, classes: [1, 2] }), false);
    const paths = galleryPaths(report);
    assert.equal(paths.length, new Set(paths).size);
    assert.ok(paths.includes('Testing/pituitary/Te-pi_0033.jpg'));
    assert.equal(paths.length, 6);
  });
});
