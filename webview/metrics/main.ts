/**
 * Metrics panel (browser side): an evaluation report on the official and the deduplicated Testing split side by
 * side: headline scores (and another run's beside them in compare mode; headline.ts), tumour vs no tumour, the
 * external sets and the robustness under perturbations (detection.ts, external.ts, robustness.ts), per-class scores
 * and confusion matrices as heat maps (classTables.ts), ROC curves and the reliability diagram of one split
 * (charts.ts), and galleries of the misclassified and least confident images (gallery.ts). This file holds the
 * page: its state, the order of the sections and the messages. The whole report is kept in the page's state, so a
 * window reload needs no backend.
 *
 * The CSP forbids inline styles: shades and colours come from CSS classes (common.css, "Metrics panel") and Chart.js
 * colours from VS Code's theme variables, read again when the theme changes.
 */
import type { EvaluationReport } from '../../server/protocol';
import { int } from '../../server/numberFormat';
import type { ChartImage, FromMetricsView, MetricsViewState, ToMetricsView } from '../protocol';
import { acquireApi, clear, el } from '../dom';
import { chartsSection, destroyCharts, type ChartSplit } from './charts';
import { confusionHeading, confusionTable, perClassTable } from './classTables';
import { detectionSection } from './detection';
import { externalSection } from './external';
import { gallery, type GalleryImages } from './gallery';
import { header, historyLine } from './header';
import { headlineTable, runName } from './headline';
import { robustnessSection } from './robustness';

const vscode = acquireApi<MetricsViewState, FromMetricsView>();
const root = document.getElementById('root')!;
let state: MetricsViewState = vscode.getState() ?? { report: null, compare: null, history: null, chartSplit: 'official' };

/** The charts' split lives in the saved state, so the toggle survives a reload. */
const chartSplit: ChartSplit = {
  get: () => state.chartSplit,
  set: (key) => {
    state = { ...state, chartSplit: key };
    vscode.setState(state);
  },
};

/** Chart images (export buttons) go to the extension, which saves them where the user picks. */
const post = (m: ChartImage) => vscode.postMessage(m);

/** The galleries' thumbnails come with each report message; a click asks the extension to open the image. */
const images: GalleryImages = { thumbs: {}, open: (rel) => vscode.postMessage({ type: 'open', rel }) };

function toolbar(compare: EvaluationReport | null): HTMLElement {
  const exp = el('button', { id: 'export', title: 'Save a self-contained HTML report with a model card' }, 'Export Report');
  exp.addEventListener('click', () => vscode.postMessage({ type: 'export' }));
  const cmp = el('button', { className: 'secondary', id: 'compare', title: 'Show another evaluation report beside this one' }, compare ? 'Compare With Another...' : 'Compare With...');
  cmp.addEventListener('click', () => vscode.postMessage({ type: 'compare' }));
  const bar = el('div', { className: 'toolbar' }, exp, cmp);
  if (compare) {
    const stop = el('button', { className: 'secondary', id: 'clear-compare' }, 'Stop Comparing');
    stop.addEventListener('click', () => vscode.postMessage({ type: 'clearCompare' }));
    bar.append(stop);
  }
  return bar;
}

function render(): void {
  destroyCharts();
  clear(root);
  const r = state.report;
  if (!r) {
    root.append(el('p', { className: 'muted' }, 'Waiting for an evaluation report...'));
    return;
  }
  const compare = state.compare;
  root.append(header(r), toolbar(compare));
  const official = r.splits.find((s) => s.key === 'official');
  root.append(el('p', { className: 'callout', id: 'leak-note' },
    el('strong', {}, `${int(r.leaks.count)} Testing image${r.leaks.count === 1 ? '' : 's'}${official ? ` of ${int(official.count)}` : ''} have a near copy in Training`),
    ` (within ${r.leaks.nearThreshold} bits of dHash). The official split counts them and is optimistic; the deduplicated split leaves them out.`));
  if (r.skipped.length) {
    root.append(el('p', { className: 'callout warn', id: 'skipped' }, `${r.skipped.length} image${r.skipped.length === 1 ? ' was' : 's were'} skipped (could not be decoded): ` +
      r.skipped.slice(0, 5).map((s) => s.rel).join(', ') + (r.skipped.length > 5 ? ', ...' : '')));
  }

  root.append(el('h2', {}, 'Headline'));
  if (compare) {
    root.append(el('p', { id: 'compare-note' }, 'Comparing with ', el('strong', {}, runName(compare)), ` (${compare.model.name}). `,
      el('span', { className: 'muted' }, 'Difference = this run minus the compared run; green is better, red worse.')));
    if (compare.dataRoot !== r.dataRoot) {
      root.append(el('p', { className: 'callout warn', id: 'compare-dataset' }, `The compared report was evaluated on another dataset folder (${compare.dataRoot}): the numbers may not be comparable.`));
    }
  }
  root.append(headlineTable(r, compare));
  const history = historyLine(state.history);
  if (history) root.append(history);

  const detection = detectionSection(r);
  if (detection) root.append(detection);
  root.append(externalSection(r, !detection));
  const robustness = robustnessSection(r);
  if (robustness) root.append(robustness);

  root.append(el('h2', {}, 'Per class'));
  root.append(el('div', { className: 'side-by-side' }, ...r.splits.map((s) => el('section', {}, el('h3', {}, s.label), perClassTable(r, s)))));

  root.append(el('h2', {}, 'Confusion matrices'),
    el('p', { className: 'muted' }, 'Rows: true class; columns: predicted class. Each cell: number of images, then the share of its row; darker = larger share.'));
  root.append(el('div', { className: 'side-by-side' }, ...r.splits.map((s) => el('section', {}, confusionHeading(r, s, post), confusionTable(r, s)))));

  root.append(el('h2', {}, 'ROC curves and calibration'));
  const chartsHost = el('div', { id: 'charts' });
  root.append(chartsHost);
  chartsSection(r, chartsHost, chartSplit, post);

  root.append(el('h2', {}, `Misclassified (${r.misclassified.length})`),
    gallery(r, r.misclassified, 'misclassified', 'No image was misclassified.', images));
  root.append(el('h2', {}, `Least confident (${r.leastConfident.length})`),
    gallery(r, r.leastConfident, 'least-confident', 'No predictions listed.', images));
  root.append(el('footer', { className: 'muted' }, 'Research use only, not for clinical diagnosis. Scores on 2-D slices of one public dataset ' +
    'do not transfer to other scanners, protocols or patients; see the model card in the exported report.'));
}

window.addEventListener('message', (e: MessageEvent<unknown>) => {
  const m = e.data as Partial<ToMetricsView> | null;
  if (!m || m.type !== 'report' || !m.report) return;
  const report = m.report;
  images.thumbs = m.thumbs ?? {};
  const chartSplit = report.splits.some((s) => s.key === state.chartSplit) ? state.chartSplit : (report.splits[0]?.key ?? 'official');
  state = { report, compare: m.compare ?? null, history: m.history ?? null, chartSplit };
  vscode.setState(state);
  render();
  acknowledge(report);
});

/** Tells the extension what the page drew of a report (the external rows as shown), for its integration tests. */
function acknowledge(r: EvaluationReport): void {
  const external = [...document.querySelectorAll<HTMLElement>('[data-testid="external-sensitivity"]')].map((td) => ({
    name: td.dataset.external ?? '', sensitivity: td.textContent ?? '' }));
  vscode.postMessage({ type: 'rendered', runId: r.runId, external });
}

// Theme switches change the CSS variables; charts are canvases and must be redrawn with the new colours.
new MutationObserver(() => {
  const r = state.report;
  const host = document.getElementById('charts');
  if (r && host) chartsSection(r, host, chartSplit, post);
}).observe(document.body, { attributes: true, attributeFilter: ['class'] });

render();
vscode.postMessage({ type: 'ready' });
