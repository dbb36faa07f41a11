/**
 * Training panel (browser side): live loss and accuracy curves (train and validation, Chart.js), learning rate
 * and epoch times, progress with ETA, backend and threads, and the run's actions. The extension sends the whole
 * view on every change; the page keeps only which run it shows (the data comes back from the backend on reload).
 */
import {
  CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip, type ChartConfiguration,
} from 'chart.js';
import type { DataSource, EpochStats } from '../../server/protocol';
import { COARSE_LABEL_TEXT } from '../../server/eval/validationText';
import { dec, pct } from '../../server/numberFormat';
import type { FromTrainingView, ToTrainingView, TrainingView, TrainingViewState } from '../protocol';
import { acquireApi, clear, el } from '../dom';
import { EXPORT_PIXEL_RATIO, exportButtons } from '../chartExport';
import { cssVar, themeColors } from '../chartTheme';
import { lineChartSvg } from '../chartSvg';

Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Legend, Tooltip);

const vscode = acquireApi<TrainingViewState, FromTrainingView>();
const root = document.getElementById('root')!;
let view: TrainingView | null = vscode.getState()?.last ?? null;
let error: string | null = null;
const charts: Chart<'line'>[] = [];

function duration(sec: number | null): string {
  if (sec === null || !Number.isFinite(sec)) return '–';
  const s = Math.max(0, Math.round(sec));
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  return h ? `${h} h ${String(m).padStart(2, '0')} min` : m ? `${m} min ${String(r).padStart(2, '0')} s` : `${r} s`;
}

/** Theme colours from VS Code's variables, read again whenever the theme changes. */
function palette(): { train: string; val: string; lr: string; text: string; muted: string; grid: string } {
  return {
    train: cssVar('--vscode-charts-blue', '#3794ff'),
    val: cssVar('--vscode-charts-orange', '#d18616'),
    lr: cssVar('--vscode-charts-purple', '#b180d7'),
    ...themeColors(),
  };
}

const STATUS_TEXT: Record<TrainingView['status'], string> = {
  loading: 'Loading data', training: 'Training', running: 'Running', completed: 'Completed', 'early-stopped': 'Stopped early',
  cancelled: 'Cancelled', failed: 'Failed', interrupted: 'Interrupted',
};

function header(v: TrainingView): HTMLElement {
  const c = v.config;
  const backend = `${v.backend.kind}, ${v.backend.threads} thread${v.backend.threads === 1 ? '' : 's'}${v.backend.simd ? ', SIMD' : ''}`;
  return el('header', {},
    el('h1', {}, 'Training ', el('span', { className: 'muted run-id' }, v.runId)),
    el('p', { className: 'status-line' },
      el('span', { className: `badge status-${v.status}`, id: 'run-status' }, STATUS_TEXT[v.status]),
      ' ', el('span', { className: 'muted' }, `${c.model}, ${c.inputSize} px ${c.channels === 1 ? 'greyscale' : 'RGB'}, ${c.epochs} epochs, batch ${c.batchSize}, ` +
        `learning rate ${c.learningRate}, seed ${c.seed}`)),
    el('table', { className: 'facts' }, el('tbody', {},
      el('tr', {}, el('th', {}, 'Backend'), el('td', { id: 'run-backend' }, backend)),
      el('tr', {}, el('th', {}, 'Images'), el('td', {}, v.counts.train ? `${v.counts.train} training, ${v.counts.val} validation` : '–')),
      datasetRow(v),
      el('tr', {}, el('th', {}, 'Run folder'), el('td', {}, el('code', {}, v.runDir))))));
}

/** One source: its folder. Several: each folder with the images it gives to training and validation (per label on hover). */
function datasetRow(v: TrainingView): HTMLElement {
  const sources = Array.isArray(v.sources) ? v.sources : [];
  if (sources.length <= 1) return el('tr', {}, el('th', {}, 'Dataset'), el('td', { id: 'run-dataset' }, el('code', {}, sources[0]?.root ?? v.dataRoot)));
  const perLabel = (x: DataSource) => Object.entries(x.perClass ?? {}).map(([label, n]) =>
    `${label === 'tumour' ? COARSE_LABEL_TEXT : label}: ${n.train} training, ${n.val} validation`).join('\n');
  return el('tr', {}, el('th', {}, `Sources (${sources.length})`), el('td', { id: 'run-sources' }, el('ul', { className: 'sources' },
    ...sources.map((x) => el('li', { title: perLabel(x) }, el('code', {}, x.root), el('span', { className: 'muted' },
      ` ${x.counts.train} training, ${x.counts.val} validation`))))));
}

function progressSection(v: TrainingView): HTMLElement | null {
  const p = v.progress;
  if (!v.live || !p) return null;
  if (p.phase === 'loading') {
    const text = p.loaded ? `Loading images: ${p.loaded.done} of ${p.loaded.total}` : 'Scanning the dataset...';
    return el('section', { className: 'progress' }, el('p', {}, text),
      p.loaded ? el('progress', { max: p.loaded.total, value: p.loaded.done }) : el('progress', {}));
  }
  const frac = (p.epoch + (p.batches ? p.batch / p.batches : 0)) / p.epochs;
  return el('section', { className: 'progress' },
    el('p', { id: 'run-progress' }, `Epoch ${p.epoch + 1} of ${p.epochs}, batch ${p.batch} of ${p.batches}: loss ${dec(p.loss, 3)}, accuracy ${pct(p.acc)}, ` +
      `${p.imgPerSec.toFixed(1)} img/s. Time left: ${duration(p.etaSec)}.`),
    el('progress', { max: 1, value: frac, title: `${(frac * 100).toFixed(0)}% of the run` }));
}

function actions(v: TrainingView): HTMLElement {
  const bar = el('div', { className: 'toolbar' });
  if (v.live) {
    const b = el('button', { id: 'cancel', title: 'Stops after the current batch; the last finished epoch stays resumable' }, 'Cancel Training');
    b.addEventListener('click', () => { b.disabled = true; vscode.postMessage({ type: 'cancel', runId: v.runId }); });
    bar.append(b);
  }
  if (!v.live && v.resumable) {
    const b = el('button', { id: 'resume', title: `Continue from epoch ${v.history.length + 1}` }, 'Resume');
    b.addEventListener('click', () => { b.disabled = true; vscode.postMessage({ type: 'resume', runDir: v.runDir }); });
    bar.append(b);
  }
  const open = el('button', { className: 'secondary' }, 'Open Run Folder');
  open.addEventListener('click', () => vscode.postMessage({ type: 'openFolder', runDir: v.runDir }));
  bar.append(open);
  return bar;
}

type Series = { label: string; values: number[]; color: string; dashed?: boolean };

/** A chart's figure with PNG / SVG export buttons; the SVG is drawn from the same series (webview/chartSvg.ts). */
function chartBox(id: string, label: string, h: EpochStats[], series: Series[], yTitle: string, percent: boolean): { box: HTMLElement; canvas: HTMLCanvasElement } {
  const canvas = el('canvas', { id });
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', label);
  const svg = () => lineChartSvg({ title: label, xLabel: 'epoch', yLabel: yTitle, percentY: percent, ...(percent ? { y: { min: 0, max: 1 } } : {}),
    lines: series.map((s) => ({ label: s.label, color: s.color, dashed: s.dashed, points: s.values.map((y, i) => ({ x: (h[i]?.epoch ?? i) + 1, y })) })),
    colors: themeColors() });
  const buttons = exportButtons({ name: id.replace(/^chart-/, 'training-'), canvas: () => canvas, svg }, (m) => vscode.postMessage(m));
  return { box: el('figure', { className: 'chart-box' }, el('figcaption', {}, el('span', {}, label), buttons), el('div', { className: 'chart-area' }, canvas)), canvas };
}

function lineChart(canvas: HTMLCanvasElement, h: EpochStats[], series: Series[], yTitle: string, percent: boolean): Chart<'line'> {
  const c = palette();
  const config: ChartConfiguration<'line'> = {
    type: 'line',
    data: {
      labels: h.map((e) => String(e.epoch + 1)),
      datasets: series.map((s) => ({
        label: s.label, data: s.values, borderColor: s.color, backgroundColor: s.color, borderWidth: 2, pointRadius: h.length > 40 ? 0 : 3,
        borderDash: s.dashed ? [6, 4] : [], tension: 0.15,
      })),
    },
    options: {
      animation: false, responsive: true, maintainAspectRatio: false, interaction: { mode: 'index', intersect: false },
      devicePixelRatio: EXPORT_PIXEL_RATIO,
      plugins: {
        legend: { labels: { color: c.text, boxWidth: 18 } },
        tooltip: { callbacks: { label: (ctx) => `${ctx.dataset.label ?? ''}: ${percent ? pct(ctx.parsed.y ?? NaN) : dec(ctx.parsed.y ?? NaN, 4)}` } },
      },
      scales: {
        x: { title: { display: true, text: 'epoch', color: c.muted }, ticks: { color: c.muted }, grid: { color: c.grid } },
        y: {
          title: { display: true, text: yTitle, color: c.muted }, grid: { color: c.grid },
          ticks: { color: c.muted, callback: (v) => (percent ? `${Math.round(Number(v) * 100)}%` : String(v)) },
          ...(percent ? { suggestedMin: 0, max: 1 } : { beginAtZero: true }),
        },
      },
    },
  };
  return new Chart(canvas, config);
}

function curves(v: TrainingView): HTMLElement {
  const h = v.history;
  const c = palette();
  const lossSeries: Series[] = [{ label: 'train', values: h.map((e) => e.loss), color: c.train }, { label: 'validation', values: h.map((e) => e.valLoss), color: c.val, dashed: true }];
  const accSeries: Series[] = [{ label: 'train', values: h.map((e) => e.acc), color: c.train }, { label: 'validation', values: h.map((e) => e.valAcc), color: c.val, dashed: true }];
  const lrSeries: Series[] = [{ label: 'learning rate', values: h.map((e) => e.lr), color: c.lr }];
  const loss = chartBox('chart-loss', 'Loss (cross-entropy) per epoch', h, lossSeries, 'loss', false);
  const acc = chartBox('chart-acc', 'Accuracy per epoch', h, accSeries, 'accuracy', true);
  const lr = chartBox('chart-lr', 'Learning rate per epoch', h, lrSeries, 'learning rate', false);
  const section = el('section', { className: 'charts' }, loss.box, acc.box, lr.box);
  // Charts need their canvas in the document to measure it: created after this section is attached.
  queueMicrotask(() => {
    charts.push(
      lineChart(loss.canvas, h, lossSeries, 'loss', false),
      lineChart(acc.canvas, h, accSeries, 'accuracy', true),
      lineChart(lr.canvas, h, lrSeries, 'learning rate', false),
    );
  });
  return section;
}

function historyTable(v: TrainingView): HTMLElement {
  const rows = v.history.map((e) => {
    const best = e.epoch === v.bestEpoch;
    const cell = (key: string, text: string) => el('td', { className: 'num', id: `epoch-${e.epoch + 1}-${key}` }, text);
    return el('tr', { className: best ? 'best' : '' },
      el('td', { className: 'num' }, String(e.epoch + 1)), cell('loss', dec(e.loss, 4)), cell('acc', pct(e.acc)),
      cell('valLoss', dec(e.valLoss, 4)), cell('valAcc', pct(e.valAcc)), cell('lr', e.lr.toExponential(2)),
      cell('time', `${(e.ms / 1000).toFixed(1)} s`), el('td', {}, best ? 'best (saved)' : ''));
  });
  return el('table', { className: 'grid history', id: 'history' },
    el('thead', {}, el('tr', {}, ...['Epoch', 'Loss', 'Accuracy', 'Val. loss', 'Val. accuracy', 'Learning rate', 'Time', ''].map((t, i) =>
      el('th', { className: i > 0 && i < 7 ? 'num' : '' }, t)))),
    el('tbody', {}, ...rows));
}

function render(): void {
  while (charts.length) charts.pop()?.destroy();
  clear(root);
  if (error) root.append(el('p', { className: 'callout warn', id: 'error' }, error));
  const v = view;
  if (!v) {
    if (!error) root.append(el('p', { className: 'muted' }, 'Waiting for the backend...'));
    return;
  }
  root.append(header(v));
  const progress = progressSection(v);
  if (progress) root.append(progress);
  if (v.end) root.append(el('p', { className: `callout${v.end.outcome === 'failed' ? ' warn' : ''}`, id: 'run-end' }, v.end.message));
  const ev = v.evaluation;
  if (ev?.official) {
    const show = el('button', { className: 'secondary', id: 'show-metrics' }, 'Show Metrics');
    show.addEventListener('click', () => vscode.postMessage({ type: 'showMetrics', runDir: v.runDir }));
    root.append(el('p', { id: 'run-test' }, `Testing accuracy ${pct(ev.official.accuracy)} on the official split (${ev.official.count} images)` +
      (ev.deduplicated ? `, ${pct(ev.deduplicated.accuracy)} on the deduplicated split (${ev.deduplicated.count}; near copies of Training images left out)` : '') +
      `; macro F1 ${ev.official.macroF1.toFixed(3)}. `, show));
  } else if (ev?.error) {
    root.append(el('p', { className: 'callout warn' }, `The evaluation on Testing failed: ${ev.error}`));
  }
  else if (v.runningElsewhere) {
    const l = v.runningElsewhere;
    root.append(el('p', { className: 'callout', id: 'run-elsewhere' }, `Running elsewhere: another process is training this run ` +
      `(pid ${l.pid} on ${l.host}, since ${new Date(l.startedAt).toLocaleString()}). This view shows the epochs it has saved so far.`));
  } else if (v.status === 'interrupted') root.append(el('p', { className: 'callout warn', id: 'run-end' }, 'This run stopped before it finished (the backend or the window went away). Resume continues from its last finished epoch.'));
  root.append(actions(v));
  root.append(el('h2', {}, 'Curves'));
  if (v.history.length) {
    const best = v.history[v.bestEpoch];
    if (best) root.append(el('p', { id: 'best' }, `Best so far: epoch ${best.epoch + 1}, validation accuracy ${pct(best.valAcc)}, validation loss ${dec(best.valLoss, 4)}. ` +
      'The run folder\'s model.json holds these weights.'));
    root.append(curves(v), el('h2', {}, 'Epochs'), historyTable(v));
  } else {
    root.append(el('p', { className: 'muted' }, 'The curves appear when the first epoch ends.'));
  }
  root.append(el('footer', { className: 'muted' }, 'Research use only, not for clinical diagnosis. Validation images are held out of Training; ' +
    'test accuracy comes from Evaluate Model.'));
}

window.addEventListener('message', (e: MessageEvent<ToTrainingView>) => {
  const m = e.data;
  if (m?.type !== 'view') return;
  view = m.view;
  error = m.error;
  vscode.setState({ runDir: view?.runDir ?? null, last: view });
  render();
});

// Theme switches change the CSS variables; charts are canvases and must be redrawn with the new colours.
new MutationObserver(() => render()).observe(document.body, { attributes: true, attributeFilter: ['class'] });

render();
vscode.postMessage({ type: 'ready' });
