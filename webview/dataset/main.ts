/**
 * Dataset panel (browser side): renders a scan report; keeps it for window reloads. The coarse label ("tumour, type
 * unknown": folders named tumour, yes, ...) gets its column, bars and samples only when the dataset has such files.
 */
import '../pageLanguage';
import * as l10n from '@vscode/l10n';
import type { DatasetLabel, DuplicateGroup, ProblemKind, ScanReport, TumorClassName } from '../../server/protocol';
import type { DatasetViewState, FromDatasetView, ToDatasetView } from '../protocol';
import { acquireApi, clear, el } from '../dom';
import { className } from '../classNames';
import { bytes, dec } from '../displayFormat';
import { disclaimer } from '../texts';

const vscode = acquireApi<DatasetViewState, FromDatasetView>();
const root = document.getElementById('root')!;
const CLASSES: TumorClassName[] = ['glioma', 'meningioma', 'notumor', 'pituitary'];
const LIST_LIMIT = 100;
const SVG = 'http://www.w3.org/2000/svg';

/** The labels to list: the four classes, and the coarse one when any split has files with it (older reports have no row). */
function labelsOf(r: ScanReport): DatasetLabel[] {
  return r.splits.some((s) => (s.classes.tumour?.files ?? 0) > 0) ? [...CLASSES, 'tumour'] : CLASSES;
}
const labelText = (c: DatasetLabel) => className(c);
const countOf = (s: ScanReport['splits'][number], c: DatasetLabel) => s.classes[c] ?? { files: 0, usable: 0, bytes: 0 };

/** What is wrong with a file, in a word: the kind's id in English, translated elsewhere. */
function problemKindText(kind: ProblemKind): string {
  switch (kind) {
    case 'empty': return l10n.t({ message: 'empty', comment: ['What is wrong with a dataset file: it is empty'] });
    case 'not-image': return l10n.t({ message: 'not-image', comment: ['What is wrong with a dataset file: it is not an image'] });
    case 'unsupported': return l10n.t({ message: 'unsupported', comment: ['What is wrong with a dataset file: an image format that is not supported'] });
    case 'corrupt': return l10n.t({ message: 'corrupt', comment: ['What is wrong with a dataset file: the image is damaged'] });
    case 'too-large': return l10n.t({ message: 'too-large', comment: ['What is wrong with a dataset file: the image is too large'] });
    case 'unreadable': return l10n.t({ message: 'unreadable', comment: ['What is wrong with a dataset file: it cannot be read'] });
    case 'extension-mismatch': return l10n.t({ message: 'extension-mismatch', comment: ['What is wrong with a dataset file: its extension does not match its content'] });
    default: return String(kind);
  }
}

/** Split colours come from CSS classes (.s0 ...): the CSP allows no inline styles. */
const splitClass = (i: number) => `s${i % 4}`;

function fileLink(rel: string): HTMLAnchorElement {
  const a = el('a', { href: '#', className: 'file', title: l10n.t('Open {0}', rel) }, rel);
  a.addEventListener('click', (e) => { e.preventDefault(); vscode.postMessage({ type: 'open', rel }); });
  return a;
}

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const n = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, String(v));
  if (text !== undefined) n.textContent = text;
  return n;
}

/** Grouped bars: one group per label, one bar per split, the count above each bar. */
function countsChart(r: ScanReport): SVGSVGElement {
  const labels = labelsOf(r);
  const W = labels.length > 4 ? 760 : 640, H = 240, padL = 44, padB = 28, padT = 18;
  const max = Math.max(1, ...r.splits.flatMap((s) => labels.map((c) => countOf(s, c).files)));
  const groupW = (W - padL) / labels.length;
  const barW = Math.min(44, (groupW - 24) / r.splits.length);
  const chart = svg('svg', { viewBox: `0 0 ${W} ${H}`, width: '100%', role: 'img', 'aria-label': l10n.t('Images per class and split'), class: 'chart' });
  const y = (v: number) => padT + (H - padT - padB) * (1 - v / max);
  for (const t of [0, 0.5, 1]) {
    const v = Math.round(max * t);
    chart.append(svg('line', { x1: padL, x2: W, y1: y(v), y2: y(v), class: 'grid' }), svg('text', { x: padL - 6, y: y(v) + 4, 'text-anchor': 'end', class: 'axis' }, String(v)));
  }
  labels.forEach((c, ci) => {
    const x0 = padL + ci * groupW + (groupW - barW * r.splits.length) / 2;
    r.splits.forEach((s, si) => {
      const v = countOf(s, c).files;
      const x = x0 + si * barW;
      const bar = svg('rect', { x: x + 2, y: y(v), width: barW - 4, height: Math.max(0, H - padB - y(v)), class: `bar ${splitClass(si)}`, rx: 2 });
      bar.append(svg('title', {}, `${s.split} / ${labelText(c)}: ${v}`));
      chart.append(bar, svg('text', { x: x + barW / 2, y: y(v) - 4, 'text-anchor': 'middle', class: 'value' }, String(v)));
    });
    chart.append(svg('text', { x: padL + ci * groupW + groupW / 2, y: H - 8, 'text-anchor': 'middle', class: 'label' }, labelText(c)));
  });
  return chart;
}

function legend(r: ScanReport): HTMLElement {
  return el('p', { className: 'legend' }, ...r.splits.map((s, i) => el('span', {}, el('span', { className: `swatch ${splitClass(i)}` }), ` ${s.split}`)));
}

function countsTable(r: ScanReport): HTMLTableElement {
  const cell = (split: string, c: string, text: string) => {
    const td = el('td', { className: 'num' }, text);
    td.id = `count-${split}-${c}`;
    return td;
  };
  const labels = labelsOf(r);
  return el('table', { className: 'grid', id: 'counts' },
    el('thead', {}, el('tr', {}, el('th', {}, l10n.t('Split')), ...labels.map((c) => el('th', {
      className: 'num', title: c === 'tumour' ? l10n.t('Images labelled only "tumour" (folders such as tumour/ or yes/): a tumour of unknown type') : '' }, labelText(c))),
    el('th', { className: 'num' }, l10n.t('total')))),
    el('tbody', {}, ...r.splits.map((s) => el('tr', {},
      el('th', {}, s.split),
      ...labels.map((c) => {
        const n = countOf(s, c);
        return cell(s.split, c, n.usable === n.files ? String(n.files) : l10n.t('{0} of {1}', String(n.usable), String(n.files)));
      }),
      cell(s.split, 'total', String(s.files))))));
}

function samples(r: ScanReport, thumbs: Record<string, string>): HTMLElement {
  const box = el('div', { className: 'samples' });
  for (const c of labelsOf(r)) {
    const items = r.samples.filter((s) => s.label === c && thumbs[s.rel]);
    if (!items.length) continue;
    box.append(el('div', { className: 'sample-row' }, el('div', { className: 'sample-label' }, labelText(c)),
      ...items.map((s) => {
        const img = el('img', { src: thumbs[s.rel]!, alt: l10n.t('{0} sample {1}', labelText(c), s.rel), title: `${s.split}: ${s.rel}`, loading: 'lazy' });
        const btn = el('button', { className: 'thumb', title: l10n.t('{0}: {1} (click to open)', s.split, s.rel) }, img);
        btn.addEventListener('click', () => vscode.postMessage({ type: 'open', rel: s.rel }));
        return btn;
      })));
  }
  return box;
}

/** A table that shows the first rows and a button for the rest. */
/** NIfTI volumes in class folders: counted by their slices, with what the slice selection keeps (not in the image
 *  counts above: the backend's note says training does not read them yet). */
function volumesTable(v: NonNullable<ScanReport['volumes']>): HTMLElement {
  const box = el('div', { id: 'volumes' });
  box.append(limitedTable([l10n.t('Split'), l10n.t('Class'), l10n.t('Volumes'), l10n.t('Slices'), l10n.t('Selected slices')],
    v.byClass.map((row) => [row.split, labelText(row.label), String(row.files), String(row.slices), String(row.selected)]), 'volumes-table'));
  box.append(el('p', { className: 'muted', id: 'volumes-note' }, v.note));
  return box;
}

function limitedTable(head: string[], rows: (string | Node)[][], id: string): HTMLElement {
  const tbody = el('tbody', {});
  const render = (n: number) => {
    clear(tbody);
    for (const r of rows.slice(0, n)) tbody.append(el('tr', {}, ...r.map((v) => el('td', {}, v))));
  };
  render(LIST_LIMIT);
  const table = el('table', { className: 'grid', id }, el('thead', {}, el('tr', {}, ...head.map((h) => el('th', {}, h)))), tbody);
  if (rows.length <= LIST_LIMIT) return table;
  const more = el('button', { className: 'secondary' }, l10n.t('Show all {0}', String(rows.length)));
  more.addEventListener('click', () => { render(rows.length); more.remove(); });
  return el('div', {}, table, more);
}

function groupRows(groups: DuplicateGroup[]): (string | Node)[][] {
  return groups.map((g) => [el('span', {}, ...g.files.flatMap((f, i) => (i ? [', ', fileLink(f)] : [fileLink(f)]))), String(g.files.length),
    g.exact ? l10n.t('identical bytes') : l10n.t('≤ {0} bits', String(g.maxDistance)), g.crossSplit ? l10n.t('yes') : l10n.t('no')]);
}

function render(msg: ToDatasetView): void {
  const r = msg.report;
  clear(root);
  const rescan = el('button', { className: 'secondary', id: 'rescan' }, l10n.t('Rescan'));
  rescan.addEventListener('click', () => vscode.postMessage({ type: 'rescan' }));
  root.append(
    el('h1', {}, l10n.t('Dataset')),
    el('p', { className: 'muted', id: 'dataset-root' }, r.root),
    el('p', { id: 'dataset-summary' }, l10n.t('{0} files, {1} usable, {2} · layout: {3} · scanned in {4} s ({5} of {6} from cache)',
      String(r.totals.files), String(r.totals.usable), bytes(r.totals.bytes),
      r.layout === 'splits' ? r.splits.map((s) => s.split).join(' + ') : l10n.t('class folders'), dec(r.timing.ms / 1000, 1),
      String(r.timing.fromCache), String(r.totals.files))),
    el('div', { className: 'toolbar' }, rescan),
  );
  if (r.testing && r.leaks.length) {
    root.append(el('p', { className: 'callout warn', id: 'leak-callout' },
      el('strong', {}, l10n.t('{0} of {1} Testing files have a copy in Training', String(r.leaks.length), String(r.testing.files))),
      l10n.t(' ({0} byte-identical, the rest within {1} bits of dHash). Accuracy on the official Testing split is optimistic; the deduplicated Testing split keeps {2} files.',
        String(r.leaks.filter((l) => l.exact).length), String(r.nearThreshold), String(r.testing.deduplicated))));
  }
  root.append(el('h2', {}, l10n.t('Images per split and class')), countsChart(r), legend(r), countsTable(r));
  if (r.volumes) root.append(el('h2', {}, l10n.t('Volumes ({0})', String(r.volumes.files))), volumesTable(r.volumes));
  root.append(el('h2', {}, l10n.t('Samples')), samples(r, msg.thumbs));
  root.append(el('h2', {}, l10n.t('Sizes and colour modes')),
    el('table', {},
      el('tr', {}, el('th', {}, l10n.t('Sizes')), el('td', {}, l10n.t('{0} distinct; {1} not square; most common: {2}', String(r.distinctSizes), String(r.nonSquare),
        r.sizes.slice(0, 6).map((s) => `${s.width}×${s.height} (${s.count})`).join(', ')))),
      el('tr', {}, el('th', {}, l10n.t('Widths')), el('td', {}, r.widthHistogram.map((b) => `${b.label}: ${b.count}`).join(' · '))),
      el('tr', {}, el('th', {}, l10n.t('Colour modes')), el('td', { id: 'modes' }, Object.entries(r.modes).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(' · '))),
      el('tr', {}, el('th', {}, l10n.t('Formats (by content)')), el('td', {}, Object.entries(r.formats).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(' · '))),
      el('tr', {}, el('th', {}, l10n.t('Class folders')), el('td', {}, r.classFolders.map((c) => (c.rel.split('/').pop() === c.label ? c.rel : `${c.rel} → ${c.label}`)).join(', '))),
    ));
  root.append(el('h2', {}, l10n.t('Problems ({0})', String(r.problems.length))),
    r.problems.length ? limitedTable([l10n.t('Kind'), l10n.t('File'), l10n.t('What')], r.problems.map((p) => [problemKindText(p.kind), fileLink(p.rel), p.message]), 'problems')
      : el('p', { className: 'muted' }, l10n.t('No bad files.')));
  if (r.testing) {
    root.append(el('h2', {}, l10n.t('Leaks from Training into Testing ({0})', String(r.leaks.length))),
      r.leaks.length ? limitedTable([l10n.t('Testing file'), l10n.t('Its copy in Training'), l10n.t('Distance'), l10n.t('Identical')],
        r.leaks.map((l) => [fileLink(l.testFile), fileLink(l.trainFile), l10n.t('{0} bits', String(l.distance)), l.exact ? l10n.t('yes') : l10n.t('no')]), 'leaks')
        : el('p', { className: 'muted' }, l10n.t('No Testing file has a copy in Training.')));
  }
  root.append(el('h2', {}, l10n.t('Duplicates: {0} identical groups, {1} near groups', String(r.exactDuplicates.length), String(r.nearDuplicates.length))),
    r.exactDuplicates.length + r.nearDuplicates.length
      ? limitedTable([l10n.t('Files'), l10n.t('Count'), l10n.t('How close'), l10n.t('Across splits')], groupRows([...r.exactDuplicates, ...r.nearDuplicates]), 'duplicates')
      : el('p', { className: 'muted' }, l10n.t('No duplicates.')));
  if (r.ignored.length) {
    root.append(el('h2', {}, l10n.t('Ignored ({0})', String(r.ignored.length))),
      limitedTable([l10n.t('Entry'), l10n.t('Why')], r.ignored.map((i) => [i.rel, i.reason]), 'ignored'));
  }
  root.append(el('footer', { className: 'muted' }, disclaimer()));
}

let lastThumbs: Record<string, string> = {};
window.addEventListener('message', (e: MessageEvent<unknown>) => {
  const m = e.data as Partial<ToDatasetView> | null;
  if (!m || m.type !== 'report' || !m.report) return;
  lastThumbs = m.thumbs ?? {};
  vscode.setState({ report: m.report });
  render(m as ToDatasetView);
});

const saved = vscode.getState();
if (saved?.report) render({ type: 'report', report: saved.report, thumbs: lastThumbs });
vscode.postMessage({ type: 'ready' });
