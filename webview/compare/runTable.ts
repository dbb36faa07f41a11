/**
 * The Compare Runs table: one row per run, sorted by the column whose header was clicked (again: the other way).
 * The order shown is also the CSV's order (main.ts sends it with Export CSV).
 */
import { formatDuration, isNum, pct } from '../../server/numberFormat';
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

const COLUMNS: { key: CompareSortKey | null; label: string; num: boolean; title?: string }[] = [
  { key: 'run', label: 'Run', num: false },
  { key: 'model', label: 'Model', num: false },
  { key: null, label: 'Settings', num: false },
  { key: 'epochs', label: 'Epochs', num: true, title: 'Finished epochs of those set' },
  { key: 'seconds', label: 'Time', num: true, title: 'Training time: the epochs\' wall times added up' },
  { key: 'bestValAcc', label: 'Best val. accuracy', num: true },
  { key: 'official', label: 'Testing (official)', num: true, title: 'Accuracy on the whole Testing split, from the run\'s last evaluation' },
  { key: 'deduplicated', label: 'Testing (dedup.)', num: true, title: 'Accuracy on Testing without the near copies of Training images' },
  { key: 'external', label: 'External sensitivity', num: true, title: 'Tumour images found in each external set (sorted by their mean)' },
];

/** The table; `colorOf(run)` is the CSS class of the run's colour in the charts, `onSort` gets the new sort. */
export function runTable(runs: readonly CompareRun[], sort: CompareSort, colorOf: (r: CompareRun) => string, onSort: (s: CompareSort) => void): HTMLElement {
  const head = COLUMNS.map((c) => {
    const th = el('th', { className: c.num ? 'num' : '', scope: 'col' });
    if (!c.key) {
      th.append(c.label);
      return th;
    }
    const key = c.key;
    const active = sort.key === key;
    th.setAttribute('aria-sort', active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none');
    const b = el('button', { className: 'sort', id: `sort-${key}`, title: c.title ?? `Sort by ${c.label.toLowerCase()}` },
      c.label + (active ? (sort.dir === 'asc' ? ' ▲' : ' ▼') : ''));
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
      el('td', { className: 'num' }, r.epochs === r.plannedEpochs ? String(r.epochs) : `${r.epochs} of ${r.plannedEpochs}`),
      el('td', { className: 'num' }, formatDuration(r.seconds)),
      el('td', { className: 'num', id: `best-${r.runId}` }, pct(r.bestValAcc)),
      el('td', { className: 'num' }, pct(r.official)), el('td', { className: 'num' }, pct(r.deduplicated)),
      el('td', { className: 'num external' }, ext));
  });
  return el('table', { className: 'grid compare-table', id: 'compare-table' },
    el('thead', {}, el('tr', {}, ...head)), el('tbody', {}, ...rows));
}
