/**
 * Training panel (browser side): live loss and accuracy curves (train and validation, Chart.js), learning rate
 * and epoch times, progress with ETA, backend and threads, and the run's actions. The extension sends the whole
 * view on every change; the page keeps only which run it shows (the data comes back from the backend on reload).
 */
import '../pageLanguage';
import * as l10n from '@vscode/l10n';
import {
  CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip, type ChartConfiguration,
} from 'chart.js';
import type { DataSource, EpochStats } from '../../server/protocol';
import type { FromTrainingView, ToTrainingView, TrainingView, TrainingViewState } from '../protocol';
import { acquireApi, clear, el } from '../dom';
import { className } from '../classNames';
import { dateTime, dec, displayLocale, exp, num, pct, percent as asPercent } from '../displayFormat';
import { backendText, disclaimer, durationText, secondsText } from '../texts';
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
  return durationText(Math.max(0, Math.round(sec)), true);
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

/** A run's status in words (the badge's class keeps the status id). */
function statusText(status: TrainingView['status']): string {
  switch (status) {
    case 'loading': return l10n.t('Loading data');
    case 'training': return l10n.t({ message: 'Training', comment: ['A run\'s status: it is training now'] });
    case 'running': return l10n.t({ message: 'Running', comment: ['A run\'s status'] });
    case 'completed': return l10n.t('Completed');
    case 'early-stopped': return l10n.t('Stopped early');
    case 'cancelled': return l10n.t('Cancelled');
    case 'failed': return l10n.t({ message: 'Failed', comment: ['A run\'s status'] });
    case 'interrupted': return l10n.t('Interrupted');
    default: return String(status);
  }
}

/** "123 training, 31 validation" images. */
const trainValText = (train: number, val: number) => l10n.t('{0} training, {1} validation', String(train), String(val));

function header(v: TrainingView): HTMLElement {
  const c = v.config;
  const backend = backendText(v.backend);
  return el('header', {},
    el('h1', {}, l10n.t({ message: 'Training', comment: ['The Training panel\'s heading, before the run\'s id'] }), ' ', el('span', { className: 'muted run-id' }, v.runId)),
    el('p', { className: 'status-line' },
      el('span', { className: `badge status-${v.status}`, id: 'run-status' }, statusText(v.status)),
      ' ', el('span', { className: 'muted' }, l10n.t('{0}, {1} px {2}, {3} epochs, batch {4}, learning rate {5}, seed {6}', c.model, String(c.inputSize),
        c.channels === 1 ? l10n.t('greyscale') : 'RGB', String(c.epochs), String(c.batchSize), num(c.learningRate), String(c.seed)))),
    el('table', { className: 'facts' }, el('tbody', {},
      el('tr', {}, el('th', {}, l10n.t('Backend')), el('td', { id: 'run-backend' }, backend)),
      el('tr', {}, el('th', {}, l10n.t('Images')), el('td', {}, v.counts.train ? trainValText(v.counts.train, v.counts.val) : '–')),
      datasetRow(v),
      el('tr', {}, el('th', {}, l10n.t('Run folder')), el('td', {}, el('code', {}, v.runDir))))));
}

/** One source: its folder. Several: each folder with the images it gives to training and validation (per label on hover). */
function datasetRow(v: TrainingView): HTMLElement {
  const sources = Array.isArray(v.sources) ? v.sources : [];
  if (sources.length <= 1) return el('tr', {}, el('th', {}, l10n.t('Dataset')), el('td', { id: 'run-dataset' }, el('code', {}, sources[0]?.root ?? v.dataRoot)));
  const perLabel = (x: DataSource) => Object.entries(x.perClass ?? {}).map(([label, n]) =>
    `${className(label)}: ${trainValText(n.train, n.val)}`).join('\n');
  return el('tr', {}, el('th', {}, l10n.t('Sources ({0})', String(sources.length))), el('td', { id: 'run-sources' }, el('ul', { className: 'sources' },
    ...sources.map((x) => el('li', { title: perLabel(x) }, el('code', {}, x.root), el('span', { className: 'muted' },
      ` ${trainValText(x.counts.train, x.counts.val)}`))))));
}

function progressSection(v: TrainingView): HTMLElement | null {
  const p = v.progress;
  if (!v.live || !p) return null;
  if (p.phase === 'loading') {
    const text = p.loaded ? l10n.t('Loading images: {0} of {1}', String(p.loaded.done), String(p.loaded.total)) : l10n.t('Scanning the dataset...');
    return el('section', { className: 'progress' }, el('p', {}, text),
      p.loaded ? el('progress', { max: p.loaded.total, value: p.loaded.done }) : el('progress', {}));
  }
  const frac = (p.epoch + (p.batches ? p.batch / p.batches : 0)) / p.epochs;
  return el('section', { className: 'progress' },
    el('p', { id: 'run-progress' }, l10n.t('Epoch {0} of {1}, batch {2} of {3}: loss {4}, accuracy {5}, {6} img/s. Time left: {7}.', String(p.epoch + 1),
      String(p.epochs), String(p.batch), String(p.batches), dec(p.loss, 3), pct(p.acc), dec(p.imgPerSec, 1), duration(p.etaSec))),
    el('progress', { max: 1, value: frac, title: l10n.t('{0} of the run', pct(frac, 0)) }));
}

function actions(v: TrainingView): HTMLElement {
  const bar = el('div', { className: 'toolbar' });
  if (v.live) {
    const b = el('button', { id: 'cancel', title: l10n.t('Stops after the current batch; the last finished epoch stays resumable') }, l10n.t('Cancel Training'));
    b.addEventListener('click', () => { b.disabled = true; vscode.postMessage({ type: 'cancel', runId: v.runId }); });
    bar.append(b);
  }
  if (!v.live && v.resumable) {
    const b = el('button', { id: 'resume', title: l10n.t('Continue from epoch {0}', String(v.history.length + 1)) }, l10n.t('Resume'));
    b.addEventListener('click', () => { b.disabled = true; vscode.postMessage({ type: 'resume', runDir: v.runDir }); });
    bar.append(b);
  }
  const open = el('button', { className: 'secondary' }, l10n.t('Open Run Folder'));
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
  const svg = () => lineChartSvg({ title: label, xLabel: l10n.t('epoch'), yLabel: yTitle, percentY: percent, ...(percent ? { y: { min: 0, max: 1 } } : {}),
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
      devicePixelRatio: EXPORT_PIXEL_RATIO, locale: displayLocale(),
      plugins: {
        legend: { labels: { color: c.text, boxWidth: 18 } },
        tooltip: { callbacks: { label: (ctx) => `${ctx.dataset.label ?? ''}: ${percent ? pct(ctx.parsed.y ?? NaN) : dec(ctx.parsed.y ?? NaN, 4)}` } },
      },
      scales: {
        x: { title: { display: true, text: l10n.t('epoch'), color: c.muted }, ticks: { color: c.muted }, grid: { color: c.grid } },
        y: {
          title: { display: true, text: yTitle, color: c.muted }, grid: { color: c.grid },
          ticks: { color: c.muted, callback: (v) => (percent ? asPercent(Math.round(Number(v) * 100)) : typeof v === 'number' ? num(v) : v) },
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
  const train = l10n.t({ message: 'train', comment: ['A chart\'s series: the training images'] });
  const validation = l10n.t({ message: 'validation', comment: ['A chart\'s series: the validation images'] });
  const lossTitle = l10n.t({ message: 'loss', comment: ['A chart\'s axis'] });
  const accTitle = l10n.t({ message: 'accuracy', comment: ['A chart\'s axis'] });
  const lrTitle = l10n.t('learning rate');
  const lossSeries: Series[] = [{ label: train, values: h.map((e) => e.loss), color: c.train }, { label: validation, values: h.map((e) => e.valLoss), color: c.val, dashed: true }];
  const accSeries: Series[] = [{ label: train, values: h.map((e) => e.acc), color: c.train }, { label: validation, values: h.map((e) => e.valAcc), color: c.val, dashed: true }];
  const lrSeries: Series[] = [{ label: lrTitle, values: h.map((e) => e.lr), color: c.lr }];
  const loss = chartBox('chart-loss', l10n.t('Loss (cross-entropy) per epoch'), h, lossSeries, lossTitle, false);
  const acc = chartBox('chart-acc', l10n.t('Accuracy per epoch'), h, accSeries, accTitle, true);
  const lr = chartBox('chart-lr', l10n.t('Learning rate per epoch'), h, lrSeries, lrTitle, false);
  const section = el('section', { className: 'charts' }, loss.box, acc.box, lr.box);
  // Charts need their canvas in the document to measure it: created after this section is attached.
  queueMicrotask(() => {
    charts.push(
      lineChart(loss.canvas, h, lossSeries, lossTitle, false),
      lineChart(acc.canvas, h, accSeries, accTitle, true),
      lineChart(lr.canvas, h, lrSeries, lrTitle, false),
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
      cell('valLoss', dec(e.valLoss, 4)), cell('valAcc', pct(e.valAcc)), cell('lr', exp(e.lr, 2)),
      cell('time', secondsText(e.ms / 1000)), el('td', {}, best ? l10n.t('best (saved)') : ''));
  });
  return el('table', { className: 'grid history', id: 'history' },
    el('thead', {}, el('tr', {}, ...[l10n.t('Epoch'), l10n.t('Loss'), l10n.t('Accuracy'), l10n.t('Val. loss'), l10n.t('Val. accuracy'), l10n.t('Learning rate'), l10n.t('Time'), ''].map((t, i) =>
      el('th', { className: i > 0 && i < 7 ? 'num' : '' }, t)))),
    el('tbody', {}, ...rows));
}

function render(): void {
  while (charts.length) charts.pop()?.destroy();
  clear(root);
  if (error) root.append(el('p', { className: 'callout warn', id: 'error' }, error));
  const v = view;
  if (!v) {
    if (!error) root.append(el('p', { className: 'muted' }, l10n.t('Waiting for the backend...')));
    return;
  }
  root.append(header(v));
  const progress = progressSection(v);
  if (progress) root.append(progress);
  if (v.end) root.append(el('p', { className: `callout${v.end.outcome === 'failed' ? ' warn' : ''}`, id: 'run-end' }, v.end.message));
  const ev = v.evaluation;
  if (ev?.official) {
    const show = el('button', { className: 'secondary', id: 'show-metrics' }, l10n.t('Show Metrics'));
    show.addEventListener('click', () => vscode.postMessage({ type: 'showMetrics', runDir: v.runDir }));
    const o = ev.official, d = ev.deduplicated;
    root.append(el('p', { id: 'run-test' }, d
      ? l10n.t('Testing accuracy {0} on the official split ({1} images), {2} on the deduplicated split ({3}; near copies of Training images left out); macro F1 {4}. ',
        pct(o.accuracy), String(o.count), pct(d.accuracy), String(d.count), dec(o.macroF1, 3))
      : l10n.t('Testing accuracy {0} on the official split ({1} images); macro F1 {2}. ', pct(o.accuracy), String(o.count), dec(o.macroF1, 3)), show));
  } else if (ev?.error) {
    root.append(el('p', { className: 'callout warn' }, l10n.t('The evaluation on Testing failed: {0}', ev.error)));
  }
  else if (v.runningElsewhere) {
    const l = v.runningElsewhere;
    root.append(el('p', { className: 'callout', id: 'run-elsewhere' }, l10n.t('Running elsewhere: another process is training this run (pid {0} on {1}, since {2}). This view shows the epochs it has saved so far.',
      String(l.pid), l.host, dateTime(l.startedAt))));
  } else if (v.status === 'interrupted') root.append(el('p', { className: 'callout warn', id: 'run-end' }, l10n.t('This run stopped before it finished (the backend or the window went away). Resume continues from its last finished epoch.')));
  root.append(actions(v));
  root.append(el('h2', {}, l10n.t('Curves')));
  if (v.history.length) {
    const best = v.history[v.bestEpoch];
    if (best) root.append(el('p', { id: 'best' }, l10n.t('Best so far: epoch {0}, validation accuracy {1}, validation loss {2}. The run folder\'s model.json holds these weights.',
      String(best.epoch + 1), pct(best.valAcc), dec(best.valLoss, 4))));
    root.append(curves(v), el('h2', {}, l10n.t('Epochs')), historyTable(v));
  } else {
    root.append(el('p', { className: 'muted' }, l10n.t('The curves appear when the first epoch ends.')));
  }
  root.append(el('footer', { className: 'muted' }, `${disclaimer()} ${l10n.t('Validation images are held out of Training; test accuracy comes from Evaluate Model.')}`));
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
