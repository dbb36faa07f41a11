/**
 * The exported evaluation report: ONE self-contained HTML file (inline <style>, hand-drawn inline SVG, no script, no
 * external resource of any kind) that opens in any browser and can be archived next to the model. It holds the
 * dataset summary, the training configuration and curves (reportRunHtml.ts), the metrics of every split, tumour vs
 * no tumour, the external sets and the robustness under perturbations (reportValidationHtml.ts), confusion matrices,
 * ROC curves, reliability diagrams (reportSvg.ts), the hardest images and a model card (reportModelCard.ts).
 *
 * Every string that comes from the report (class names, file paths, folder names) is escaped: a report is data read
 * from disk and a file name can hold anything. Everything that reaches the page goes through esc()
 * (reportHtmlParts.ts); numbers through pct/dec/int (../numberFormat.ts).
 */
import type { EvaluationReport, ImageVerdict, SplitScores } from '../protocol';
import { dec, int, pct } from '../numberFormat';
import { formatMetric, HEADLINE_METRICS, TTA_METRICS } from './figureRows';
import { esc, table } from './reportHtmlParts';
import { modelCard } from './reportModelCard';
import { configSection, curvesSection, datasetSection, type ReportRunInfo } from './reportRunHtml';
import { REPORT_STYLE } from './reportStyle';
import { confusionSvg, reliabilitySvg, rocSvg } from './reportSvg';
import { detectionSection, externalSection, robustnessSection, VALIDATION_STYLE } from './reportValidationHtml';

export { escapeHtml } from './reportHtmlParts';
export { datasetCountsFromScan, type ReportRunInfo } from './reportRunHtml';

const SPLIT_NOTE: Record<string, string> = {
  official: 'The whole Testing split, as published. Some of its images have a near copy in Training, so this number is optimistic.',
  deduplicated: 'Testing without the images that have a near copy in Training: the fairer estimate of accuracy on unseen scans.',
  validation: 'The validation images held out of Training during the run.',
};

function headline(r: EvaluationReport): string {
  const s = r.splits;
  const metrics = s.some((x) => x.tta) ? [...HEADLINE_METRICS, ...TTA_METRICS] : HEADLINE_METRICS;
  const rows = metrics.map((m) => [esc(m.reportLabel ?? m.label), ...s.map((x) => esc(formatMetric(m, m.get(x))))]);
  return table(['Metric', ...s.map((x) => esc(x.label))], rows, 'grid headline');
}

function factsSection(r: EvaluationReport): string {
  const b = r.backend;
  const cal = r.calibration;
  const rows: [string, string][] = [
    ['Model', `${esc(r.model.name)}, ${esc(int(r.model.inputSize))} px ${r.model.channels === 1 ? 'greyscale' : 'RGB'}, ${esc(int(r.model.params))} parameters`],
    ['Run', r.runId ? esc(r.runId) : '–'],
    ['Model folder', `<code>${esc(r.modelDir)}</code>`],
    ['Dataset folder', `<code>${esc(r.dataRoot)}</code>`],
    ['Evaluated', `${esc(r.createdAt)} in ${esc(dec(r.timing.ms / 1000, 1))} s (${esc(int(r.timing.images))} images, ${esc(dec(r.timing.imgPerSec, 1))} img/s)`],
    ['Backend', `${esc(b.kind)}, ${esc(int(b.threads))} thread${b.threads === 1 ? '' : 's'}${b.simd ? ', SIMD' : ''}`],
    ['Calibration', cal ? `temperature ${esc(dec(cal.temperature, 3))}${cal.bias ? ` and class biases ${r.classes.map((c, i) => `${esc(c)} ${esc(dec(cal.bias![i]!, 3))}`).join(', ')}` : ''} fitted on ${esc(int(cal.count))} validation images (NLL ${esc(dec(cal.nllBefore, 4))} → ${esc(dec(cal.nllAfter, 4))}); probabilities below are after scaling`
      : 'none (raw softmax probabilities)'],
    ['Test-time augmentation', r.tta ? 'yes: mean of each image and its mirror, reported in the TTA rows' : 'no'],
  ];
  return `<table class="facts"><tbody>${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${v}</td></tr>`).join('')}</tbody></table>`;
}

function splitSection(s: SplitScores, classes: readonly string[]): string {
  const perClass = table(['Class', 'Precision', 'Recall', 'F1', 'Support', 'Predicted', 'AUC'],
    classes.map((c, i) => {
      const p = s.perClass[i];
      return [esc(c), esc(pct(p?.precision)), esc(pct(p?.recall)), esc(pct(p?.f1)), esc(int(p?.support)), esc(int(p?.predicted)), esc(dec(p?.auc, 3))];
    }).concat([[
      'macro average', esc(pct(s.macro.precision)), esc(pct(s.macro.recall)), esc(pct(s.macro.f1)), esc(int(s.count)), '', esc(dec(s.rocAucMacro, 3)),
    ], ['weighted average', esc(pct(s.weighted.precision)), esc(pct(s.weighted.recall)), esc(pct(s.weighted.f1)), esc(int(s.count)), '', '']]),
    'grid per-class');
  return `<section class="split"><h2>${esc(s.label)}: ${esc(pct(s.accuracy))} accuracy on ${esc(int(s.count))} images</h2>` +
    `<p class="muted">${esc(Object.hasOwn(SPLIT_NOTE, s.key) ? SPLIT_NOTE[s.key] : '')}</p>${perClass}` +
    `<div class="plots">${confusionSvg(s, classes)}${rocSvg(s, classes)}${reliabilitySvg(s)}</div></section>`;
}

function verdictTable(list: ImageVerdict[], classes: readonly string[], limit = 40): string {
  if (!list.length) return '<p class="muted">None.</p>';
  const rows = list.slice(0, limit).map((v) => [
    `<code>${esc(v.rel)}</code>${v.inDeduplicated ? '' : ' <span class="tag">near copy in Training</span>'}`,
    esc(v.label), esc(v.predicted), ...classes.map((_, i) => esc(pct(v.probs[i]))),
  ]);
  return table(['File', 'True', 'Predicted', ...classes.map((c) => `p(${esc(c)})`)], rows, 'grid verdicts', 3) +
    (list.length > limit ? `<p class="muted">… and ${esc(int(list.length - limit))} more in the JSON report.</p>` : '');
}

/** The whole report as one HTML document. `run` adds the configuration, curves and dataset counts when known. */
export function renderReportHtml(report: EvaluationReport, run: ReportRunInfo | null): string {
  const r = report;
  const name = r.runId ?? r.model.name;
  const body = [
    `<header><h1>Evaluation report: ${esc(name)}</h1>`,
    `<p class="muted">${esc(r.model.name)} on <code>${esc(r.dataRoot)}</code> · ${esc(r.createdAt)} · backend ${esc(r.backend.kind)}</p>`,
    '<p class="banner">Research use only, not for clinical diagnosis.</p></header>',
    factsSection(r),
    '<h2>Headline metrics</h2>', headline(r),
    '<p class="muted">Accuracy and F1 in percent. ROC-AUC is one class against the rest, averaged over classes. ECE is the expected calibration error ' +
      '(15 equal-width confidence bins); NLL the mean negative log-likelihood of the true class. Lower is better for both.</p>',
    detectionSection(r), externalSection(r), robustnessSection(r),
    '<h2>Dataset</h2>', datasetSection(r, run),
    '<h2>Training configuration</h2>', configSection(run?.config),
    '<h2>Training curves</h2>', curvesSection(run?.history, run?.bestEpoch),
    ...r.splits.map((s) => splitSection(s, r.classes)),
    `<h2>Misclassified images (${esc(int(r.misclassified.length))})</h2>`, verdictTable(r.misclassified, r.classes),
    `<h2>Least confident predictions (${esc(int(r.leastConfident.length))})</h2>`, verdictTable(r.leastConfident, r.classes),
    modelCard(r),
    `<footer>Written by the Brain Tumor Detection extension from the evaluation of ${esc(r.createdAt)}. Research use only, not for clinical diagnosis.</footer>`,
  ].join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>Evaluation report: ${esc(name)}</title>
<style>${REPORT_STYLE}${VALIDATION_STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}
