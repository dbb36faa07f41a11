/**
 * Tumour vs no tumour on each Testing split (SplitScores.detection): sensitivity, specificity and the confident
 * errors, side by side like the headline table. Evaluations saved before these figures existed have none: then
 * the section is left out.
 */
import type { DetectionScores, EvaluationReport, SplitScores } from '../../server/protocol';
import { confidentMissText, countOf, DETECTION_NOTE } from '../../server/eval/validationText';
import { dec, int, pct } from '../../server/numberFormat';
import { el } from '../dom';
import { reviewThreshold } from './external';

interface Row { key: string; label: string; title: string; get(d: DetectionScores): string }

const ROWS: Row[] = [
  { key: 'sensitivity', label: 'Sensitivity', title: 'Tumour images called a tumour class (glioma, meningioma or pituitary)', get: (d) => pct(d.sensitivity) },
  { key: 'specificity', label: 'Specificity', title: 'Notumor images called notumor', get: (d) => pct(d.specificity) },
  { key: 'confidentMisses', label: 'Confident misses', title: 'Tumour images called notumor with confidence at or above the review threshold: nothing flags them for review',
    get: (d) => countOf(d.confidentMisses) },
  { key: 'confidentFalseAlarms', label: 'Confident false alarms', title: 'Notumor images called a tumour with confidence at or above the review threshold',
    get: (d) => countOf(d.confidentFalseAlarms) },
  { key: 'auc', label: 'ROC-AUC', title: 'Of P(tumour) = 1 − P(notumor), tumour against notumor images', get: (d) => dec(d.auc, 3) },
  { key: 'images', label: 'Images (tumour / notumor)', title: 'Tumour images / notumor images', get: (d) => `${int(d.tumour)} / ${int(d.notumor)}` },
];

/** The table, or null when no split carries detection figures. */
export function detectionSection(r: EvaluationReport): HTMLElement | null {
  const splits = r.splits.filter((s): s is SplitScores & { detection: DetectionScores } => typeof s.detection === 'object' && s.detection !== null);
  if (!splits.length) return null;
  const table = el('table', { className: 'grid headline detection', id: 'detection' },
    el('thead', {}, el('tr', {}, el('th', {}, 'Metric'), ...splits.map((s) => el('th', { className: 'num' }, s.label)))),
    el('tbody', {}, ...ROWS.map((row) => el('tr', {}, el('th', { title: row.title }, row.label),
      ...splits.map((s) => el('td', { className: 'num', id: `detection-${s.key}-${row.key}` }, row.get(s.detection)))))));
  return el('section', { id: 'detection-section' }, el('h2', {}, 'Tumour vs no tumour'), el('p', { className: 'muted' }, DETECTION_NOTE), table,
    el('p', { className: 'muted' }, confidentMissText(reviewThreshold(r))));
}
