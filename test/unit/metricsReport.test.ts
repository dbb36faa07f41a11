/**
 * The exported HTML evaluation report (with tumour vs no tumour, external sets, robustness and the model card's
 * figures, and an evaluation saved by an older version), and validation of what the Metrics webview sends and saves.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { resolveInside } from '../../extension/panels/datasetMessages';
import {
  galleryPaths, isEvaluationReport, MAX_REL_LENGTH, MAX_RENDERED_ROWS, parseFromMetricsView, parseMetricsViewState,
} from '../../extension/panels/metricsMessages';
import type { EvaluationReport, TumorClassName } from '../../server/protocol';
import { escapeHtml, renderReportHtml } from '../../server/eval/reportHtml';
import { NO_EXTERNAL_HINT, WHY_FIGURES_DIFFER } from '../../server/eval/validationText';
import { FIXTURE_CONFIG, FIXTURE_EXTERNAL, makeEvaluationReport, makeHistory, OFFICIAL_CONFUSION } from '../fixtures/evaluationReport';

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

/** An evaluation as an older version saved it: no external sets, perturbations, training sources or detection figures. */
function oldReport(): EvaluationReport {
  const r: Partial<EvaluationReport> & Pick<EvaluationReport, 'splits'> = makeEvaluationReport();
  delete r.external;
  delete r.perturbations;
  delete r.perturbationBaseline;
  delete r.trainingSources;
  for (const s of r.splits) delete s.detection;
  return JSON.parse(JSON.stringify(r)) as EvaluationReport;
}

/** The text of the report between two headings (each given by its text). */
function part(html: string, from: string, to: string): string {
  const a = html.indexOf(`>${from}</h`);
  const b = html.indexOf(`>${to}</h`, a + 1);
  assert.ok(a >= 0 && b > a, `${from} .. ${to}`);
  return html.slice(a, b);
}

describe('renderReportHtml: tumour vs no tumour, external sets, robustness', () => {
  const report = makeEvaluationReport();
  const html = renderReportHtml(report, null);

  it('gives tumour vs no tumour for both Testing splits', () => {
    const p = part(html, 'Tumour vs no tumour', 'External validation');
    assert.match(p, /<th>Sensitivity<\/th><td class="num">98\.5%<\/td><td class="num">97\.8%<\/td>/);
    assert.match(p, /<th>Confident misses<\/th><td class="num">8 of 906 \(0\.9%\)<\/td><td class="num">7 of 546 \(1\.3%\)<\/td>/);
    assert.match(p, /<th>Confident false alarms<\/th><td class="num">2 of 405 \(0\.5%\)<\/td>/);
    assert.match(p, /70% or more \(the review threshold\), so nothing flags them for review/);
  });

  it('has one row per external set with its figures, and why the figures differ', () => {
    const p = part(html, 'External validation', 'Robustness');
    assert.ok(p.includes(escapeHtml(WHY_FIGURES_DIFFER)), 'the explanation');
    assert.match(p, /<th><span title="\/home\/user\/data\/br35h-tumour">br35h-tumour<\/span><\/th><td class="num">859 <span class="muted">\(859 coarse\)<\/span><\/td>/);
    // sensitivity, specificity (none: no notumor image), confident misses, false alarms, near copies, deduplicated sensitivity
    assert.match(p, /<td class="num"><strong>12\.8%<\/strong><\/td><td class="num">–<\/td><td class="num"><strong>717 of 859 \(83\.5%\)<\/strong><\/td>/);
    assert.match(p, /<td class="num">0 of 0<\/td><td class="num">3<\/td><td class="num">12\.7%<\/td><\/tr>/);
    // How the images were called; no fine labels, so no 4-class figures.
    assert.match(p, /<th>br35h-tumour<\/th><td class="num">31<\/td><td class="num">52<\/td><td class="num">749<\/td><td class="num">27<\/td><td class="num">–<\/td><td class="num">–<\/td>/);
    assert.match(p, /<code>tumour\/y12\.jpg<\/code>/);
    assert.match(p, /The model trained on <code>\/home\/user\/data\/brain-tumor-mri<\/code>/);
  });

  it('gives the 4-class figures of a finely labelled external set', () => {
    const r = makeEvaluationReport();
    r.external[0] = { ...FIXTURE_EXTERNAL(), name: 'fine-set', labels: { fine: 1311, coarse: 0 }, fine: makeEvaluationReport().splits[0]! };
    const p = part(renderReportHtml(r, null), 'External validation', 'Robustness');
    assert.match(p, /<th>fine-set<\/th>(<td class="num">\d+<\/td>){4}<td class="num">95\.0%<\/td><td class="num">94\.7%<\/td>/);
  });

  it('lists the perturbations against the clean baseline and marks drops above 5 points in words and a sign', () => {
    const p = part(html, 'Robustness', 'Dataset');
    assert.match(p, /<strong>Clean baseline:<\/strong> 96\.2% official, 95\.2% deduplicated \(1,311 images/);
    assert.match(p, /<th>contrast-low<br><span class="muted small">contrast x0\.6 about the mean<\/span><\/th><td class="num">84\.4%<\/td><td class="num"><strong class="large-drop">11\.8 ⚠<span class="sr-only"> \(large drop\)<\/span><\/strong><\/td>/);
    assert.match(p, /<th>upscale<br>.*?<\/th><td class="num">96\.0%<\/td><td class="num">0\.2<\/td>/);
    assert.match(p, /marks a drop of more than 5 points: contrast-low, contrast-high, gamma-low\./);
    assert.equal((p.match(/class="large-drop"/g) ?? []).length, 6, 'three perturbations, official and deduplicated');
  });

  it('puts the external sets and the perturbations beside the Testing figures in the model card', () => {
    const p = part(html, 'Model card', 'Limitations');
    assert.ok(p.includes(escapeHtml(WHY_FIGURES_DIFFER)));
    assert.match(p, /<th>Testing \(official\)<\/th><td class="num">1,311<\/td><td class="num">95\.0%<\/td><td class="num">98\.5%<\/td>/);
    assert.match(p, /<th>Testing \(deduplicated\)<\/th><td class="num">831<\/td><td class="num">92\.8%<\/td>/);
    assert.match(p, /<th>External: br35h-tumour<\/th><td class="num">859<\/td><td class="num">–<\/td><td class="num">12\.8%<\/td><td class="num">–<\/td><td class="num">717 of 859 \(83\.5%\)<\/td>/);
    assert.match(p, /<th>contrast-low<\/th><td class="num">84\.4%<\/td><td class="num"><strong class="large-drop">11\.8 ⚠/);
    assert.match(html, /as the external sets above show/);
  });

  it('renders an evaluation saved before these fields existed', () => {
    const out = renderReportHtml(oldReport(), null);
    assert.doesNotMatch(out, /NaN|undefined|Infinity/);
    assert.doesNotMatch(out, />Tumour vs no tumour</);
    assert.doesNotMatch(out, />Robustness</);
    assert.ok(out.includes(escapeHtml(NO_EXTERNAL_HINT)), 'the hint on external folders');
    assert.match(out, /No external set was scored for this report/);
    assert.match(out, /<th>Testing \(official\)<\/th><td class="num">1,311<\/td><td class="num">95\.0%<\/td><td class="num">–<\/td>/);
    assert.match(out, /unknown and likely lower/);
  });

  it('shows the coarse label in the dataset counts only when the dataset has such images', () => {
    const withCoarse = renderReportHtml(report, { dataset: { counts: { Training: { glioma: 3, meningioma: 3, notumor: 3, pituitary: 3, tumour: 5 } } } });
    assert.match(withCoarse, /<th class="num">tumour \(type unknown\)<\/th>/);
    assert.match(withCoarse, /<th>Training<\/th><td class="num">3<\/td><td class="num">3<\/td><td class="num">3<\/td><td class="num">3<\/td><td class="num">5<\/td><td class="num">17<\/td>/);
    const without = renderReportHtml(report, { dataset: { counts: { Training: { glioma: 3, meningioma: 3, notumor: 3, pituitary: 3, tumour: 0 } } } });
    assert.doesNotMatch(without, /type unknown/);
  });

  it('escapes external set names, folders, files and perturbation descriptions', () => {
    const bad = makeEvaluationReport();
    const x = bad.external[0]!;
    x.name = EVIL;
    x.root = `/data/${EVIL}`;
    x.confidentMissFiles = [`${EVIL}.jpg`];
    x.skipped = [{ rel: EVIL, message: EVIL }];
    bad.trainingSources = [EVIL];
    bad.perturbations![0]!.description = EVIL;
    bad.perturbations![1]!.name = EVIL as 'flip';
    const out = renderReportHtml(bad, null);
    assert.ok(!out.includes(EVIL));
    assert.doesNotMatch(out, /<img/i);
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

  it('accepts the page\'s note of what it drew, within limits', () => {
    const rows = [{ name: 'br35h-tumour', sensitivity: '12.8%' }];
    assert.deepEqual(parseFromMetricsView({ type: 'rendered', runId: 'r1', external: rows, extra: 1 }), { type: 'rendered', runId: 'r1', external: rows });
    assert.deepEqual(parseFromMetricsView({ type: 'rendered', runId: null, external: [] }), { type: 'rendered', runId: null, external: [] });
    for (const bad of [{ type: 'rendered', runId: 'r1' }, { type: 'rendered', runId: 1, external: [] }, { type: 'rendered', runId: null, external: [{ name: 'a' }] },
      { type: 'rendered', runId: null, external: [{ name: 'a', sensitivity: 'x'.repeat(5000) }] },
      { type: 'rendered', runId: null, external: Array.from({ length: MAX_RENDERED_ROWS + 1 }, () => ({ name: 'a', sensitivity: '1%' })) }]) {
      assert.equal(parseFromMetricsView(bad), undefined, JSON.stringify(bad).slice(0, 120));
    }
  });

  it('restores an evaluation saved before external sets and perturbations existed, and refuses malformed ones', () => {
    const old = oldReport();
    assert.equal(isEvaluationReport(old), true);
    assert.equal(parseMetricsViewState({ report: old, chartSplit: 'official' })?.report?.runId, old.runId);
    assert.equal(isEvaluationReport({ ...makeEvaluationReport(), external: [{ name: 'x' }] }), false);
    assert.equal(isEvaluationReport({ ...makeEvaluationReport(), external: 'x' }), false);
    assert.equal(isEvaluationReport({ ...makeEvaluationReport(), perturbations: [{ name: 'blur' }] }), false);
    assert.equal(isEvaluationReport({ ...makeEvaluationReport(), perturbations: null }), true);
    assert.equal(isEvaluationReport({ ...makeEvaluationReport(), trainingSources: [1] }), false);
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
