/**
 * Compare Runs panel (browser side): the training curves of several runs overlaid (loss and accuracy; one colour
 * per run, training solid and validation dashed), and a sortable table of the runs with CSV export. The runs travel
 * in the page's saved state, so a window reload needs no backend.
 */
import '../pageLanguage';
import * as l10n from '@vscode/l10n';
import { Chart, LinearScale, LineController, LineElement, PointElement, Tooltip, type ChartConfiguration } from 'chart.js';
import { dec, displayLocale, num, pct, percent } from '../displayFormat';
import { disclaimer } from '../texts';
import type { CompareRun, CompareViewState, FromCompareView, ToCompareView } from '../protocol';
import { EXPORT_PIXEL_RATIO, exportButtons } from '../chartExport';
import { cssVar, themeColors } from '../chartTheme';
import { lineChartSvg, type SvgLine } from '../chartSvg';
import { acquireApi, clear, el } from '../dom';
import { runTable } from './runTable';

Chart.register(LineController, LineElement, PointElement, LinearScale, Tooltip);

const vscode = acquireApi<CompareViewState, FromCompareView>();
const root = document.getElementById('root')!;
let state: CompareViewState = vscode.getState() ?? { runs: [], problems: [], sort: { key: 'bestValAcc', dir: 'desc' } };
let received = state.runs.length > 0;
const charts: Chart<'line'>[] = [];

/** The chart colours, in the order of the swatch classes s0..s5 of common.css. */
const COLOR_VARS: [string, string][] = [['--vscode-charts-blue', '#3794ff'], ['--vscode-charts-orange', '#d18616'], ['--vscode-charts-green', '#89d185'],
  ['--vscode-charts-purple', '#b180d7'], ['--vscode-charts-red', '#f14c4c'], ['--vscode-charts-yellow', '#cca700']];

/** A run keeps its colour whatever the table's order: it is the run's place in the list the extension sent. */
const colorIndex = (r: CompareRun) => Math.max(0, state.runs.indexOf(r)) % COLOR_VARS.length;

function runColor(r: CompareRun): string {
  const [name, fallback] = COLOR_VARS[colorIndex(r)]!;
  return cssVar(name, fallback);
}

interface Metric { id: 'loss' | 'acc'; title: string; yLabel: string; percent: boolean; train: (e: CompareRun['history'][number]) => number; val: (e: CompareRun['history'][number]) => number }

const metrics = (): Metric[] => [
  { id: 'loss', title: l10n.t('Loss per epoch'), yLabel: l10n.t({ message: 'loss', comment: ['A chart\'s axis'] }), percent: false, train: (e) => e.loss, val: (e) => e.valLoss },
  { id: 'acc', title: l10n.t('Accuracy per epoch'), yLabel: l10n.t({ message: 'accuracy', comment: ['A chart\'s axis'] }), percent: true, train: (e) => e.acc,
    val: (e) => e.valAcc },
];

/** Two lines per run: training (solid) and validation (dashed), in the run's colour; x is the epoch from 1. */
function lines(m: Metric): SvgLine[] {
  return state.runs.flatMap((r) => {
    const color = runColor(r);
    return [
      { label: l10n.t('{0} train', r.runId), color, points: r.history.map((e) => ({ x: e.epoch + 1, y: m.train(e) })) },
      { label: l10n.t('{0} validation', r.runId), color, dashed: true, points: r.history.map((e) => ({ x: e.epoch + 1, y: m.val(e) })) },
    ];
  });
}

function chart(canvas: HTMLCanvasElement, m: Metric): Chart<'line'> {
  const c = themeColors();
  const config: ChartConfiguration<'line'> = {
    type: 'line',
    data: {
      datasets: lines(m).map((l) => ({
        label: l.label, data: l.points, borderColor: l.color, backgroundColor: l.color, borderWidth: 2, borderDash: l.dashed ? [6, 4] : [],
        pointRadius: l.points.length > 40 ? 0 : 2.5, tension: 0.15,
      })),
    },
    options: {
      animation: false, responsive: true, maintainAspectRatio: false, interaction: { mode: 'nearest', intersect: false },
      devicePixelRatio: EXPORT_PIXEL_RATIO, locale: displayLocale(),
      plugins: { tooltip: { callbacks: { label: (ctx) => `${ctx.dataset.label ?? ''}: ${m.percent ? pct(ctx.parsed.y) : dec(ctx.parsed.y, 4)}` } } },
      scales: {
        x: { type: 'linear', title: { display: true, text: l10n.t('epoch'), color: c.muted }, ticks: { color: c.muted, precision: 0 }, grid: { color: c.grid } },
        y: {
          title: { display: true, text: m.yLabel, color: c.muted }, grid: { color: c.grid },
          ticks: { color: c.muted, callback: (v) => (m.percent ? percent(Math.round(Number(v) * 100)) : typeof v === 'number' ? num(v) : v) },
          ...(m.percent ? { suggestedMin: 0, max: 1 } : { beginAtZero: true }),
        },
      },
    },
  };
  const made = new Chart(canvas, config);
  // What was drawn, for tests and assistive technology: every series' label.
  canvas.dataset.series = made.data.datasets.map((d) => d.label ?? '').join('\n');
  return made;
}

/** The legend: one entry per run in its colour, and what solid and dashed mean. */
function legend(): HTMLElement {
  const list = el('ul', { className: 'compare-legend', id: 'compare-legend' }, ...state.runs.map((r) =>
    el('li', { className: 'legend-run', title: r.runDir }, el('span', { className: `swatch s${colorIndex(r)}` }), r.runId)));
  list.append(el('li', { className: 'muted legend-style' }, el('span', { className: 'line-sample solid' }), l10n.t({ message: 'training', comment: ['The legend of the solid lines'] })),
    el('li', { className: 'muted legend-style' }, el('span', { className: 'line-sample dashed' }), l10n.t({ message: 'validation', comment: ['The legend of the dashed lines'] })));
  return list;
}

function curves(): HTMLElement {
  const section = el('section', { className: 'charts' });
  for (const m of metrics()) {
    const canvas = el('canvas', { id: `compare-${m.id}` });
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', l10n.t('{0}, {1} runs', m.title, String(state.runs.length)));
    const svg = () => lineChartSvg({ title: m.title, xLabel: l10n.t('epoch'), yLabel: m.yLabel, lines: lines(m), percentY: m.percent,
      ...(m.percent ? { y: { min: 0, max: 1 } } : {}), colors: themeColors() });
    const buttons = exportButtons({ name: `compare-${m.id}`, canvas: () => canvas, svg }, (msg) => vscode.postMessage(msg));
    section.append(el('figure', { className: 'chart-box' }, el('figcaption', {}, el('span', {}, m.title), buttons), el('div', { className: 'chart-area' }, canvas)));
    // Charts need their canvas in the document to measure it.
    queueMicrotask(() => { if (canvas.isConnected) charts.push(chart(canvas, m)); });
  }
  return section;
}

function render(): void {
  while (charts.length) charts.pop()?.destroy();
  clear(root);
  root.append(el('h1', {}, l10n.t('Compare Runs'), ' ', el('span', { className: 'muted' }, state.runs.length ? `(${state.runs.length})` : '')));
  for (const p of state.problems) root.append(el('p', { className: 'callout warn problem' }, p));
  if (!state.runs.length) {
    root.append(el('p', { className: 'muted' }, received ? l10n.t('No run to show.') : l10n.t('Reading the runs...')));
    return;
  }
  root.append(legend(), curves());
  const csv = el('button', { id: 'export-csv', title: l10n.t('Save the table as CSV, in the order shown') }, l10n.t('Export CSV'));
  csv.addEventListener('click', () => vscode.postMessage({ type: 'exportCsv', order: orderShown() }));
  root.append(el('h2', {}, l10n.t('Runs')), el('div', { className: 'toolbar' }, csv),
    el('div', { className: 'table-scroll' }, runTable(state.runs, state.sort, (r) => `s${colorIndex(r)}`, (sort) => {
      state = { ...state, sort };
      vscode.setState(state);
      render();
    })));
  root.append(el('footer', { className: 'muted' },
    `${l10n.t('Testing figures come from each run\'s last evaluation (Evaluate Model); runs evaluated on different datasets are not comparable.')} ${disclaimer()}`));
}

/** The run folders in the table's order, for the CSV. */
function orderShown(): string[] {
  return [...document.querySelectorAll<HTMLElement>('#compare-table tbody td.run-name')].map((td) => td.title);
}

window.addEventListener('message', (e: MessageEvent<unknown>) => {
  const m = e.data as Partial<ToCompareView> | null;
  if (!m || m.type !== 'runs' || !Array.isArray(m.runs)) return;
  received = true;
  state = { ...state, runs: m.runs, problems: Array.isArray(m.problems) ? m.problems : [] };
  vscode.setState(state);
  render();
});

// Theme switches change the CSS variables; charts are canvases and must be redrawn with the new colours.
new MutationObserver(() => render()).observe(document.body, { attributes: true, attributeFilter: ['class'] });

render();
vscode.postMessage({ type: 'ready' });
