/**
 * External validation: one row per external set (a dataset folder from a source the model never trained on) with
 * its tumour-vs-none figures, how its images were called, and the four-class scores where it has fine labels;
 * with the one paragraph that says why official, deduplicated and external numbers differ. Evaluations saved
 * before external sets existed have no `external` field: they get the hint on how to add some.
 */
import * as l10n from '@vscode/l10n';
import type { EvaluationReport, ExternalScores, TumorClassName } from '../../server/protocol';
import { externalSets, reviewThreshold, trainingSources } from '../../server/eval/optionalParts';
import { int, pct } from '../displayFormat';
import { className } from '../classNames';
import { el, fill } from '../dom';
import { confidentMissText, countOf, noExternalHint, whyFiguresDiffer } from './evaluationText';

const CALLED: TumorClassName[] = ['glioma', 'meningioma', 'notumor', 'pituitary'];

function th(text: string, title: string, num = true): HTMLTableCellElement {
  return el('th', { className: num ? 'num' : '', title }, text);
}

function imagesCell(x: ExternalScores): HTMLElement {
  const fine = x.labels?.fine ?? 0, coarse = x.labels?.coarse ?? 0;
  return el('td', { className: 'num', title: l10n.t('{0} with a fine label (one of the four classes), {1} labelled only "tumour"', int(fine), int(coarse)) },
    int(x.count), el('span', { className: 'sub muted' },
      !coarse ? l10n.t('{0} fine', int(fine)) : !fine ? l10n.t('{0} coarse', int(coarse)) : l10n.t('{0} fine, {1} coarse', int(fine), int(coarse))));
}

function scoresRow(x: ExternalScores, i: number): HTMLTableRowElement {
  const sens = el('td', { className: 'num strong', id: `external-${i}-sensitivity` }, pct(x.sensitivity));
  sens.dataset.testid = 'external-sensitivity';
  sens.dataset.external = x.name;
  const misses = el('td', { className: `num rate${(x.confidentMisses?.count ?? 0) > 0 ? ' misses' : ''}`, id: `external-${i}-confident-misses` }, countOf(x.confidentMisses));
  const dedup = el('td', { className: 'num', id: `external-${i}-dedup-sensitivity`,
    title: x.deduplicated ? l10n.t('{0} images without the near copies', int(x.deduplicated.count)) : l10n.t('No near copy to leave out: the same as the sensitivity') },
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
      th(l10n.t('External set'), l10n.t('The folder\'s name; hover for its full path'), false),
      th(l10n.t('Images'), l10n.t('Images scored, with a fine label (glioma, meningioma, notumor, pituitary) or only the coarse "tumour" label')),
      th(l10n.t('Sensitivity'), l10n.t('Tumour images called a tumour class')),
      th(l10n.t('Specificity'), l10n.t('Notumor images called notumor (– without notumor images)')),
      th(l10n.t('Confident misses'), l10n.t('Tumour images called notumor at or above the review threshold')),
      th(l10n.t('Confident false alarms'), l10n.t('Notumor images called a tumour at or above the review threshold')),
      th(l10n.t('Near copies'), l10n.t('Images with a near copy among the model\'s training images, left out of the deduplicated figure')),
      th(l10n.t('Sensitivity, deduplicated'), l10n.t('Sensitivity without the near copies of training images')))),
    el('tbody', {}, ...sets.map(scoresRow))));
}

function calledTable(sets: ExternalScores[]): HTMLElement {
  return el('div', { className: 'table-wrap' }, el('table', { className: 'grid external-called', id: 'external-called' },
    el('thead', {}, el('tr', {}, th(l10n.t('Called as'), l10n.t('How the model called the images of each set'), false),
      ...CALLED.map((c) => th(className(c), l10n.t('Images predicted {0}', className(c)))),
      th(l10n.t('4-class accuracy'), l10n.t('On the images with a fine label; – when the set has none')), th(l10n.t('Macro F1'), l10n.t('On the images with a fine label')))),
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
      out.push(el('p', { className: 'muted small' }, l10n.t('Most confident misses in {0}: ', x.name),
        ...files.slice(0, 5).flatMap((f, k) => [k ? ', ' : '', el('code', { title: `${x.root}/${f}` }, f)])));
    }
    const skipped = Array.isArray(x.skipped) ? x.skipped : [];
    if (skipped.length) {
      const list = `${skipped.slice(0, 3).map((s) => s.rel).join(', ')}${skipped.length > 3 ? ', ...' : ''}`;
      out.push(el('p', { className: 'muted small' }, skipped.length === 1
        ? l10n.t('1 image of {0} could not be decoded and was skipped: {1}', x.name, list)
        : l10n.t('{0} images of {1} could not be decoded and were skipped: {2}', int(skipped.length), x.name, list)));
    }
  }
  return out;
}

/** The section; `explainConfident` adds the definition of the confident errors (when no section above gave it). */
export function externalSection(r: EvaluationReport, explainConfident: boolean): HTMLElement {
  const sets = externalSets(r);
  const section = el('section', { id: 'external-section' }, el('h2', {}, l10n.t('External validation')),
    el('p', { className: 'callout', id: 'why-differ' }, el('strong', {}, l10n.t('Official, deduplicated, external. ')), whyFiguresDiffer()));
  const sources = trainingSources(r);
  if (sources.length) {
    const list = document.createDocumentFragment();
    list.append(...sources.flatMap((s, k) => [k ? ', ' : '', el('code', {}, s)]));
    section.append(el('p', { className: 'muted', id: 'training-sources' }, ...(sources.length === 1
      ? fill(l10n.t('The model trained on {0}.'), list)
      : fill(l10n.t('The model trained on {0} sources: {1}.'), String(sources.length), list))));
  }
  if (!sets.length) {
    section.append(el('p', { className: 'muted', id: 'external-hint' }, noExternalHint()));
    return section;
  }
  section.append(scoresTable(sets));
  if (explainConfident) section.append(el('p', { className: 'muted' }, confidentMissText(reviewThreshold(r))));
  section.append(el('h3', {}, l10n.t('How the images were called')), calledTable(sets), ...notes(sets));
  return section;
}
