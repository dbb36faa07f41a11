/**
 * The exported report's validation parts: tumour vs no tumour on each Testing split, the external sets, the
 * robustness under perturbations, and the model card's table that puts them beside the official and deduplicated
 * Testing figures. Evaluations saved by older versions lack these fields: each part then says so or is left out.
 */
import * as l10n from '@vscode/l10n';
import type { EvaluationReport, ExternalScores } from '../protocol';
import { int, pct, plain } from '../numberFormat';
import { DETECTION_ROWS } from './figureRows';
import { externalSets, perturbations, reviewThreshold, splitsWithDetection, trainingSources } from './optionalParts';
import { esc, table } from './reportHtmlParts';
import { className } from '../data/classNames';
import {
  confidentMissText, countOf, detectionNote, dropPoints, isLargeDrop, LARGE_DROP, noExternalHint, robustnessNote, whyFiguresDiffer,
} from './validationText';

const CALLED = ['glioma', 'meningioma', 'notumor', 'pituitary'] as const;

/** A drop in points, with a sign and words when it is large (never colour alone). */
function drop(d: number | null | undefined): string {
  return isLargeDrop(d) ? `<strong class="large-drop">${esc(dropPoints(d))} ⚠<span class="sr-only"> ${l10n.t('(large drop)')}</span></strong>` : esc(dropPoints(d));
}

/** Tumour vs no tumour per Testing split, or '' when no split has the figures (older evaluations). */
export function detectionSection(r: EvaluationReport): string {
  const splits = splitsWithDetection(r);
  if (!splits.length) return '';
  return `<h2>${l10n.t('Tumour vs no tumour')}</h2>` + `<p class="muted">${esc(detectionNote())}</p>` +
    table([l10n.t('Metric'), ...splits.map((s) => esc(s.label))], DETECTION_ROWS.map((row) => [esc(row.label), ...splits.map((s) => esc(row.get(s.detection)))]),
      'grid headline detection') + `<p class="muted">${esc(confidentMissText(reviewThreshold(r)))}</p>`;
}

function imagesText(x: ExternalScores): string {
  const fine = x.labels?.fine ?? 0, coarse = x.labels?.coarse ?? 0;
  return `${int(x.count)} <span class="muted">(${esc(!coarse ? l10n.t('{0} fine', int(fine)) : !fine ? l10n.t('{0} coarse', int(coarse))
    : l10n.t('{0} fine, {1} coarse', int(fine), int(coarse)))})</span>`;
}

/** External sets: the explanation, one row per set, how its images were called; a hint when there is none. */
export function externalSection(r: EvaluationReport): string {
  const sets = externalSets(r);
  const sources = trainingSources(r);
  const out = [`<h2>${l10n.t('External validation')}</h2>`, `<p class="callout"><strong>${l10n.t('Official, deduplicated, external.')}</strong> ${esc(whyFiguresDiffer())}</p>`];
  if (sources.length) out.push(`<p>${l10n.t('The model trained on {0}.', sources.map((s) => `<code>${esc(s)}</code>`).join(', '))}</p>`);
  if (!sets.length) return [...out, `<p class="muted">${esc(noExternalHint())}</p>`].join('\n');
  out.push(table([l10n.t('External set'), l10n.t('Images'), l10n.t('Sensitivity'), l10n.t('Specificity'), l10n.t('Confident misses'), l10n.t('Confident false alarms'),
    l10n.t('Near copies left out'), l10n.t('Sensitivity, deduplicated')], sets.map((x) => [
    `<span title="${esc(x.root)}">${esc(x.name)}</span>`, imagesText(x), `<strong>${esc(pct(x.sensitivity))}</strong>`,
    esc(pct(x.specificity)), `<strong>${esc(countOf(x.confidentMisses))}</strong>`, esc(countOf(x.confidentFalseAlarms)), esc(int(x.nearCopies)),
    esc(pct(x.deduplicated ? x.deduplicated.sensitivity : x.sensitivity)),
  ]), 'grid external'));
  out.push(`<p class="muted small">${l10n.t('Near copies: images with a near copy among the model\'s training images, left out of the deduplicated sensitivity. Folders: {0}.',
    sets.map((x) => `${esc(x.name)} <code>${esc(x.root)}</code>`).join('; '))}</p>`);
  if (!splitsWithDetection(r).length) out.push(`<p class="muted">${esc(confidentMissText(reviewThreshold(r)))}</p>`);
  out.push(`<h3>${l10n.t('How the images were called')}</h3>`, table([l10n.t('External set'), ...CALLED.map((c) => esc(className(c))), l10n.t('4-class accuracy'), l10n.t('Macro F1')], sets.map((x) => [
    esc(x.name), ...CALLED.map((c) => esc(int(x.predicted?.[c]))), esc(x.fine ? pct(x.fine.accuracy) : '–'), esc(x.fine ? pct(x.fine.macro?.f1) : '–'),
  ])));
  for (const x of sets) {
    const files = Array.isArray(x.confidentMissFiles) ? x.confidentMissFiles : [];
    if (files.length) {
      out.push(`<p class="muted">${l10n.t('Most confident misses in {0}: {1}', esc(x.name), files.slice(0, 10).map((f) => `<code>${esc(f)}</code>`).join(', '))}</p>`);
    }
    const skipped = Array.isArray(x.skipped) ? x.skipped : [];
    if (skipped.length) {
      out.push(`<p class="muted">${l10n.t('{0} image(s) of {1} could not be decoded and were skipped: {2}', esc(int(skipped.length)), esc(x.name),
        `${skipped.slice(0, 10).map((s) => `<code>${esc(s.rel)}</code>`).join(', ')}${skipped.length > 10 ? ', …' : ''}`)}</p>`);
    }
  }
  return out.join('\n');
}

/** Testing under perturbations against the clean baseline, or '' when none were scored. */
export function robustnessSection(r: EvaluationReport): string {
  const list = perturbations(r);
  if (!list) return '';
  const b = r.perturbationBaseline;
  const out = [`<h2>${l10n.t('Robustness')}</h2>`, `<p class="muted">${esc(robustnessNote())}</p>`];
  if (b) {
    out.push(`<p>${b.deduplicatedAccuracy === null
      ? l10n.t('<strong>Clean baseline:</strong> {0} official ({1} images, the same decoding with no change; seed {2}).', esc(pct(b.accuracy)), esc(int(b.count)), esc(int(b.seed)))
      : l10n.t('<strong>Clean baseline:</strong> {0} official, {1} deduplicated ({2} images, the same decoding with no change; seed {3}).',
        esc(pct(b.accuracy)), esc(pct(b.deduplicatedAccuracy)), esc(int(b.count)), esc(int(b.seed)))}</p>`);
  }
  out.push(table([l10n.t('Perturbation'), l10n.t('Accuracy'), l10n.t('Drop (points)'), l10n.t('Accuracy, deduplicated'), l10n.t('Drop, deduplicated'),
    l10n.t('Sensitivity'), l10n.t('Confident misses')],
    list.map((p) => [`${esc(p.name)}<br><span class="muted small">${esc(p.description)}</span>`, esc(pct(p.accuracy)), drop(p.drop),
      esc(pct(p.deduplicatedAccuracy)), drop(p.deduplicatedDrop), esc(pct(p.sensitivity)), esc(countOf(p.confidentMisses))]), 'grid robustness'));
  const large = list.filter((p) => isLargeDrop(p.drop) || isLargeDrop(p.deduplicatedDrop));
  out.push(`<p class="muted">${large.length ? l10n.t('⚠ marks a drop of more than {0} points: {1}.', plain(LARGE_DROP * 100), large.map((p) => esc(p.name)).join(', '))
    : l10n.t('⚠ marks a drop of more than {0} points; none here.', plain(LARGE_DROP * 100))}</p>`);
  return out.join('\n');
}

/** The model card's "Figures" part: the official and deduplicated Testing figures, every external set and the perturbations side by side. */
export function modelCardFigures(r: EvaluationReport): string {
  const rows: string[][] = r.splits.map((s) => [esc(s.label), esc(int(s.count)), esc(pct(s.accuracy)), esc(pct(s.detection?.sensitivity)),
    esc(pct(s.detection?.specificity)), esc(s.detection ? countOf(s.detection.confidentMisses) : '–')]);
  for (const x of externalSets(r)) {
    rows.push([l10n.t('External: {0}', esc(x.name)), esc(int(x.count)), esc(x.fine ? pct(x.fine.accuracy) : '–'), esc(pct(x.sensitivity)), esc(pct(x.specificity)),
      esc(countOf(x.confidentMisses))]);
  }
  const out = [`<h3>${l10n.t('Figures')}</h3>`, `<p>${esc(whyFiguresDiffer())}</p>`,
    table([l10n.t('Set'), l10n.t('Images'), l10n.t('4-class accuracy'), l10n.t('Sensitivity (tumour vs none)'), l10n.t('Specificity'), l10n.t('Confident misses')],
      rows, 'grid model-card-figures')];
  if (!externalSets(r).length) {
    out.push(`<p class="muted">${l10n.t('No external set was scored for this report: how the model does on scans from another source is not known.')}</p>`);
  }
  const list = perturbations(r);
  if (list?.length) {
    out.push(`<p>${l10n.t('Under perturbations of the official Testing split (clean {0}):', esc(pct(r.perturbationBaseline?.accuracy)))}</p>`,
      table([l10n.t('Perturbation'), l10n.t('Accuracy'), l10n.t('Drop (points)'), l10n.t('Accuracy, deduplicated'), l10n.t('Drop, deduplicated')], list.map((p) => [
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
