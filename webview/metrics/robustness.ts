/**
 * Robustness: Testing scored again under each perturbation (contrast, gamma, noise, blur, resolution, JPEG,
 * rotation, flip), against the clean baseline. A drop of more than 5 points is marked by a sign and words, not by
 * colour alone. Shown only when the evaluation asked for perturbations.
 */
import * as l10n from '@vscode/l10n';
import type { EvaluationReport, PerturbationScores } from '../../server/protocol';
import { perturbations } from '../../server/eval/optionalParts';
import { isLargeDrop, LARGE_DROP } from '../../server/eval/validationText';
import { int, pct } from '../displayFormat';
import { el } from '../dom';
import { countOf, dropPoints, perturbationDescription, robustnessNote } from './evaluationText';

/** The large-drop limit in points (5), as the texts write it. */
const largeDropPoints = () => String(LARGE_DROP * 100);

function dropCell(id: string, drop: number | null | undefined): HTMLTableCellElement {
  const large = isLargeDrop(drop);
  const td = el('td', { className: `num drop${large ? ' large-drop' : ''}`, id, title: large ? l10n.t('A large drop: more than {0} points', largeDropPoints()) : '' },
    dropPoints(drop));
  if (large) td.append(el('span', { className: 'sr-only' }, l10n.t(' (large drop)')));
  return td;
}

function row(p: PerturbationScores): HTMLTableRowElement {
  const large = isLargeDrop(p.drop) || isLargeDrop(p.deduplicatedDrop);
  const id = (k: string) => `perturbation-${p.name}-${k}`;
  return el('tr', { className: large ? 'large' : '' },
    el('th', { className: 'perturbation' }, el('span', { className: 'name' }, p.name), el('span', { className: 'sub muted' }, perturbationDescription(p))),
    el('td', { className: 'num', id: id('accuracy') }, pct(p.accuracy)), dropCell(id('drop'), p.drop),
    el('td', { className: 'num', id: id('dedup-accuracy') }, pct(p.deduplicatedAccuracy)), dropCell(id('dedup-drop'), p.deduplicatedDrop),
    el('td', { className: 'num', id: id('sensitivity') }, pct(p.sensitivity)),
    el('td', { className: 'num', id: id('confident-misses') }, countOf(p.confidentMisses)));
}

/** The section, or null when the evaluation scored no perturbation (older reports included). */
export function robustnessSection(r: EvaluationReport): HTMLElement | null {
  const list = perturbations(r);
  if (!list) return null;
  const section = el('section', { id: 'robustness-section' }, el('h2', {}, l10n.t('Robustness')), el('p', { className: 'muted' }, robustnessNote()));
  const b = r.perturbationBaseline;
  if (b) {
    section.append(el('p', { id: 'robustness-baseline' }, el('strong', {}, l10n.t('Clean baseline: ')),
      b.deduplicatedAccuracy === null
        ? l10n.t('{0} official ({1} images, the same decoding with no change; seed {2}).', pct(b.accuracy), int(b.count), int(b.seed))
        : l10n.t('{0} official, {1} deduplicated ({2} images, the same decoding with no change; seed {3}).', pct(b.accuracy), pct(b.deduplicatedAccuracy),
          int(b.count), int(b.seed))));
  }
  if (!list.length) {
    section.append(el('p', { className: 'muted' }, l10n.t('No perturbation was scored.')));
    return section;
  }
  const large = list.filter((p) => isLargeDrop(p.drop) || isLargeDrop(p.deduplicatedDrop));
  section.append(el('div', { className: 'table-wrap' }, el('table', { className: 'grid robustness', id: 'robustness' },
    el('thead', {}, el('tr', {}, el('th', {}, l10n.t('Perturbation')), ...[
      [l10n.t('Accuracy'), l10n.t('Official Testing under the perturbation')], [l10n.t('Drop (points)'), l10n.t('Clean accuracy minus this accuracy, official Testing')],
      [l10n.t('Accuracy, dedup.'), l10n.t('Testing, deduplicated, under the perturbation')], [l10n.t('Drop, dedup.'), l10n.t('Clean minus perturbed, deduplicated Testing')],
      [l10n.t('Sensitivity'), l10n.t('Tumour images called a tumour class, official Testing')],
      [l10n.t('Confident misses'), l10n.t('Tumour images called notumor at or above the review threshold')],
    ].map(([t, title]) => el('th', { className: 'num', title }, t!)))),
    el('tbody', {}, ...list.map(row)))));
  section.append(el('p', { className: 'muted', id: 'robustness-legend' }, el('span', { className: 'large-drop-key' }, '⚠'),
    large.length
      ? l10n.t(' marks a drop of more than {0} points: {1}.', largeDropPoints(), large.map((p) => p.name).join(', '))
      : l10n.t(' marks a drop of more than {0} points; none here.', largeDropPoints())));
  return section;
}
