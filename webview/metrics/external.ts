/**
 * External validation: one row per external set (a dataset folder from a source the model never trained on) with
 * its tumour-vs-none figures, how its images were called, and the four-class scores where it has fine labels;
 * with the one paragraph that says why official, deduplicated and external numbers differ. Evaluations saved
 * before external sets existed have no `external` field: they get the hint on how to add some.
 */
import type { EvaluationReport, ExternalScores, TumorClassName } from '../../server/protocol';
import { externalSets, reviewThreshold, trainingSources } from '../../server/eval/optionalParts';
import { confidentMissText, countOf, NO_EXTERNAL_HINT, WHY_FIGURES_DIFFER } from '../../server/eval/validationText';
import { int, pct } from '../../server/numberFormat';
import { el } from '../dom';

const CALLED: TumorClassName[] = ['glioma', 'meningioma', 'notumor', 'pituitary'];

function th(text: string, title: string, num = true): HTMLTableCellElement {
  return el('th', { className: num ? 'num' : '', title }, text);
}

function imagesCell(x: ExternalScores): HTMLElement {
  const fine = x.labels?.fine ?? 0, coarse = x.labels?.coarse ?? 0;
  return el('td', { className: 'num', title: `${int(fine)} with a fine label (one of the four classes), ${int(coarse)} labelled only "tumour"` },
    int(x.count), el('span', { className: 'sub muted' }, !coarse ? `${int(fine)} fine` : !fine ? `${int(coarse)} coarse` : `${int(fine)} fine, ${int(coarse)} coarse`));
}

function scoresRow(x: ExternalScores, i: number): HTMLTableRowElement {
  const sens = el('td', { className: 'num strong', id: `external-${i}-sensitivity` }, pct(x.sensitivity));
  sens.dataset.testid = 'external-sensitivity';
  sens.dataset.external = x.name;
  const misses = el('td', { className: `num rate${(x.confidentMisses?.count ?? 0) > 0 ? ' misses' : ''}`, id: `external-${i}-confident-misses` }, countOf(x.confidentMisses));
  const dedup = el('td', { className: 'num', id: `external-${i}-dedup-sensitivity`,
    title: x.deduplicated ? `${int(x.deduplicated.count)} images without the near copies` : 'No near copy to leave out: the same as the sensitivity' },
  x.deduplicated ? pct(x.deduplicated.sensitivity) : pct(x.sensitivity));
  return el('tr', {},
    el('th', { className: 'set-name', title: x.root }, x.name),
    imagesCell(x), sens,
    el('td', { className: 'num', id: `external-${i}-specificity` }, pct(x.specificity)),
    misses,
    el('td', { className: 'num rate', id: `external-${i}-false-alarms` }, countOf(x.confidentFalseAlarms)),
    el('td', { className: 'num', id: `external-${i}-near-copies` }, int(x.nearCopies)),
    dedup);
}

function scoresTable(sets: ExternalScores[]): HTMLElement {
  return el('div', { className: 'table-wrap' }, el('table', { className: 'grid external', id: 'external' },
    el('thead', {}, el('tr', {},
      th('External set', 'The folder\'s name; hover for its full path', false),
      th('Images', 'Images scored, with a fine label (glioma, meningioma, notumor, pituitary) or only the coarse "tumour" label'),
      th('Sensitivity', 'Tumour images called a tumour class'),
      th('Specificity', 'Notumor images called notumor (– without notumor images)'),
      th('Confident misses', 'Tumour images called notumor at or above the review threshold'),
      th('Confident false alarms', 'Notumor images called a tumour at or above the review threshold'),
      th('Near copies', 'Images with a near copy among the model\'s training images, left out of the deduplicated figure'),
      th('Sensitivity, deduplicated', 'Sensitivity without the near copies of training images'))),
    el('tbody', {}, ...sets.map(scoresRow))));
}

function calledTable(sets: ExternalScores[]): HTMLElement {
  return el('div', { className: 'table-wrap' }, el('table', { className: 'grid external-called', id: 'external-called' },
    el('thead', {}, el('tr', {}, th('Called as', 'How the model called the images of each set', false), ...CALLED.map((c) => th(c, `Images predicted ${c}`)),
      th('4-class accuracy', 'On the images with a fine label; – when the set has none'), th('Macro F1', 'On the images with a fine label'))),
    el('tbody', {}, ...sets.map((x, i) => el('tr', {},
      el('th', { title: x.root }, x.name),
      ...CALLED.map((c) => el('td', { className: 'num', id: `external-${i}-called-${c}` }, int(x.predicted?.[c]))),
      el('td', { className: 'num', id: `external-${i}-accuracy` }, x.fine ? pct(x.fine.accuracy) : '–'),
      el('td', { className: 'num', id: `external-${i}-macro-f1` }, x.fine ? pct(x.fine.macro?.f1) : '–'))))));
}

function notes(sets: ExternalScores[]): HTMLElement[] {
  const out: HTMLElement[] = [];
  for (const x of sets) {
    const files = Array.isArray(x.confidentMissFiles) ? x.confidentMissFiles : [];
    if (files.length) {
      out.push(el('p', { className: 'muted small' }, `Most confident misses in ${x.name}: `,
        ...files.slice(0, 5).flatMap((f, k) => [k ? ', ' : '', el('code', { title: `${x.root}/${f}` }, f)])));
    }
    const skipped = Array.isArray(x.skipped) ? x.skipped : [];
    if (skipped.length) {
      out.push(el('p', { className: 'muted small' }, `${int(skipped.length)} image${skipped.length === 1 ? '' : 's'} of ${x.name} could not be decoded and ` +
        `${skipped.length === 1 ? 'was' : 'were'} skipped: ${skipped.slice(0, 3).map((s) => s.rel).join(', ')}${skipped.length > 3 ? ', ...' : ''}`));
    }
  }
  return out;
}

/** The section; `explainConfident` adds the definition of the confident errors (when no section above gave it). */
export function externalSection(r: EvaluationReport, explainConfident: boolean): HTMLElement {
  const sets = externalSets(r);
  const section = el('section', { id: 'external-section' }, el('h2', {}, 'External validation'),
    el('p', { className: 'callout', id: 'why-differ' }, el('strong', {}, 'Official, deduplicated, external. '), WHY_FIGURES_DIFFER));
  const sources = trainingSources(r);
  if (sources.length) {
    section.append(el('p', { className: 'muted', id: 'training-sources' }, `The model trained on ${sources.length === 1 ? '' : `${sources.length} sources: `}`,
      ...sources.flatMap((s, k) => [k ? ', ' : '', el('code', {}, s)]), '.'));
  }
  if (!sets.length) {
    section.append(el('p', { className: 'muted', id: 'external-hint' }, NO_EXTERNAL_HINT));
    return section;
  }
  section.append(scoresTable(sets));
  if (explainConfident) section.append(el('p', { className: 'muted' }, confidentMissText(reviewThreshold(r))));
  section.append(el('h3', {}, 'How the images were called'), calledTable(sets), ...notes(sets));
  return section;
}
