/**
 * The per-split tables below the headline: precision, recall, F1, support and AUC of each class, and the confusion
 * matrix as a heat map. The CSP forbids inline styles, so a cell's shade is a class (heat0..heat9, common.css).
 */
import type { EvaluationReport, SplitScores } from '../../server/protocol';
import { dec, int, isNum, pct } from '../../server/numberFormat';
import { el } from '../dom';
import { exportButtons } from '../chartExport';
import { cssVar, themeColors } from '../chartTheme';
import { heatmapSvg } from '../chartSvg';
import type { ChartImage } from '../protocol';

export function perClassTable(r: EvaluationReport, s: SplitScores): HTMLElement {
  const cell = (cls: string, key: string, text: string) => el('td', { className: 'num', id: `class-${s.key}-${cls}-${key}` }, text);
  return el('table', { className: 'grid per-class', id: `classes-${s.key}` },
    el('thead', {}, el('tr', {}, ...['Class', 'Precision', 'Recall', 'F1', 'Support', 'AUC'].map((t, i) => el('th', { className: i ? 'num' : '' }, t)))),
    el('tbody', {}, ...r.classes.map((c, i) => {
      const p = s.perClass[i];
      return el('tr', {}, el('th', {}, c), cell(c, 'precision', pct(p?.precision)), cell(c, 'recall', pct(p?.recall)), cell(c, 'f1', pct(p?.f1)),
        cell(c, 'support', int(p?.support)), cell(c, 'auc', dec(p?.auc, 3)));
    }), el('tr', { className: 'avg' }, el('th', {}, 'macro average'), el('td', { className: 'num' }, pct(s.macro.precision)),
      el('td', { className: 'num' }, pct(s.macro.recall)), el('td', { className: 'num' }, pct(s.macro.f1)), el('td', { className: 'num' }, int(s.count)),
      el('td', { className: 'num' }, dec(s.rocAucMacro, 3)))));
}

/** Rows = true class, columns = predicted. Shade (heat0..heat9) = share of the row; each cell: count, then that share. */
export function confusionTable(r: EvaluationReport, s: SplitScores): HTMLElement {
  const corner = el('th', { className: 'corner' }, 'true ↓ / predicted →');
  return el('table', { className: 'cm', id: `cm-${s.key}` },
    el('thead', {}, el('tr', {}, corner, ...r.classes.map((c) => el('th', { scope: 'col' }, c)))),
    el('tbody', {}, ...r.classes.map((t, i) => {
      const row = s.confusion[i] ?? [];
      const total = row.reduce((a, b) => a + (isNum(b) ? b : 0), 0);
      return el('tr', {}, el('th', { scope: 'row' }, t), ...r.classes.map((p, j) => {
        const v = row[j];
        const n = isNum(v) ? v : 0;
        const share = total ? n / total : 0;
        const heat = Math.min(9, Math.floor(share * 10));
        return el('td', { id: `cm-${s.key}-${t}-${p}`, className: `heat${heat}${i === j ? ' diag' : ''}`, title: `true ${t}, predicted ${p}: ${n} of ${total}` },
          el('span', { className: 'cm-count' }, String(n)), ' ', el('span', { className: 'cm-share' }, pct(share)));
      }));
    })));
}

/** The confusion matrix's heading with PNG / SVG export of the matrix (drawn as SVG from the counts). */
export function confusionHeading(r: EvaluationReport, s: SplitScores, post: (m: ChartImage) => void): HTMLElement {
  const accent = cssVar('--vscode-charts-blue', '#3794ff');
  const svg = () => heatmapSvg({ title: `Confusion matrix, ${s.label} (${int(s.count)} images)`, rowTitle: 'true class', colTitle: 'predicted class',
    rows: r.classes, cols: r.classes, values: s.confusion, accent, colors: themeColors() });
  return el('h3', { className: 'with-export' }, el('span', {}, s.label), exportButtons({ name: `confusion-${s.key}`, svg }, post));
}
