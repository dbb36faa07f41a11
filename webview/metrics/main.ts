/**
 * Metrics panel (browser side): an evaluation report on the official and the deduplicated Testing split side by
 * side: headline scores (and another run's beside them in compare mode), tumour vs no tumour, the external sets and
 * the robustness under perturbations (detection.ts, external.ts, robustness.ts), per-class scores, confusion
 * matrices as heat maps, ROC curves and the reliability diagram (Chart.js) of one split, and galleries of the
 * misclassified and least confident images. The whole report is kept in the page's state, so a window reload needs no backend.
 *
 * The CSP forbids inline styles: shades and colours come from CSS classes (common.css, "Metrics panel") and Chart.js
 * colours from VS Code's theme variables, read again when the theme changes.
 */
import {
  BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, ScatterController,
  Tooltip, type ChartConfiguration,
} from 'chart.js';
import type { EpochStats, EvaluationReport, ImageVerdict, SplitScores } from '../../server/protocol';
import { formatMetric, HEADLINE_METRICS, type HeadlineMetric, TTA_METRICS } from '../../server/eval/figureRows';
import { dec, int, isNum, pct } from '../../server/numberFormat';
import type { FromMetricsView, MetricsViewState, ToMetricsView } from '../protocol';
import { acquireApi, clear, el } from '../dom';
import { detectionSection } from './detection';
import { externalSection } from './external';
import { robustnessSection } from './robustness';

Chart.register(BarController, BarElement, ScatterController, LineController, LineElement, PointElement, LinearScale, CategoryScale, Legend, Tooltip);

type SplitKey = SplitScores['key'];

const vscode = acquireApi<MetricsViewState, FromMetricsView>();
const root = document.getElementById('root')!;
let state: MetricsViewState = vscode.getState() ?? { report: null, compare: null, history: null, chartSplit: 'official' };
let thumbs: Record<string, string> = {};
const charts: Chart[] = [];
const GALLERY_LIMIT = 24;


// ---------------------------------------------------------------------------------------------
// Theme

/** Theme colours from VS Code's variables, read again whenever the theme changes. */
function palette(): { classes: string[]; text: string; muted: string; grid: string; bar: string; ideal: string } {
  const css = getComputedStyle(document.body);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return {
    classes: [v('--vscode-charts-blue', '#3794ff'), v('--vscode-charts-orange', '#d18616'), v('--vscode-charts-green', '#89d185'),
      v('--vscode-charts-purple', '#b180d7'), v('--vscode-charts-red', '#f14c4c'), v('--vscode-charts-yellow', '#cca700')],
    text: v('--vscode-foreground', '#cccccc'),
    muted: v('--vscode-descriptionForeground', '#999999'),
    grid: v('--vscode-editorWidget-border', v('--vscode-panel-border', '#80808040')),
    bar: v('--vscode-charts-blue', '#3794ff'),
    ideal: v('--vscode-descriptionForeground', '#999999'),
  };
}

// ---------------------------------------------------------------------------------------------
// Headline metrics

function delta(m: HeadlineMetric, a: number | null | undefined, b: number | null | undefined): { text: string; cls: string; title: string } {
  if (!isNum(a) || !isNum(b)) return { text: '–', cls: '', title: '' };
  const d = a - b;
  const sign = d > 0 ? '+' : d < 0 ? '−' : '±';
  const abs = Math.abs(d);
  const text = m.kind === 'pct' ? `${sign}${(abs * 100).toFixed(1)} pp` : m.kind === 'int' ? `${sign}${Math.round(abs)}` : `${sign}${abs.toFixed(4)}`;
  const tiny = m.kind === 'pct' ? abs < 0.0005 : m.kind === 'int' ? abs < 0.5 : abs < 0.00005;
  if (tiny || m.kind === 'int') return { text, cls: 'delta', title: m.kind === 'int' ? 'difference in images scored' : 'no difference' };
  const better = m.lowerIsBetter ? d < 0 : d > 0;
  return { text, cls: `delta ${better ? 'better' : 'worse'}`, title: better ? 'better than the compared run' : 'worse than the compared run' };
}

function headlineTable(r: EvaluationReport, compare: EvaluationReport | null): HTMLElement {
  const splits = r.splits;
  const metrics = splits.some((s) => s.tta) || compare?.splits.some((s) => s.tta) ? [...HEADLINE_METRICS, ...TTA_METRICS] : HEADLINE_METRICS;
  const other = (key: SplitKey) => compare?.splits.find((s) => s.key === key);
  const head: HTMLTableRowElement[] = [];
  if (compare) {
    head.push(el('tr', {}, el('th', {}), ...splits.map((s) => {
      const th = el('th', { className: 'num group' }, s.label);
      th.colSpan = 3;
      return th;
    })));
    head.push(el('tr', {}, el('th', {}, 'Metric'), ...splits.flatMap(() => [
      el('th', { className: 'num', title: runName(r) }, 'This run'), el('th', { className: 'num', title: runName(compare) }, 'Compared'),
      el('th', { className: 'num' }, 'Difference')])));
  } else {
    head.push(el('tr', {}, el('th', {}, 'Metric'), ...splits.map((s) => el('th', { className: 'num' }, s.label))));
  }
  const rows = metrics.map((m) => el('tr', { className: m.key.startsWith('tta') ? 'tta' : '' },
    el('th', { title: m.title }, m.label),
    ...splits.flatMap((s) => {
      const mine = el('td', { className: 'num', id: `metric-${s.key}-${m.key}` }, formatMetric(m, m.get(s)));
      if (!compare) return [mine];
      const o = other(s.key);
      const ov = o ? m.get(o) : undefined;
      const d = delta(m, m.get(s), ov);
      return [mine, el('td', { className: 'num compared', id: `metric-${s.key}-${m.key}-compare` }, o ? formatMetric(m, ov) : '–'),
        el('td', { className: `num ${d.cls}`, id: `metric-${s.key}-${m.key}-delta`, title: d.title }, d.text)];
    })));
  return el('table', { className: `grid headline${compare ? ' comparing' : ''}`, id: 'headline' }, el('thead', {}, ...head), el('tbody', {}, ...rows));
}

function runName(r: EvaluationReport): string {
  return `${r.runId ?? r.model.name} (${new Date(r.createdAt).toLocaleString()})`;
}

// ---------------------------------------------------------------------------------------------
// Per-class scores and confusion matrices

function perClassTable(r: EvaluationReport, s: SplitScores): HTMLElement {
  const cell = (cls: string, key: string, text: string) => el('td', { className: 'num', id: `class-${s.key}-${cls}-${key}` }, text);
  return el('table', { className: 'grid per-class', id: `classes-${s.key}` },
    el('thead', {}, el('tr', {}, ...['Class', 'Precision', 'Recall', 'F1', 'Support', 'AUC'].map((t, i) => el('th', { className: i ? 'num' : '' }, t)))),
    el('tbody', {}, ...r.classes.map((c, i) => {
      const p = s.perClass[i];
      return el('tr', {}, el('th', {}, c), cell(c, 'precision', pct(p?.precision)), cell(c, 'recall', pct(p?.recall)), cell(c, 'f1', pct(p?.f1)),
        cell(c, 'support', int(p?.support)), cell(c, 'auc', dec(p?.auc, 3)));
    }), el('tr', { className: 'avg' }, el('th', {}, 'macro average'), el('td', { className: 'num' }, pct(s.macro.precision)),
      el('td', { className: 'num' }, pct(s.macro.recall)), el('td', { className: 'num' }, pct(s.macro.f1)), el('td', { className: 'num' }, int(s.count)),
      el('td', { className: 'num' }, dec(s.rocAucMacro, 3)))));
}

/** Rows = true class, columns = predicted. Shade (heat0..heat9) = share of the row; each cell: count, then that share. */
function confusionTable(r: EvaluationReport, s: SplitScores): HTMLElement {
  const corner = el('th', { className: 'corner' }, 'true ↓ / predicted →');
  return el('table', { className: 'cm', id: `cm-${s.key}` },
    el('thead', {}, el('tr', {}, corner, ...r.classes.map((c) => el('th', { scope: 'col' }, c)))),
    el('tbody', {}, ...r.classes.map((t, i) => {
      const row = s.confusion[i] ?? [];
      const total = row.reduce((a, b) => a + (isNum(b) ? b : 0), 0);
      return el('tr', {}, el('th', { scope: 'row' }, t), ...r.classes.map((p, j) => {
        const v = row[j];
        const n = isNum(v) ? v : 0;
        const share = total ? n / total : 0;
        const heat = Math.min(9, Math.floor(share * 10));
        return el('td', { id: `cm-${s.key}-${t}-${p}`, className: `heat${heat}${i === j ? ' diag' : ''}`, title: `true ${t}, predicted ${p}: ${n} of ${total}` },
          el('span', { className: 'cm-count' }, String(n)), ' ', el('span', { className: 'cm-share' }, pct(share)));
      }));
    })));
}

// ---------------------------------------------------------------------------------------------
// Charts of one split: ROC curves and the reliability diagram

function chartBox(id: string, label: string): { box: HTMLElement; canvas: HTMLCanvasElement } {
  const canvas = el('canvas', { id });
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', label);
  return { box: el('figure', { className: 'chart-box' }, el('figcaption', {}, label), el('div', { className: 'chart-area square' }, canvas)), canvas };
}

function rocChart(canvas: HTMLCanvasElement, r: EvaluationReport, s: SplitScores): Chart {
  const c = palette();
  const datasets: ChartConfiguration<'scatter'>['data']['datasets'] = r.classes.map((name, i) => {
    const roc = s.roc[i];
    const color = c.classes[i % c.classes.length]!;
    return {
      label: `${name} (AUC ${dec(s.perClass[i]?.auc, 3)})`, data: roc ? roc.fpr.map((x, j) => ({ x, y: roc.tpr[j] ?? NaN })) : [],
      showLine: true, borderColor: color, backgroundColor: color, borderWidth: 2, pointRadius: 0, pointHitRadius: 6,
    };
  });
  datasets.push({ label: 'chance', data: [{ x: 0, y: 0 }, { x: 1, y: 1 }], showLine: true, borderColor: c.ideal, backgroundColor: c.ideal,
    borderDash: [5, 4], borderWidth: 1, pointRadius: 0 });
  const axis = (title: string) => ({ type: 'linear' as const, min: 0, max: 1, title: { display: true, text: title, color: c.muted },
    ticks: { color: c.muted, stepSize: 0.25, callback: (v: string | number) => Number(v).toFixed(2) }, grid: { color: c.grid } });
  return new Chart(canvas, {
    type: 'scatter',
    data: { datasets },
    options: {
      animation: false, responsive: true, maintainAspectRatio: false,
      plugins: {
        legend: { position: 'bottom', labels: { color: c.text, usePointStyle: true, pointStyle: 'line', boxWidth: 24 } },
        tooltip: { callbacks: { label: (ctx) => `${ctx.dataset.label ?? ''}: FPR ${dec(ctx.parsed.x, 3)}, TPR ${dec(ctx.parsed.y, 3)}` } },
      },
      scales: { x: axis('false positive rate'), y: axis('true positive rate') },
    },
  });
}

function reliabilityChart(canvas: HTMLCanvasElement, s: SplitScores): Chart {
  const c = palette();
  const bins = s.calibrationBins;
  const config: ChartConfiguration<'bar' | 'line'> = {
    type: 'bar',
    data: {
      labels: bins.map((b) => `${Math.round(b.lower * 100)}–${Math.round(b.upper * 100)}%`),
      datasets: [
        { type: 'bar', label: 'accuracy', data: bins.map((b) => (b.count && isNum(b.accuracy) ? b.accuracy : null)), backgroundColor: `${c.bar}99`,
          borderColor: c.bar, borderWidth: 1, categoryPercentage: 1, barPercentage: 0.92, order: 2, pointStyle: 'rect' },
        { type: 'line', label: 'perfect calibration', data: bins.map((b) => (b.lower + b.upper) / 2), borderColor: c.ideal, backgroundColor: c.ideal,
          borderDash: [5, 4], borderWidth: 1.5, pointRadius: 0, order: 1, pointStyle: 'line' },
      ],
    },
    options: {
      animation: false, responsive: true, maintainAspectRatio: false,
      plugins: {
        legend: { position: 'bottom', labels: { color: c.text, usePointStyle: true, boxWidth: 24 } },
        tooltip: { callbacks: { label: (ctx) => {
          const b = bins[ctx.dataIndex];
          if (!b || ctx.dataset.type === 'line') return `perfect calibration: ${pct(ctx.parsed.y)}`;
          return `accuracy ${pct(b.accuracy)}, mean confidence ${pct(b.confidence)}, ${int(b.count)} images`;
        } } },
      },
      scales: {
        x: { title: { display: true, text: 'confidence (top probability)', color: c.muted }, ticks: { color: c.muted, maxRotation: 60 }, grid: { display: false } },
        y: { min: 0, max: 1, title: { display: true, text: 'accuracy', color: c.muted }, grid: { color: c.grid },
          ticks: { color: c.muted, stepSize: 0.25, callback: (v) => `${Math.round(Number(v) * 100)}%` } },
      },
    },
  };
  return new Chart(canvas, config);
}

function destroyCharts(): void {
  while (charts.length) charts.pop()?.destroy();
}

/** The split toggle and the two charts of the chosen split; re-rendered alone when the toggle changes. */
function chartsSection(r: EvaluationReport, host: HTMLElement): void {
  destroyCharts();
  clear(host);
  const s = r.splits.find((x) => x.key === state.chartSplit) ?? r.splits[0];
  if (!s) return;
  const toggle = el('div', { className: 'segmented', role: 'group' }, ...r.splits.map((x) => {
    const b = el('button', { className: x.key === s.key ? 'selected' : 'secondary', id: `chart-split-${x.key}` }, x.label);
    b.setAttribute('aria-pressed', String(x.key === s.key));
    b.addEventListener('click', () => {
      if (state.chartSplit === x.key) return;
      state = { ...state, chartSplit: x.key };
      vscode.setState(state);
      chartsSection(r, host);
    });
    return b;
  }));
  toggle.setAttribute('aria-label', 'Split shown in the charts');
  const roc = chartBox('chart-roc', `ROC curves, each class against the rest (macro AUC ${dec(s.rocAucMacro, 3)})`);
  const rel = chartBox('chart-reliability', `Reliability diagram (ECE ${dec(s.ece, 4)}, largest gap ${dec(s.maxCalibrationError, 3)})`);
  host.append(toggle, el('div', { className: 'charts' }, roc.box, rel.box));
  // Charts need their canvas in the document to measure it.
  queueMicrotask(() => {
    if (!roc.canvas.isConnected) return;
    charts.push(rocChart(roc.canvas, r, s), reliabilityChart(rel.canvas, s));
  });
}

// ---------------------------------------------------------------------------------------------
// Galleries

function verdictCard(r: EvaluationReport, v: ImageVerdict, idPrefix: string, i: number): HTMLElement {
  const uri = thumbs[v.rel];
  const name = v.rel.split('/').pop() ?? v.rel;
  const open = () => vscode.postMessage({ type: 'open', rel: v.rel });
  const pic = uri ? el('img', { src: uri, alt: `${v.label} image ${v.rel}` }) : el('span', { className: 'no-thumb' }, 'no preview');
  const btn = el('button', { className: 'thumb', title: `${v.rel} (click to open)`, id: `${idPrefix}-${i}` }, pic);
  btn.addEventListener('click', open);
  const wrong = v.label !== v.predicted;
  const probs = el('table', { className: 'probs' }, el('tbody', {}, ...r.classes.map((c, k) => {
    const p = v.probs[k];
    const meter = el('progress', { max: 1, value: isNum(p) ? p : 0 });
    meter.setAttribute('aria-label', `p(${c})`);
    return el('tr', { className: c === v.predicted ? 'top' : '' }, el('th', {}, c), el('td', { className: 'num' }, pct(p)), el('td', {}, meter));
  })));
  const link = el('a', { href: '#', className: 'file', title: `Open ${v.rel}` }, name);
  link.addEventListener('click', (e) => { e.preventDefault(); open(); });
  return el('figure', { className: 'verdict' }, btn, el('figcaption', {},
    link,
    el('div', {}, el('span', { className: 'muted' }, 'true '), el('strong', {}, v.label)),
    el('div', { className: wrong ? 'wrong' : 'right' }, el('span', { className: 'muted' }, 'predicted '), el('strong', {}, v.predicted)),
    el('div', { className: 'muted' }, `confidence ${pct(v.confidence)}`),
    v.inDeduplicated ? '' : el('div', { className: 'tag', title: 'This Testing image has a near copy in Training; it is not in the deduplicated split' }, 'near copy in Training')),
  probs);
}

function gallery(r: EvaluationReport, list: ImageVerdict[], id: string, empty: string): HTMLElement {
  if (!list.length) return el('p', { className: 'muted' }, empty);
  const box = el('div', { className: 'gallery', id });
  const show = (n: number) => {
    clear(box);
    box.append(...list.slice(0, n).map((v, i) => verdictCard(r, v, id, i)));
  };
  show(GALLERY_LIMIT);
  if (list.length <= GALLERY_LIMIT) return box;
  const more = el('button', { className: 'secondary' }, `Show all ${list.length}`);
  more.addEventListener('click', () => { show(list.length); more.remove(); });
  return el('div', {}, box, more);
}

// ---------------------------------------------------------------------------------------------
// Page

function header(r: EvaluationReport): HTMLElement {
  const b = r.backend;
  const backend = `${b.kind}, ${b.threads} thread${b.threads === 1 ? '' : 's'}${b.simd ? ', SIMD' : ''}`;
  const cal = r.calibration;
  return el('header', {},
    el('h1', {}, 'Metrics ', el('span', { className: 'muted run-id', id: 'run-id' }, r.runId ?? r.model.name)),
    el('p', { className: 'callout warn', id: 'disclaimer' }, el('strong', {}, 'Research use only, not for clinical diagnosis.')),
    el('table', { className: 'facts' }, el('tbody', {},
      el('tr', {}, el('th', {}, 'Model'), el('td', { id: 'model' }, `${r.model.name}, ${r.model.inputSize} px ${r.model.channels === 1 ? 'greyscale' : 'RGB'}, ` +
        `${int(r.model.params)} parameters`)),
      el('tr', {}, el('th', {}, 'Model folder'), el('td', {}, el('code', {}, r.modelDir))),
      el('tr', {}, el('th', {}, 'Dataset'), el('td', { id: 'dataset' }, el('code', {}, r.dataRoot))),
      el('tr', {}, el('th', {}, 'Backend'), el('td', { id: 'backend' }, backend)),
      el('tr', {}, el('th', {}, 'Evaluated'), el('td', { id: 'evaluated' }, `${new Date(r.createdAt).toLocaleString()}, ${(r.timing.ms / 1000).toFixed(1)} s ` +
        `(${int(r.timing.images)} images, ${r.timing.imgPerSec.toFixed(1)} img/s)`)),
      el('tr', {}, el('th', {}, 'Calibration'), el('td', { id: 'calibration' }, cal
        ? `temperature ${cal.temperature.toFixed(3)}${cal.bias ? ` and class biases ${r.classes.map((c, i) => `${c} ${cal.bias![i]!.toFixed(2)}`).join(', ')}` : ''} fitted on ${int(cal.count)} validation images (NLL ${dec(cal.nllBefore, 4)} → ${dec(cal.nllAfter, 4)})`
        : 'none (raw softmax probabilities)')),
      el('tr', {}, el('th', {}, 'Test-time augmentation'), el('td', {}, r.tta ? 'yes (mean of the image and its mirror; TTA rows)' : 'no')))));
}

function historyLine(h: EpochStats[] | null): HTMLElement | null {
  if (!h?.length) return null;
  const best = h.reduce((a, e) => (e.valAcc > a.valAcc ? e : a), h[0]!);
  return el('p', { className: 'muted', id: 'history-summary' }, `Trained ${h.length} epoch${h.length === 1 ? '' : 's'}; best validation accuracy ` +
    `${pct(best.valAcc)} at epoch ${best.epoch + 1} (validation loss ${dec(best.valLoss, 4)}).`);
}

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
  root.append(el('div', { className: 'side-by-side' }, ...r.splits.map((s) => el('section', {}, el('h3', {}, s.label), confusionTable(r, s)))));

  root.append(el('h2', {}, 'ROC curves and calibration'));
  const chartsHost = el('div', { id: 'charts' });
  root.append(chartsHost);
  chartsSection(r, chartsHost);

  root.append(el('h2', {}, `Misclassified (${r.misclassified.length})`),
    gallery(r, r.misclassified, 'misclassified', 'No image was misclassified.'));
  root.append(el('h2', {}, `Least confident (${r.leastConfident.length})`),
    gallery(r, r.leastConfident, 'least-confident', 'No predictions listed.'));
  root.append(el('footer', { className: 'muted' }, 'Research use only, not for clinical diagnosis. Scores on 2-D slices of one public dataset ' +
    'do not transfer to other scanners, protocols or patients; see the model card in the exported report.'));
}

window.addEventListener('message', (e: MessageEvent<unknown>) => {
  const m = e.data as Partial<ToMetricsView> | null;
  if (!m || m.type !== 'report' || !m.report) return;
  const report = m.report;
  thumbs = m.thumbs ?? {};
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
  if (r && host) chartsSection(r, host);
}).observe(document.body, { attributes: true, attributeFilter: ['class'] });

render();
vscode.postMessage({ type: 'ready' });
