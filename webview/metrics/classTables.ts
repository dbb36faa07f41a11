/**
 * The per-split tables below the headline: precision, recall, F1, support and AUC of each class, and the confusion
 * matrix as a heat map. The CSP forbids inline styles, so a cell's shade is a class (heat0..heat9, common.css).
 */
import * as l10n from '@vscode/l10n';
import type { EvaluationReport, SplitScores } from '../../server/protocol';
import { dec, int, isNum, pct } from '../displayFormat';
import { className } from '../classNames';
import { el } from '../dom';
import { splitLabel } from './evaluationText';
import { exportButtons } from '../chartExport';
import { cssVar, themeColors } from '../chartTheme';
import { heatmapSvg } from '../chartSvg';
import type { ChartImage } from '../protocol';

export function perClassTable(r: EvaluationReport, s: SplitScores): HTMLElement {
  const cell = (cls: string, key: string, text: string) => el('td', { className: 'num', id: `class-${s.key}-${cls}-${key}` }, text);
  return el('table', { className: 'grid per-class', id: `classes-${s.key}` },
    el('thead', {}, el('tr', {}, ...[l10n.t('Class'), l10n.t('Precision'), l10n.t('Recall'), 'F1', l10n.t('Support'), 'AUC'].map((t, i) => el('th', { className: i ? 'num' : '' }, t)))),
    el('tbody', {}, ...r.classes.map((c, i) => {
      const p = s.perClass[i];
      return el('tr', {}, el('th', {}, className(c)), cell(c, 'precision', pct(p?.precision)), cell(c, 'recall', pct(p?.recall)), cell(c, 'f1', pct(p?.f1)),
        cell(c, 'support', int(p?.support)), cell(c, 'auc', dec(p?.auc, 3)));
    }), el('tr', { className: 'avg' }, el('th', {}, l10n.t('macro average')), el('td', { className: 'num' }, pct(s.macro.precision)),
      el('td', { className: 'num' }, pct(s.macro.recall)), el('td', { className: 'num' }, pct(s.macro.f1)), el('td', { className: 'num' }, int(s.count)),
      el('td', { className: 'num' }, dec(s.rocAucMacro, 3)))));
}

/** Rows = true class, columns = predicted. Shade (heat0..heat9) = share of the row; each cell: count, then that share. */
export function confusionTable(r: EvaluationReport, s: SplitScores): HTMLElement {
  const corner = el('th', { className: 'corner' }, l10n.t('true ↓ / predicted →'));
  return el('table', { className: 'cm', id: `cm-${s.key}` },
    el('thead', {}, el('tr', {}, corner, ...r.classes.map((c) => el('th', { scope: 'col' }, className(c))))),
    el('tbody', {}, ...r.classes.map((t, i) => {
      const row = s.confusion[i] ?? [];
      const total = row.reduce((a, b) => a + (isNum(b) ? b : 0), 0);
      return el('tr', {}, el('th', { scope: 'row' }, className(t)), ...r.classes.map((p, j) => {
        const v = row[j];
        const n = isNum(v) ? v : 0;
        const share = total ? n / total : 0;
        const heat = Math.min(9, Math.floor(share * 10));
        return el('td', { id: `cm-${s.key}-${t}-${p}`, className: `heat${heat}${i === j ? ' diag' : ''}`, title: l10n.t('true {0}, predicted {1}: {2} of {3}', className(t), className(p), String(n), String(total)) },
          el('span', { className: 'cm-count' }, String(n)), ' ', el('span', { className: 'cm-share' }, pct(share)));
      }));
    })));
}

/** The confusion matrix's heading with PNG / SVG export of the matrix (drawn as SVG from the counts). */
export function confusionHeading(r: EvaluationReport, s: SplitScores, post: (m: ChartImage) => void): HTMLElement {
  const accent = cssVar('--vscode-charts-blue', '#3794ff');
  const names = r.classes.map(className);
  const svg = () => heatmapSvg({ title: l10n.t('Confusion matrix, {0} ({1} images)', splitLabel(s), int(s.count)), rowTitle: l10n.t('true class'),
    colTitle: l10n.t('predicted class'), rows: names, cols: names, values: s.confusion, accent, colors: themeColors() });
  return el('h3', { className: 'with-export' }, el('span', {}, splitLabel(s)), exportButtons({ name: `confusion-${s.key}`, svg }, post));
}
