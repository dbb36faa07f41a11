/**
 * Robustness: Testing scored again under each perturbation (contrast, gamma, noise, blur, resolution, JPEG,
 * rotation, flip), against the clean baseline. A drop of more than 5 points is marked by a sign and words, not by
 * colour alone. Shown only when the evaluation asked for perturbations.
 */
import type { EvaluationReport, PerturbationScores } from '../../server/protocol';
import { perturbations } from '../../server/eval/optionalParts';
import { countOf, dropPoints, isLargeDrop, LARGE_DROP, ROBUSTNESS_NOTE } from '../../server/eval/validationText';
import { int, pct } from '../../server/numberFormat';
import { el } from '../dom';

function dropCell(id: string, drop: number | null | undefined): HTMLTableCellElement {
  const large = isLargeDrop(drop);
  const td = el('td', { className: `num drop${large ? ' large-drop' : ''}`, id, title: large ? `A large drop: more than ${LARGE_DROP * 100} points` : '' },
    dropPoints(drop));
  if (large) td.append(el('span', { className: 'sr-only' }, ' (large drop)'));
  return td;
}

function row(p: PerturbationScores): HTMLTableRowElement {
  const large = isLargeDrop(p.drop) || isLargeDrop(p.deduplicatedDrop);
  const id = (k: string) => `perturbation-${p.name}-${k}`;
  return el('tr', { className: large ? 'large' : '' },
    el('th', { className: 'perturbation' }, el('span', { className: 'name' }, p.name), el('span', { className: 'sub muted' }, p.description)),
    el('td', { className: 'num', id: id('accuracy') }, pct(p.accuracy)), dropCell(id('drop'), p.drop),
    el('td', { className: 'num', id: id('dedup-accuracy') }, pct(p.deduplicatedAccuracy)), dropCell(id('dedup-drop'), p.deduplicatedDrop),
    el('td', { className: 'num', id: id('sensitivity') }, pct(p.sensitivity)),
    el('td', { className: 'num', id: id('confident-misses') }, countOf(p.confidentMisses)));
}

/** The section, or null when the evaluation scored no perturbation (older reports included). */
export function robustnessSection(r: EvaluationReport): HTMLElement | null {
  const list = perturbations(r);
  if (!list) return null;
  const section = el('section', { id: 'robustness-section' }, el('h2', {}, 'Robustness'), el('p', { className: 'muted' }, ROBUSTNESS_NOTE));
  const b = r.perturbationBaseline;
  if (b) {
    section.append(el('p', { id: 'robustness-baseline' }, el('strong', {}, 'Clean baseline: '),
      `${pct(b.accuracy)} official`, b.deduplicatedAccuracy === null ? '' : `, ${pct(b.deduplicatedAccuracy)} deduplicated`,
      ` (${int(b.count)} images, the same decoding with no change; seed ${int(b.seed)}).`));
  }
  if (!list.length) {
    section.append(el('p', { className: 'muted' }, 'No perturbation was scored.'));
    return section;
  }
  const large = list.filter((p) => isLargeDrop(p.drop) || isLargeDrop(p.deduplicatedDrop));
  section.append(el('div', { className: 'table-wrap' }, el('table', { className: 'grid robustness', id: 'robustness' },
    el('thead', {}, el('tr', {}, el('th', {}, 'Perturbation'), ...[
      ['Accuracy', 'Official Testing under the perturbation'], ['Drop (points)', 'Clean accuracy minus this accuracy, official Testing'],
      ['Accuracy, dedup.', 'Testing, deduplicated, under the perturbation'], ['Drop, dedup.', 'Clean minus perturbed, deduplicated Testing'],
      ['Sensitivity', 'Tumour images called a tumour class, official Testing'], ['Confident misses', 'Tumour images called notumor at or above the review threshold'],
    ].map(([t, title]) => el('th', { className: 'num', title }, t!)))),
    el('tbody', {}, ...list.map(row)))));
  section.append(el('p', { className: 'muted', id: 'robustness-legend' }, el('span', { className: 'large-drop-key' }, '⚠'),
    ` marks a drop of more than ${LARGE_DROP * 100} points` + (large.length ? `: ${large.map((p) => p.name).join(', ')}.` : '; none here.')));
  return section;
}
