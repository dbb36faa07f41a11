/**
 * The headline table: each metric of each split (server/eval/figureRows.ts defines them for the report too), and in
 * compare mode another run's figure and the difference beside each. The difference is coloured better or worse only
 * where it is not a rounding artefact, and never for image counts (more images is neither).
 */
import * as l10n from '@vscode/l10n';
import type { EvaluationReport, SplitScores } from '../../server/protocol';
import { HEADLINE_METRICS, type HeadlineMetric, TTA_METRICS } from '../../server/eval/figureRows';
import { dateTime, dec, isNum } from '../displayFormat';
import { el } from '../dom';
import { formatMetric, metricLabel, metricTitle, splitLabel } from './evaluationText';

type SplitKey = SplitScores['key'];

function delta(m: HeadlineMetric, a: number | null | undefined, b: number | null | undefined): { text: string; cls: string; title: string } {
  if (!isNum(a) || !isNum(b)) return { text: '–', cls: '', title: '' };
  const d = a - b;
  const sign = d > 0 ? '+' : d < 0 ? '−' : '±';
  const abs = Math.abs(d);
  const text = m.kind === 'pct' ? `${sign}${l10n.t('{0} pp', dec(abs * 100, 1))}` : m.kind === 'int' ? `${sign}${Math.round(abs)}` : `${sign}${dec(abs, 4)}`;
  const tiny = m.kind === 'pct' ? abs < 0.0005 : m.kind === 'int' ? abs < 0.5 : abs < 0.00005;
  if (tiny || m.kind === 'int') return { text, cls: 'delta', title: m.kind === 'int' ? l10n.t('difference in images scored') : l10n.t('no difference') };
  const better = m.lowerIsBetter ? d < 0 : d > 0;
  return { text, cls: `delta ${better ? 'better' : 'worse'}`, title: better ? l10n.t('better than the compared run') : l10n.t('worse than the compared run') };
}

export function headlineTable(r: EvaluationReport, compare: EvaluationReport | null): HTMLElement {
  const splits = r.splits;
  const metrics = splits.some((s) => s.tta) || compare?.splits.some((s) => s.tta) ? [...HEADLINE_METRICS, ...TTA_METRICS] : HEADLINE_METRICS;
  const other = (key: SplitKey) => compare?.splits.find((s) => s.key === key);
  const head: HTMLTableRowElement[] = [];
  if (compare) {
    head.push(el('tr', {}, el('th', {}), ...splits.map((s) => {
      const th = el('th', { className: 'num group' }, splitLabel(s));
      th.colSpan = 3;
      return th;
    })));
    head.push(el('tr', {}, el('th', {}, l10n.t('Metric')), ...splits.flatMap(() => [
      el('th', { className: 'num', title: runName(r) }, l10n.t('This run')), el('th', { className: 'num', title: runName(compare) }, l10n.t('Compared')),
      el('th', { className: 'num' }, l10n.t('Difference'))])));
  } else {
    head.push(el('tr', {}, el('th', {}, l10n.t('Metric')), ...splits.map((s) => el('th', { className: 'num' }, splitLabel(s)))));
  }
  const rows = metrics.map((m) => el('tr', { className: m.key.startsWith('tta') ? 'tta' : '' },
    el('th', { title: metricTitle(m) }, metricLabel(m)),
    ...splits.flatMap((s) => {
      const mine = el('td', { className: 'num', id: `metric-${s.key}-${m.key}` }, formatMetric(m, m.get(s)));
      if (!compare) return [mine];
      const o = other(s.key);
      const ov = o ? m.get(o) : undefined;
      const d = delta(m, m.get(s), ov);
      return [mine, el('td', { className: 'num compared', id: `metric-${s.key}-${m.key}-compare` }, o ? formatMetric(m, ov) : '–'),
        el('td', { className: `num ${d.cls}`, id: `metric-${s.key}-${m.key}-delta`, title: d.title }, d.text)];
    })));
  return el('table', { className: `grid headline${compare ? ' comparing' : ''}`, id: 'headline' }, el('thead', {}, ...head), el('tbody', {}, ...rows));
}

export function runName(r: EvaluationReport): string {
  return `${r.runId ?? r.model.name} (${dateTime(r.createdAt)})`;
}
