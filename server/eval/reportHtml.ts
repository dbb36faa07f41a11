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
 *
 * The words are in the current language (the bundle @vscode/l10n is configured with: ../language.ts's useBundle in
 * the backend; in the extension host, l10n.config with vscode.l10n.bundle and setNumberLanguage) and the numbers in
 * its format; `<html lang>` is that language (numberFormat.ts keeps it). The figures are the same in every language.
 * The messages are trusted HTML from the bundle; every value put into them is escaped.
 */
import * as l10n from '@vscode/l10n';
import type { EvaluationReport, ImageVerdict, SplitScores } from '../protocol';
import { className } from '../data/classNames';
import { dec, int, numberLanguage, pct } from '../numberFormat';
import { formatMetric, HEADLINE_METRICS, TTA_METRICS } from './figureRows';
import { esc, table } from './reportHtmlParts';
import { modelCard } from './reportModelCard';
import { configSection, curvesSection, datasetSection, type ReportRunInfo } from './reportRunHtml';
import { REPORT_STYLE } from './reportStyle';
import { confusionSvg, reliabilitySvg, rocSvg } from './reportSvg';
import { detectionSection, externalSection, robustnessSection, VALIDATION_STYLE } from './reportValidationHtml';

export { escapeHtml } from './reportHtmlParts';
export { datasetCountsFromScan, type ReportRunInfo } from './reportRunHtml';

function splitNote(key: string): string {
  switch (key) {
    case 'official': return l10n.t('The whole Testing split, as published. Some of its images have a near copy in Training, so this number is optimistic.');
    case 'deduplicated': return l10n.t('Testing without the images that have a near copy in Training: the fairer estimate of accuracy on unseen scans.');
    case 'validation': return l10n.t('The validation images held out of Training during the run.');
    default: return '';
  }
}

function headline(r: EvaluationReport): string {
  const s = r.splits;
  const metrics = s.some((x) => x.tta) ? [...HEADLINE_METRICS, ...TTA_METRICS] : HEADLINE_METRICS;
  const rows = metrics.map((m) => [esc(m.reportLabel ?? m.label), ...s.map((x) => esc(formatMetric(m, m.get(x))))]);
  return table([l10n.t('Metric'), ...s.map((x) => esc(x.label))], rows, 'grid headline');
}

function factsSection(r: EvaluationReport): string {
  const b = r.backend;
  const cal = r.calibration;
  const greyscale = r.model.channels === 1;
  const biases = cal?.bias ? r.classes.map((c, i) => `${esc(className(c))} ${esc(dec(cal.bias![i]!, 3))}`).join(', ') : '';
  const rows: [string, string][] = [
    [l10n.t('Model'), greyscale ? l10n.t('{0}, {1} px greyscale, {2} parameters', esc(r.model.name), esc(int(r.model.inputSize)), esc(int(r.model.params)))
      : l10n.t('{0}, {1} px RGB, {2} parameters', esc(r.model.name), esc(int(r.model.inputSize)), esc(int(r.model.params)))],
    [l10n.t('Run'), r.runId ? esc(r.runId) : '–'],
    [l10n.t('Model folder'), `<code>${esc(r.modelDir)}</code>`],
    [l10n.t('Dataset folder'), `<code>${esc(r.dataRoot)}</code>`],
    [l10n.t('Evaluated'), l10n.t('{0} in {1} s ({2} images, {3} img/s)', esc(r.createdAt), esc(dec(r.timing.ms / 1000, 1)), esc(int(r.timing.images)), esc(dec(r.timing.imgPerSec, 1)))],
    [l10n.t('Backend'), `${b.threads === 1 ? l10n.t('{0}, {1} thread', esc(b.kind), esc(int(b.threads))) : l10n.t('{0}, {1} threads', esc(b.kind), esc(int(b.threads)))}${b.simd ? ', SIMD' : ''}`],
    [l10n.t('Calibration'), !cal ? l10n.t('none (raw softmax probabilities)') : cal.bias
      ? l10n.t('temperature {0} and class biases {1} fitted on {2} validation images (NLL {3} → {4}); probabilities below are after scaling',
        esc(dec(cal.temperature, 3)), biases, esc(int(cal.count)), esc(dec(cal.nllBefore, 4)), esc(dec(cal.nllAfter, 4)))
      : l10n.t('temperature {0} fitted on {1} validation images (NLL {2} → {3}); probabilities below are after scaling',
        esc(dec(cal.temperature, 3)), esc(int(cal.count)), esc(dec(cal.nllBefore, 4)), esc(dec(cal.nllAfter, 4)))],
    [l10n.t('Test-time augmentation'), r.tta ? l10n.t('yes: mean of each image and its mirror, reported in the TTA rows') : l10n.t('no')],
  ];
  return `<table class="facts"><tbody>${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${v}</td></tr>`).join('')}</tbody></table>`;
}

function splitSection(s: SplitScores, classes: readonly string[]): string {
  const perClass = table([l10n.t('Class'), l10n.t('Precision'), l10n.t('Recall'), 'F1', l10n.t('Support'), l10n.t('Predicted'), 'AUC'],
    classes.map((c, i) => {
      const p = s.perClass[i];
      return [esc(className(c)), esc(pct(p?.precision)), esc(pct(p?.recall)), esc(pct(p?.f1)), esc(int(p?.support)), esc(int(p?.predicted)), esc(dec(p?.auc, 3))];
    }).concat([[
      l10n.t('macro average'), esc(pct(s.macro.precision)), esc(pct(s.macro.recall)), esc(pct(s.macro.f1)), esc(int(s.count)), '', esc(dec(s.rocAucMacro, 3)),
    ], [l10n.t('weighted average'), esc(pct(s.weighted.precision)), esc(pct(s.weighted.recall)), esc(pct(s.weighted.f1)), esc(int(s.count)), '', '']]),
    'grid per-class');
  return `<section class="split"><h2>${l10n.t('{0}: {1} accuracy on {2} images', esc(s.label), esc(pct(s.accuracy)), esc(int(s.count)))}</h2>` +
    `<p class="muted">${esc(splitNote(s.key))}</p>${perClass}` +
    `<div class="plots">${confusionSvg(s, classes)}${rocSvg(s, classes)}${reliabilitySvg(s)}</div></section>`;
}

function verdictTable(list: ImageVerdict[], classes: readonly string[], limit = 40): string {
  if (!list.length) return `<p class="muted">${l10n.t('None.')}</p>`;
  const rows = list.slice(0, limit).map((v) => [
    `<code>${esc(v.rel)}</code>${v.inDeduplicated ? '' : ` <span class="tag">${l10n.t('near copy in Training')}</span>`}`,
    esc(className(v.label)), esc(className(v.predicted)), ...classes.map((_, i) => esc(pct(v.probs[i]))),
  ]);
  return table([l10n.t('File'), l10n.t('True'), l10n.t('Predicted'), ...classes.map((c) => `p(${esc(className(c))})`)], rows, 'grid verdicts', 3) +
    (list.length > limit ? `<p class="muted">${l10n.t('… and {0} more in the JSON report.', esc(int(list.length - limit)))}</p>` : '');
}

/** The whole report as one HTML document. `run` adds the configuration, curves and dataset counts when known. */
export function renderReportHtml(report: EvaluationReport, run: ReportRunInfo | null): string {
  const r = report;
  const name = r.runId ?? r.model.name;
  const body = [
    `<header><h1>${l10n.t('Evaluation report: {0}', esc(name))}</h1>`,
    `<p class="muted">${l10n.t('{0} on {1} · {2} · backend {3}', esc(r.model.name), `<code>${esc(r.dataRoot)}</code>`, esc(r.createdAt), esc(r.backend.kind))}</p>`,
    `<p class="banner">${l10n.t('Research use only, not for clinical diagnosis.')}</p></header>`,
    factsSection(r),
    `<h2>${l10n.t('Headline metrics')}</h2>`, headline(r),
    `<p class="muted">${l10n.t('Accuracy and F1 in percent. ROC-AUC is one class against the rest, averaged over classes. ECE is the expected calibration error (15 equal-width confidence bins); NLL the mean negative log-likelihood of the true class. Lower is better for both.')}</p>`,
    detectionSection(r), externalSection(r), robustnessSection(r),
    `<h2>${l10n.t('Dataset')}</h2>`, datasetSection(r, run),
    `<h2>${l10n.t('Training configuration')}</h2>`, configSection(run?.config),
    `<h2>${l10n.t('Training curves')}</h2>`, curvesSection(run?.history, run?.bestEpoch),
    ...r.splits.map((s) => splitSection(s, r.classes)),
    `<h2>${l10n.t('Misclassified images ({0})', esc(int(r.misclassified.length)))}</h2>`, verdictTable(r.misclassified, r.classes),
    `<h2>${l10n.t('Least confident predictions ({0})', esc(int(r.leastConfident.length)))}</h2>`, verdictTable(r.leastConfident, r.classes),
    modelCard(r),
    `<footer>${l10n.t('Written by the Brain Tumor Detection extension from the evaluation of {0}. Research use only, not for clinical diagnosis.', esc(r.createdAt))}</footer>`,
  ].join('\n');
  return `<!DOCTYPE html>
<html lang="${esc(numberLanguage())}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${l10n.t('Evaluation report: {0}', esc(name))}</title>
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
