/**
 * The exported report's validation parts: tumour vs no tumour on each Testing split, the external sets, the
 * robustness under perturbations, and the model card's table that puts them beside the official and deduplicated
 * Testing figures. Evaluations saved by older versions lack these fields: each part then says so or is left out.
 */
import type { EvaluationReport, ExternalScores } from '../protocol';
import { int, pct } from '../numberFormat';
import { DETECTION_ROWS } from './figureRows';
import { externalSets, perturbations, reviewThreshold, splitsWithDetection, trainingSources } from './optionalParts';
import { esc, table } from './reportHtmlParts';
import {
  confidentMissText, countOf, DETECTION_NOTE, dropPoints, isLargeDrop, LARGE_DROP, NO_EXTERNAL_HINT, ROBUSTNESS_NOTE, WHY_FIGURES_DIFFER,
} from './validationText';

const CALLED = ['glioma', 'meningioma', 'notumor', 'pituitary'] as const;

/** A drop in points, with a sign and words when it is large (never colour alone). */
function drop(d: number | null | undefined): string {
  return isLargeDrop(d) ? `<strong class="large-drop">${esc(dropPoints(d))} ⚠<span class="sr-only"> (large drop)</span></strong>` : esc(dropPoints(d));
}

/** Tumour vs no tumour per Testing split, or '' when no split has the figures (older evaluations). */
export function detectionSection(r: EvaluationReport): string {
  const splits = splitsWithDetection(r);
  if (!splits.length) return '';
  return '<h2>Tumour vs no tumour</h2>' + `<p class="muted">${esc(DETECTION_NOTE)}</p>` +
    table(['Metric', ...splits.map((s) => esc(s.label))], DETECTION_ROWS.map((row) => [esc(row.label), ...splits.map((s) => esc(row.get(s.detection)))]),
      'grid headline detection') + `<p class="muted">${esc(confidentMissText(reviewThreshold(r)))}</p>`;
}

function imagesText(x: ExternalScores): string {
  const fine = x.labels?.fine ?? 0, coarse = x.labels?.coarse ?? 0;
  return `${int(x.count)} <span class="muted">(${esc(!coarse ? `${int(fine)} fine` : !fine ? `${int(coarse)} coarse` : `${int(fine)} fine, ${int(coarse)} coarse`)})</span>`;
}

/** External sets: the explanation, one row per set, how its images were called; a hint when there is none. */
export function externalSection(r: EvaluationReport): string {
  const sets = externalSets(r);
  const sources = trainingSources(r);
  const out = ['<h2>External validation</h2>', `<p class="callout"><strong>Official, deduplicated, external.</strong> ${esc(WHY_FIGURES_DIFFER)}</p>`];
  if (sources.length) out.push(`<p>The model trained on ${sources.map((s) => `<code>${esc(s)}</code>`).join(', ')}.</p>`);
  if (!sets.length) return [...out, `<p class="muted">${esc(NO_EXTERNAL_HINT)}</p>`].join('\n');
  out.push(table(['External set', 'Images', 'Sensitivity', 'Specificity', 'Confident misses', 'Confident false alarms', 'Near copies left out',
    'Sensitivity, deduplicated'], sets.map((x) => [
    `<span title="${esc(x.root)}">${esc(x.name)}</span>`, imagesText(x), `<strong>${esc(pct(x.sensitivity))}</strong>`,
    esc(pct(x.specificity)), `<strong>${esc(countOf(x.confidentMisses))}</strong>`, esc(countOf(x.confidentFalseAlarms)), esc(int(x.nearCopies)),
    esc(pct(x.deduplicated ? x.deduplicated.sensitivity : x.sensitivity)),
  ]), 'grid external'));
  out.push(`<p class="muted small">Near copies: images with a near copy among the model's training images, left out of the deduplicated sensitivity. Folders: ${sets.map((x) => `${esc(x.name)} <code>${esc(x.root)}</code>`).join('; ')}.</p>`);
  if (!splitsWithDetection(r).length) out.push(`<p class="muted">${esc(confidentMissText(reviewThreshold(r)))}</p>`);
  out.push('<h3>How the images were called</h3>', table(['External set', ...CALLED, '4-class accuracy', 'Macro F1'], sets.map((x) => [
    esc(x.name), ...CALLED.map((c) => esc(int(x.predicted?.[c]))), esc(x.fine ? pct(x.fine.accuracy) : '–'), esc(x.fine ? pct(x.fine.macro?.f1) : '–'),
  ])));
  for (const x of sets) {
    const files = Array.isArray(x.confidentMissFiles) ? x.confidentMissFiles : [];
    if (files.length) out.push(`<p class="muted">Most confident misses in ${esc(x.name)}: ${files.slice(0, 10).map((f) => `<code>${esc(f)}</code>`).join(', ')}</p>`);
    const skipped = Array.isArray(x.skipped) ? x.skipped : [];
    if (skipped.length) out.push(`<p class="muted">${esc(int(skipped.length))} image(s) of ${esc(x.name)} could not be decoded and were skipped: ` +
      `${skipped.slice(0, 10).map((s) => `<code>${esc(s.rel)}</code>`).join(', ')}${skipped.length > 10 ? ', …' : ''}</p>`);
  }
  return out.join('\n');
}

/** Testing under perturbations against the clean baseline, or '' when none were scored. */
export function robustnessSection(r: EvaluationReport): string {
  const list = perturbations(r);
  if (!list) return '';
  const b = r.perturbationBaseline;
  const out = ['<h2>Robustness</h2>', `<p class="muted">${esc(ROBUSTNESS_NOTE)}</p>`];
  if (b) {
    out.push(`<p><strong>Clean baseline:</strong> ${esc(pct(b.accuracy))} official${b.deduplicatedAccuracy === null ? '' : `, ${esc(pct(b.deduplicatedAccuracy))} deduplicated`} ` +
      `(${esc(int(b.count))} images, the same decoding with no change; seed ${esc(int(b.seed))}).</p>`);
  }
  out.push(table(['Perturbation', 'Accuracy', 'Drop (points)', 'Accuracy, deduplicated', 'Drop, deduplicated', 'Sensitivity', 'Confident misses'],
    list.map((p) => [`${esc(p.name)}<br><span class="muted small">${esc(p.description)}</span>`, esc(pct(p.accuracy)), drop(p.drop),
      esc(pct(p.deduplicatedAccuracy)), drop(p.deduplicatedDrop), esc(pct(p.sensitivity)), esc(countOf(p.confidentMisses))]), 'grid robustness'));
  const large = list.filter((p) => isLargeDrop(p.drop) || isLargeDrop(p.deduplicatedDrop));
  out.push(`<p class="muted">⚠ marks a drop of more than ${LARGE_DROP * 100} points${large.length ? `: ${large.map((p) => esc(p.name)).join(', ')}.` : '; none here.'}</p>`);
  return out.join('\n');
}

/** The model card's "Figures" part: the official and deduplicated Testing figures, every external set and the perturbations side by side. */
export function modelCardFigures(r: EvaluationReport): string {
  const rows: string[][] = r.splits.map((s) => [esc(s.label), esc(int(s.count)), esc(pct(s.accuracy)), esc(pct(s.detection?.sensitivity)),
    esc(pct(s.detection?.specificity)), esc(s.detection ? countOf(s.detection.confidentMisses) : '–')]);
  for (const x of externalSets(r)) {
    rows.push([`External: ${esc(x.name)}`, esc(int(x.count)), esc(x.fine ? pct(x.fine.accuracy) : '–'), esc(pct(x.sensitivity)), esc(pct(x.specificity)),
      esc(countOf(x.confidentMisses))]);
  }
  const out = ['<h3>Figures</h3>', `<p>${esc(WHY_FIGURES_DIFFER)}</p>`,
    table(['Set', 'Images', '4-class accuracy', 'Sensitivity (tumour vs none)', 'Specificity', 'Confident misses'], rows, 'grid model-card-figures')];
  if (!externalSets(r).length) out.push('<p class="muted">No external set was scored for this report: how the model does on scans from another source is not known.</p>');
  const list = perturbations(r);
  if (list?.length) {
    out.push(`<p>Under perturbations of the official Testing split (clean ${esc(pct(r.perturbationBaseline?.accuracy))}):</p>`,
      table(['Perturbation', 'Accuracy', 'Drop (points)', 'Accuracy, deduplicated', 'Drop, deduplicated'], list.map((p) => [
        esc(p.name), esc(pct(p.accuracy)), drop(p.drop), esc(pct(p.deduplicatedAccuracy)), drop(p.deduplicatedDrop)]), 'grid model-card-perturbations'));
  }
  return out.join('\n');
}

export const VALIDATION_STYLE = `
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
.small { font-size: 0.85em; }
.large-drop { white-space: nowrap; }
table.external thead th { white-space: normal; vertical-align: bottom; max-width: 9em; }
table.external tbody th, table.robustness tbody th { white-space: normal; min-width: 9em; }
table.robustness tbody th .muted { font-weight: 400; }
table.external td, table.robustness td { white-space: nowrap; }
`;
