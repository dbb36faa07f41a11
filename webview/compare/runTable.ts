/**
 * The Compare Runs table: one row per run, sorted by the column whose header was clicked (again: the other way).
 * The order shown is also the CSV's order (main.ts sends it with Export CSV).
 */
import * as l10n from '@vscode/l10n';
import { formatDuration } from '../../server/numberFormat';
import { isNum, pct } from '../displayFormat';
import type { CompareRun, CompareSortKey } from '../protocol';
import { el } from '../dom';

export type CompareSort = { key: CompareSortKey; dir: 'asc' | 'desc' };

/** Mean sensitivity over the external sets that have one (the sort key of that column); null when none. */
function meanSensitivity(r: CompareRun): number | null {
  const s = r.external.map((e) => e.sensitivity).filter(isNum);
  return s.length ? s.reduce((a, b) => a + b, 0) / s.length : null;
}

function sortValue(r: CompareRun, key: CompareSortKey): string | number | null {
  switch (key) {
    case 'run': return r.runId;
    case 'model': return r.model;
    case 'epochs': return r.epochs;
    case 'seconds': return r.seconds;
    case 'bestValAcc': return r.bestValAcc;
    case 'official': return r.official;
    case 'deduplicated': return r.deduplicated;
    case 'external': return meanSensitivity(r);
  }
}

/** The runs in the order of `sort`; runs without a value go last either way. */
export function sortRuns(runs: readonly CompareRun[], sort: CompareSort): CompareRun[] {
  const sign = sort.dir === 'asc' ? 1 : -1;
  return [...runs].sort((a, b) => {
    const x = sortValue(a, sort.key), y = sortValue(b, sort.key);
    if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
    return sign * (typeof x === 'string' || typeof y === 'string' ? String(x).localeCompare(String(y)) : x - y);
  });
}

/** The columns; `title` is a sortable column's tooltip ("Sort by ..." where the header says enough). */
const columns = (): { key: CompareSortKey | null; label: string; num: boolean; title?: string }[] => [
  { key: 'run', label: l10n.t('Run'), num: false, title: l10n.t('Sort by run') },
  { key: 'model', label: l10n.t('Model'), num: false, title: l10n.t('Sort by model') },
  { key: null, label: l10n.t('Settings'), num: false },
  { key: 'epochs', label: l10n.t('Epochs'), num: true, title: l10n.t('Finished epochs of those set') },
  { key: 'seconds', label: l10n.t('Time'), num: true, title: l10n.t('Training time: the epochs\' wall times added up') },
  { key: 'bestValAcc', label: l10n.t('Best val. accuracy'), num: true, title: l10n.t('Sort by best val. accuracy') },
  { key: 'official', label: l10n.t('Testing (official)'), num: true, title: l10n.t('Accuracy on the whole Testing split, from the run\'s last evaluation') },
  { key: 'deduplicated', label: l10n.t('Testing (dedup.)'), num: true, title: l10n.t('Accuracy on Testing without the near copies of Training images') },
  { key: 'external', label: l10n.t('External sensitivity'), num: true, title: l10n.t('Tumour images found in each external set (sorted by their mean)') },
];

/** The table; `colorOf(run)` is the CSS class of the run's colour in the charts, `onSort` gets the new sort. */
export function runTable(runs: readonly CompareRun[], sort: CompareSort, colorOf: (r: CompareRun) => string, onSort: (s: CompareSort) => void): HTMLElement {
  const head = columns().map((c) => {
    const th = el('th', { className: c.num ? 'num' : '', scope: 'col' });
    if (!c.key) {
      th.append(c.label);
      return th;
    }
    const key = c.key;
    const active = sort.key === key;
    th.setAttribute('aria-sort', active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none');
    const b = el('button', { className: 'sort', id: `sort-${key}`, title: c.title ?? '' },
      c.label + (active ? (sort.dir === 'asc' ? '\u00a0▲' : '\u00a0▼') : ''));
    b.addEventListener('click', () => onSort({ key, dir: active && sort.dir === 'asc' ? 'desc' : active ? 'asc' : key === 'run' || key === 'model' ? 'asc' : 'desc' }));
    th.append(b);
    return th;
  });
  const rows = sortRuns(runs, sort).map((r) => {
    const ext = r.external.length ? r.external.map((e) => `${e.name}: ${pct(e.sensitivity)}`).join(', ') : '–';
    const swatch = el('span', { className: `swatch run-swatch ${colorOf(r)}` });
    swatch.setAttribute('aria-hidden', 'true');
    return el('tr', { id: `run-row-${r.runId}` },
      el('td', { className: 'run-name', title: r.runDir }, swatch, r.runId),
      el('td', {}, r.model), el('td', { className: 'settings' }, r.settings),
      el('td', { className: 'num' }, r.epochs === r.plannedEpochs ? String(r.epochs) : l10n.t('{0} of {1}', String(r.epochs), String(r.plannedEpochs))),
      el('td', { className: 'num' }, formatDuration(r.seconds)),
      el('td', { className: 'num', id: `best-${r.runId}` }, pct(r.bestValAcc)),
      el('td', { className: 'num' }, pct(r.official)), el('td', { className: 'num' }, pct(r.deduplicated)),
      el('td', { className: 'num external' }, ext));
  });
  return el('table', { className: 'grid compare-table', id: 'compare-table' },
    el('thead', {}, el('tr', {}, ...head)), el('tbody', {}, ...rows));
}
