/**
 * Tumour vs no tumour on each Testing split (SplitScores.detection): sensitivity, specificity and the confident
 * errors, side by side like the headline table. Evaluations saved before these figures existed have none: then
 * the section is left out. The rows are the report's too (server/eval/figureRows.ts).
 */
import * as l10n from '@vscode/l10n';
import type { EvaluationReport } from '../../server/protocol';
import { DETECTION_ROWS } from '../../server/eval/figureRows';
import { reviewThreshold, splitsWithDetection } from '../../server/eval/optionalParts';
import { el } from '../dom';
import { confidentMissText, detectionLabel, detectionNote, detectionTitle, detectionValue, splitLabel } from './evaluationText';

/** The table, or null when no split carries detection figures. */
export function detectionSection(r: EvaluationReport): HTMLElement | null {
  const splits = splitsWithDetection(r);
  if (!splits.length) return null;
  const table = el('table', { className: 'grid headline detection', id: 'detection' },
    el('thead', {}, el('tr', {}, el('th', {}, l10n.t('Metric')), ...splits.map((s) => el('th', { className: 'num' }, splitLabel(s))))),
    el('tbody', {}, ...DETECTION_ROWS.map((row) => el('tr', {}, el('th', { title: detectionTitle(row) }, detectionLabel(row)),
      ...splits.map((s) => el('td', { className: 'num', id: `detection-${s.key}-${row.key}` }, detectionValue(row, s.detection)))))));
  return el('section', { id: 'detection-section' }, el('h2', {}, l10n.t('Tumour vs no tumour')), el('p', { className: 'muted' }, detectionNote()), table,
    el('p', { className: 'muted' }, confidentMissText(reviewThreshold(r))));
}
