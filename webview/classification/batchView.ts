/**
 * A batch result: summary counts, filters, the sortable table (one focusable row per classified image, built once and
 * only re-ordered when sorting or filtering), the failed images with their errors, and a pane with the detail of the
 * row opened. Rows stay light for thousands of images: text cells and one lazily loaded thumbnail.
 */
import * as l10n from '@vscode/l10n';
import type { ClassifiedImage, ClassifyItem, ClassifyResult, FailedImage, VolumeResult } from '../../server/protocol';
import type { ClassificationSortKey, ClassificationViewPrefs, UncertaintyFilter } from '../protocol';
import { clear, el } from '../dom';
import { baseName, summarize, visibleRows } from './batchRows';
import { classLabel, int, pct, shortClassLabel } from './format';
import { volumeRowText } from './volumeText';

/** Under a volume's name: what it is and its summary (the row's class and figures are those of its key slice). */
const volumeLine = (v: VolumeResult) => el('span', { className: 'volume-line muted' }, volumeRowText(v));

export interface BatchContext {
  /** The result now (items change when their heat map arrives). */
  result(): ClassifyResult;
  thumbs: Record<string, string>;
  prefs(): ClassificationViewPrefs;
  setPrefs(p: Partial<ClassificationViewPrefs>): void;
  selected(): string | null;
  select(path: string | null): void;
  open(path: string): void;
  exportCsv(paths: string[]): void;
  /** The detail of an item (for the pane). */
  detail(item: ClassifyItem): HTMLElement;
}

const sortable = (): { key: ClassificationSortKey; label: string; title: string; num?: boolean }[] => [
  { key: 'name', label: l10n.t('Name'), title: l10n.t('File name') },
  { key: 'predicted', label: l10n.t('Predicted'), title: l10n.t('Predicted class (the most confident first within a class)') },
  { key: 'confidence', label: l10n.t('Confidence'), title: l10n.t('Calibrated probability of the predicted class'), num: true },
  { key: 'uncertain', label: l10n.t('Review'), title: l10n.t('Flagged as uncertain: needs expert review') },
];
const FAILED_SHOWN = 20;

export class BatchView {
  private readonly rows = new Map<string, HTMLTableRowElement>();
  private readonly tbody = el('tbody', {});
  private readonly pane = el('aside', { className: 'pane', id: 'detail' });
  private readonly shownCount = el('span', { className: 'muted', id: 'shown-count', role: 'status' });
  private readonly exportButton = el('button', { id: 'export-csv' }, l10n.t('Export CSV'));
  private readonly empty = el('p', { className: 'muted', id: 'no-rows', hidden: true }, l10n.t('No image matches the filters.'));
  private readonly headers = new Map<ClassificationSortKey, HTMLTableCellElement>();
  private shown: ClassifiedImage[] = [];
  /** The one row that Tab reaches (roving tabindex): a thousand rows are not a thousand tab stops. */
  private roving: string | null = null;
  /** The row marked aria-selected. */
  private marked: string | null = null;

  constructor(private readonly ctx: BatchContext) {
    this.pane.setAttribute('aria-label', l10n.t('Detail of the selected image'));
  }

  /** The whole batch view, ready to append. */
  render(): HTMLElement {
    const r = this.ctx.result();
    this.exportButton.addEventListener('click', () => this.ctx.exportCsv(this.exportPaths()));
    const failed = r.items.filter((i): i is FailedImage => !i.ok);
    const view = el('div', { className: 'batch' },
      el('p', { className: 'summary', id: 'summary' }, ...this.summary()),
      this.toolbar(),
      ...(failed.length ? [this.failedList(failed)] : []),
      el('div', { className: 'batch-layout' },
        el('div', { className: 'table-wrap' }, this.table(), this.empty,
          el('p', { className: 'sr-only', id: 'batch-keys' }, l10n.t('Up and Down arrows, or j and k, move between rows; Enter opens the detail; Escape closes it.'))),
        this.pane));
    this.roving = this.marked = this.ctx.selected();
    this.refresh();
    this.showDetail();
    return view;
  }

  private summary(): (Node | string)[] {
    const r = this.ctx.result();
    const s = summarize(r.items, r.model.classes);
    // A batch view shows two images or more.
    const parts: (Node | string)[] = [el('strong', {}, l10n.t('{0} images', int(s.images)))];
    for (const c of r.model.classes) parts.push(' · ', el('span', { className: 'count' }, `${classLabel(c)} ${int(s.perClass[c] ?? 0)}`));
    parts.push(' · ', el('span', { className: s.uncertain ? 'count flagged' : 'count' }, l10n.t('{0} uncertain', int(s.uncertain))));
    parts.push(' · ', el('span', { className: s.failed ? 'count error' : 'count' }, l10n.t('{0} failed', int(s.failed))));
    return parts;
  }

  private toolbar(): HTMLElement {
    const r = this.ctx.result();
    const prefs = this.ctx.prefs();
    const counts = summarize(r.items, r.model.classes).perClass;
    const cls = el('select', { id: 'filter-class' },
      el('option', { value: 'all' }, l10n.t('All classes')),
      ...r.model.classes.map((c) => el('option', { value: c }, `${classLabel(c)} (${int(counts[c] ?? 0)})`)));
    cls.value = prefs.filterClass;
    cls.addEventListener('change', () => { this.ctx.setPrefs({ filterClass: cls.value }); this.refresh(); });
    const unc = el('select', { id: 'filter-uncertain' },
      el('option', { value: 'all' }, l10n.t('Uncertain and confident')),
      el('option', { value: 'uncertain' }, l10n.t('Uncertain only')),
      el('option', { value: 'confident' }, l10n.t('Confident only')));
    unc.value = prefs.filterUncertain;
    unc.addEventListener('change', () => { this.ctx.setPrefs({ filterUncertain: unc.value as UncertaintyFilter }); this.refresh(); });
    this.exportButton.title = l10n.t('Save the rows shown, in the order shown, as CSV (with no filter set, the failed images too)');
    return el('div', { className: 'toolbar filters' },
      el('label', {}, `${l10n.t('Class')} `, cls), el('label', {}, `${l10n.t('Review')} `, unc), this.exportButton, this.shownCount);
  }

  private failedList(failed: FailedImage[]): HTMLElement {
    const list = el('ul', { className: 'failed' });
    const show = (n: number) => {
      clear(list);
      list.append(...failed.slice(0, n).map((f) => {
        const name = el('a', { href: '#', className: 'file', title: l10n.t('Open {0}', f.path) }, baseName(f.path));
        name.addEventListener('click', (e) => { e.preventDefault(); this.ctx.open(f.path); });
        const li = el('li', {}, name, ': ', el('span', {}, f.error));
        li.dataset.path = f.path;
        return li;
      }));
    };
    show(FAILED_SHOWN);
    const box = el('details', { className: 'callout error-box', id: 'failed-list', open: failed.length <= 5 },
      el('summary', {}, el('strong', {}, failed.length === 1 ? l10n.t('1 image could not be classified')
        : l10n.t('{0} images could not be classified', String(failed.length)))), list);
    if (failed.length > FAILED_SHOWN) {
      const more = el('button', { className: 'secondary' }, l10n.t('Show all {0}', String(failed.length)));
      more.addEventListener('click', () => { show(failed.length); more.remove(); });
      box.append(more);
    }
    return box;
  }

  private table(): HTMLElement {
    const classes = this.ctx.result().model.classes;
    const head = el('tr', {}, el('th', { className: 'thumb-col' }, el('span', { className: 'sr-only' }, l10n.t('Image'))),
      ...sortable().map((s) => {
        const th = el('th', { className: s.num ? 'num sortable' : 'sortable', title: s.title, scope: 'col' },
          el('button', { className: 'sort' }, s.label, el('span', { className: 'sort-mark' })));
        th.dataset.sort = s.key;
        th.addEventListener('click', () => this.sortBy(s.key));
        this.headers.set(s.key, th);
        return th;
      }),
      ...classes.map((c) => el('th', { className: 'num prob-col', title: l10n.t('Probability of {0}', classLabel(c)), scope: 'col' }, shortClassLabel(c))));
    // A grid (rows of gridcells): screen readers announce the row the keyboard moves to, and its selected state.
    const table = el('table', { className: 'grid batch-table', id: 'batch-table', role: 'grid' }, el('thead', {}, head), this.tbody);
    table.setAttribute('aria-label', l10n.t('Classified images'));
    table.setAttribute('aria-describedby', 'batch-keys');
    this.tbody.addEventListener('keydown', (e) => this.onKey(e));
    this.tbody.addEventListener('focusin', (e) => {
      const path = (e.target as HTMLElement).closest('tr')?.dataset.path;
      if (path) this.setRoving(path);
    });
    return table;
  }

  private sortBy(key: ClassificationSortKey): void {
    const cur = this.ctx.prefs().sort;
    // A new column starts with the order people look for first: most confident, uncertain first; names A to Z.
    const first = key === 'confidence' || key === 'uncertain' ? 'desc' : 'asc';
    this.ctx.setPrefs({ sort: { key, dir: cur.key === key ? (cur.dir === 'asc' ? 'desc' : 'asc') : first } });
    this.refresh();
  }

  /** Re-orders and filters the rows (reusing them), and updates the counts and sort marks. */
  refresh(): void {
    const r = this.ctx.result();
    const prefs = this.ctx.prefs();
    this.shown = visibleRows(r.items, r.model.classes, prefs);
    this.tbody.replaceChildren(...this.shown.map((i) => this.row(i)));
    const keep = this.shown.some((i) => i.path === this.roving);
    this.setRoving(keep ? this.roving : (this.shown[0]?.path ?? null));
    const classified = r.items.filter((i) => i.ok).length;
    this.shownCount.textContent = l10n.t('Showing {0} of {1} classified', int(this.shown.length), int(classified));
    this.empty.hidden = this.shown.length > 0;
    this.exportButton.disabled = this.exportPaths().length === 0;
    for (const [key, th] of this.headers) {
      const on = key === prefs.sort.key;
      th.setAttribute('aria-sort', on ? (prefs.sort.dir === 'asc' ? 'ascending' : 'descending') : 'none');
      th.querySelector('.sort-mark')!.textContent = on ? (prefs.sort.dir === 'asc' ? ' ▲' : ' ▼') : '';
    }
  }

  private exportPaths(): string[] {
    const prefs = this.ctx.prefs();
    const all = prefs.filterClass === 'all' && prefs.filterUncertain === 'all';
    const failed = all ? this.ctx.result().items.filter((i) => !i.ok).map((i) => i.path) : [];
    return [...this.shown.map((i) => i.path), ...failed];
  }

  private row(item: ClassifiedImage): HTMLTableRowElement {
    const cached = this.rows.get(item.path);
    if (cached) return cached;
    const src = item.input ?? this.ctx.thumbs[item.path];
    const img = src ? el('img', { src, alt: '', loading: 'lazy', decoding: 'async', width: 40, height: 40 }) : el('span', { className: 'no-thumb' });
    const tr = el('tr', { tabIndex: item.path === this.roving ? 0 : -1, className: item.uncertain ? 'uncertain' : '' },
      el('td', { className: 'thumb-cell' }, img),
      el('td', { className: 'name', title: item.path }, baseName(item.path), ...(item.volume ? [volumeLine(item.volume)] : [])),
      el('td', { className: 'predicted-cell' }, shortClassLabel(item.predicted)),
      el('td', { className: 'num' }, pct(item.confidence)),
      el('td', { className: 'flag' }, item.uncertain ? el('span', { className: 'flag-uncertain', title: item.uncertainReasons.join('; ') }, l10n.t({ message: 'uncertain', comment: ['A batch row\'s flag: needs expert review'] })) : ''),
      ...this.ctx.result().model.classes.map((c, k) => el('td', { className: c === item.predicted ? 'num p top' : 'num p' }, pct(item.probabilities[k]))));
    tr.dataset.path = item.path;
    tr.dataset.predicted = item.predicted;
    tr.setAttribute('aria-selected', String(item.path === this.ctx.selected()));
    tr.addEventListener('click', () => this.ctx.select(item.path));
    this.rows.set(item.path, tr);
    return tr;
  }

  private onKey(e: KeyboardEvent): void {
    const tr = (e.target as HTMLElement).closest('tr');
    if (!tr?.dataset.path) return;
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      this.ctx.select(tr.dataset.path);
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp' || (/^[jk]$/.test(e.key) && !e.ctrlKey && !e.altKey && !e.metaKey)) {
      // j and k as in lists of mail and code review tools: down and up.
      e.preventDefault();
      const next = e.key === 'ArrowDown' || e.key === 'j' ? tr.nextElementSibling : tr.previousElementSibling;
      (next as HTMLElement | null)?.focus();
    } else if (e.key === 'Home' || e.key === 'End') {
      e.preventDefault();
      ((e.key === 'Home' ? this.tbody.firstElementChild : this.tbody.lastElementChild) as HTMLElement | null)?.focus();
    }
  }

  /** An item changed (its heat map arrived): its row is rebuilt, and the detail redrawn when it is the open one. */
  updateItem(item: ClassifyItem): void {
    const old = this.rows.get(item.path);
    this.rows.delete(item.path);
    if (old && item.ok) {
      const focused = document.activeElement === old;
      const row = this.row(item);
      old.replaceWith(row);
      if (focused) row.focus();
    }
    if (this.ctx.selected() === item.path) this.showDetail();
  }

  private setRoving(path: string | null): void {
    if (this.roving && this.roving !== path) {
      const old = this.rows.get(this.roving);
      if (old) old.tabIndex = -1;
    }
    this.roving = path;
    const row = path ? this.rows.get(path) : undefined;
    if (row) row.tabIndex = 0;
  }

  /** Puts the keyboard focus on the row of `path`, when it is shown. */
  focusRow(path: string): void {
    const row = this.rows.get(path);
    if (row?.isConnected) row.focus();
  }

  /** Shows the selected item in the pane (or a hint), and marks its row (touching only the rows that change). */
  showDetail(): void {
    const path = this.ctx.selected();
    if (this.marked !== path) {
      if (this.marked) this.rows.get(this.marked)?.setAttribute('aria-selected', 'false');
      if (path) this.rows.get(path)?.setAttribute('aria-selected', 'true');
      this.marked = path;
    }
    const item = path ? this.ctx.result().items.find((i) => i.path === path) : undefined;
    clear(this.pane);
    this.pane.classList.toggle('empty', !item);
    if (!item) {
      this.pane.append(el('p', { className: 'muted' }, l10n.t('Select a row (click, or Enter) to see its heat map and the probability of every class.')));
      return;
    }
    this.pane.append(this.ctx.detail(item));
  }
}
