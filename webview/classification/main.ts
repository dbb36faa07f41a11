/**
 * Classification panel (browser side): one image's verdict with its heat map, or a batch as a table whose rows open
 * the same detail in a pane. The result is kept in the page's state, so a window reload needs no backend; a batch
 * row opened without a heat map asks the extension to `explain` it.
 */
import '../pageLanguage';
import * as l10n from '@vscode/l10n';
import type { ClassifyItem, ClassifyResult } from '../../server/protocol';
import type { ClassificationViewPrefs, ClassificationViewState, FromClassificationView, ToClassificationView } from '../protocol';
import { acquireApi, clear, el } from '../dom';
import { int } from '../displayFormat';
import { disclaimer as disclaimerText } from '../texts';
import { BatchView } from './batchView';
import { itemDetail, type ExplainState } from './detail';
import { modelInfo } from './modelInfo';
import { stateToSave } from './savedState';

const vscode = acquireApi<ClassificationViewState, FromClassificationView>();
const root = document.getElementById('root')!;
// The shell makes #root a polite live region; re-ordering a thousand rows must not be read out. The row count and the
// heat-map status announce themselves instead.
root.setAttribute('aria-live', 'off');
const DEFAULTS: ClassificationViewState = {
  result: null, selected: null, sort: { key: 'name', dir: 'asc' }, filterClass: 'all', filterUncertain: 'all',
  heatmap: { show: true, opacity: 0.55 },
};
let state: ClassificationViewState = { ...DEFAULTS, ...vscode.getState() };
let thumbs: Record<string, string> = {};
/** Heat maps asked for in this page's life, by path: each is asked once (again only with Try Again). */
const explains = new Map<string, ExplainState>();
let batch: BatchView | null = null;
/** common.css stacks the batch pane above the table below this width. */
const stacked = window.matchMedia('(max-width: 860px)');

const save = () => vscode.setState(stateToSave(state));
const needsExplain = (i: ClassifyItem) => i.ok && (!i.heatmap || !i.input);

function requestExplain(item: ClassifyItem): void {
  if (!needsExplain(item) || explains.has(item.path)) return;
  explains.set(item.path, { pending: true, error: null });
  vscode.postMessage({ type: 'explain', path: item.path });
}

function detail(r: ClassifyResult, item: ClassifyItem, inPane: boolean): HTMLElement {
  requestExplain(item);
  return itemDetail(item, {
    classes: r.model.classes,
    threshold: r.threshold,
    thumb: thumbs[item.path],
    heatmap: state.heatmap,
    explain: explains.get(item.path) ?? { pending: false, error: null },
    inPane,
    onOpen: () => vscode.postMessage({ type: 'open', path: item.path }),
    onHeatmapChange: (show, opacity) => {
      state = { ...state, heatmap: { show, opacity } };
      save();
    },
    onRetry: () => {
      explains.delete(item.path);
      requestExplain(item);
      rerenderDetail(item.path);
    },
    onClose: inPane ? () => select(null) : undefined,
    slice: state.slices?.[item.path],
    onSlice: (index) => {
      state = { ...state, slices: { ...state.slices, [item.path]: index } };
      save();
    },
  });
}

/** The disclaimer stays in view (a sticky bar) however far the table scrolls. */
function disclaimer(): HTMLElement {
  return el('div', { className: 'disclaimer', id: 'disclaimer', role: 'note' },
    el('strong', {}, disclaimerText()),
    el('span', { className: 'muted' }, ` ${l10n.t('A model trained on 2-D slices from public datasets; every result needs a radiologist.')}`));
}

function select(path: string | null): void {
  const before = state.selected;
  state = { ...state, selected: path };
  save();
  batch?.showDetail();
  if (path && stacked.matches) {
    // Narrow windows stack the pane above the table: bring it into view (measuring only then: it costs a layout).
    const pane = document.getElementById('detail');
    if (pane && pane.getBoundingClientRect().bottom < 0) pane.scrollIntoView({ block: 'start' });
  } else if (before) {
    // Closing the detail returns the keyboard to the row it came from.
    batch?.focusRow(before);
  }
}

function rerenderDetail(path: string): void {
  const r = state.result;
  const item = r?.items.find((i) => i.path === path);
  if (!r || !item) return;
  if (batch) return batch.updateItem(item);
  render();
}

function render(): void {
  batch = null;
  clear(root);
  const r = state.result;
  root.classList.toggle('wide', !!r && r.items.length > 1);
  root.append(disclaimer());
  if (!r) {
    root.append(el('p', { className: 'muted' }, l10n.t('Waiting for a classification result...')));
    return;
  }
  const only = r.items.length === 1 ? r.items[0] : undefined;
  if (only || !r.items.length) {
    if (only) root.append(detail(r, only, false));
    else root.append(el('h1', {}, l10n.t('Classification')), el('p', { className: 'muted', id: 'no-images' }, l10n.t('No image was classified.')));
    root.append(el('h2', {}, l10n.t('Model')), modelInfo(r));
    return;
  }
  root.append(el('h1', {}, l10n.t('Classification of {0} images', int(r.items.length))), modelInfo(r));
  batch = new BatchView({
    result: () => state.result ?? r,
    thumbs,
    prefs: () => state,
    setPrefs: (p: Partial<ClassificationViewPrefs>) => {
      state = { ...state, ...p };
      save();
    },
    selected: () => state.selected,
    select,
    open: (path) => vscode.postMessage({ type: 'open', path }),
    exportCsv: (paths) => vscode.postMessage({ type: 'exportCsv', paths }),
    detail: (item) => detail(state.result ?? r, item, true),
  });
  root.append(batch.render());
}

function onExplained(m: Extract<ToClassificationView, { type: 'explained' }>): void {
  const r = state.result;
  explains.set(m.path, { pending: false, error: m.error });
  if (!r) return;
  const at = r.items.findIndex((i) => i.path === m.path);
  if (at < 0) return;
  if (m.item) {
    const before = r.items[at]!;
    const items = r.items.slice();
    items[at] = m.item;
    state = { ...state, result: { ...r, items } };
    save();
    // A row that now failed moves from the table to the failed list: the whole view changes.
    if (before.ok !== m.item.ok) return render();
  }
  rerenderDetail(m.path);
}

window.addEventListener('message', (e: MessageEvent<unknown>) => {
  const m = e.data as Partial<ToClassificationView> | null;
  if (m?.type === 'result' && m.result) {
    const result = m.result;
    thumbs = m.thumbs ?? {};
    explains.clear();
    const selected = result.items.some((i) => i.path === state.selected) ? state.selected : null;
    const filterClass = (result.model.classes as string[]).includes(state.filterClass) ? state.filterClass : 'all';
    state = { ...state, result, selected, filterClass };
    save();
    render();
  } else if (m?.type === 'explained' && typeof m.path === 'string') {
    onExplained({ type: 'explained', path: m.path, item: m.item ?? null, error: m.error ?? null });
  }
});

document.addEventListener('keydown', (e) => {
  if (e.key === 'Escape' && batch && state.selected) select(null);
});

render();
vscode.postMessage({ type: 'ready' });
