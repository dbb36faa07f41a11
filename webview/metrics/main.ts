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
import '../pageLanguage';
import * as l10n from '@vscode/l10n';
import type { EvaluationReport } from '../../server/protocol';
import { int } from '../displayFormat';
import type { ChartImage, FromMetricsView, MetricsViewState, ToMetricsView } from '../protocol';
import { acquireApi, clear, el, fill } from '../dom';
import { disclaimer } from '../texts';
import { splitLabel } from './evaluationText';
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
  const exp = el('button', { id: 'export', title: l10n.t('Save a self-contained HTML report with a model card') }, l10n.t('Export Report'));
  exp.addEventListener('click', () => vscode.postMessage({ type: 'export' }));
  const cmp = el('button', { className: 'secondary', id: 'compare', title: l10n.t('Show another evaluation report beside this one') },
    compare ? l10n.t('Compare With Another...') : l10n.t('Compare With...'));
  cmp.addEventListener('click', () => vscode.postMessage({ type: 'compare' }));
  const bar = el('div', { className: 'toolbar' }, exp, cmp);
  if (compare) {
    const stop = el('button', { className: 'secondary', id: 'clear-compare' }, l10n.t('Stop Comparing'));
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
    root.append(el('p', { className: 'muted' }, l10n.t('Waiting for an evaluation report...')));
    return;
  }
  const compare = state.compare;
  root.append(header(r), toolbar(compare));
  const official = r.splits.find((s) => s.key === 'official');
  const leaks = int(r.leaks.count), one = r.leaks.count === 1;
  root.append(el('p', { className: 'callout', id: 'leak-note' },
    el('strong', {}, official
      ? one ? l10n.t('{0} Testing image of {1} have a near copy in Training', leaks, int(official.count))
        : l10n.t('{0} Testing images of {1} have a near copy in Training', leaks, int(official.count))
      : one ? l10n.t('{0} Testing image have a near copy in Training', leaks) : l10n.t('{0} Testing images have a near copy in Training', leaks)),
    l10n.t(' (within {0} bits of dHash). The official split counts them and is optimistic; the deduplicated split leaves them out.', String(r.leaks.nearThreshold))));
  if (r.skipped.length) {
    const list = r.skipped.slice(0, 5).map((s) => s.rel).join(', ') + (r.skipped.length > 5 ? ', ...' : '');
    root.append(el('p', { className: 'callout warn', id: 'skipped' }, r.skipped.length === 1
      ? l10n.t('{0} image was skipped (could not be decoded): {1}', String(r.skipped.length), list)
      : l10n.t('{0} images were skipped (could not be decoded): {1}', String(r.skipped.length), list)));
  }

  root.append(el('h2', {}, l10n.t('Headline')));
  if (compare) {
    root.append(el('p', { id: 'compare-note' }, ...fill(l10n.t('Comparing with {0} ({1}). '), el('strong', {}, runName(compare)), compare.model.name),
      el('span', { className: 'muted' }, l10n.t('Difference = this run minus the compared run; green is better, red worse.'))));
    if (compare.dataRoot !== r.dataRoot) {
      root.append(el('p', { className: 'callout warn', id: 'compare-dataset' },
        l10n.t('The compared report was evaluated on another dataset folder ({0}): the numbers may not be comparable.', compare.dataRoot)));
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

  root.append(el('h2', {}, l10n.t('Per class')));
  root.append(el('div', { className: 'side-by-side' }, ...r.splits.map((s) => el('section', {}, el('h3', {}, splitLabel(s)), perClassTable(r, s)))));

  root.append(el('h2', {}, l10n.t('Confusion matrices')),
    el('p', { className: 'muted' }, l10n.t('Rows: true class; columns: predicted class. Each cell: number of images, then the share of its row; darker = larger share.')));
  root.append(el('div', { className: 'side-by-side' }, ...r.splits.map((s) => el('section', {}, confusionHeading(r, s, post), confusionTable(r, s)))));

  root.append(el('h2', {}, l10n.t('ROC curves and calibration')));
  const chartsHost = el('div', { id: 'charts' });
  root.append(chartsHost);
  chartsSection(r, chartsHost, chartSplit, post);

  root.append(el('h2', {}, l10n.t('Misclassified ({0})', String(r.misclassified.length))),
    gallery(r, r.misclassified, 'misclassified', l10n.t('No image was misclassified.'), images));
  root.append(el('h2', {}, l10n.t('Least confident ({0})', String(r.leastConfident.length))),
    gallery(r, r.leastConfident, 'least-confident', l10n.t('No predictions listed.'), images));
  root.append(el('footer', { className: 'muted' },
    `${disclaimer()} ${l10n.t('Scores on 2-D slices of one public dataset do not transfer to other scanners, protocols or patients; see the model card in the exported report.')}`));
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
