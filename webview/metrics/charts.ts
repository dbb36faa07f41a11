/**
 * The charts of one split (Chart.js): ROC curves, each class against the rest, and the reliability diagram, with
 * a toggle between the splits. Chart.js draws on canvases, so its colours come from VS Code's theme variables,
 * read again on every draw (main.ts redraws when the theme changes).
 */
import {
  BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, ScatterController,
  Tooltip, type ChartConfiguration,
} from 'chart.js';
import * as l10n from '@vscode/l10n';
import type { EvaluationReport, SplitScores } from '../../server/protocol';
import { dec, displayLocale, int, isNum, pct, percent } from '../displayFormat';
import { className } from '../classNames';
import { clear, el } from '../dom';
import { splitLabel } from './evaluationText';
import { EXPORT_PIXEL_RATIO, exportButtons } from '../chartExport';
import { themeColors } from '../chartTheme';
import { lineChartSvg } from '../chartSvg';
import type { ChartImage } from '../protocol';

Chart.register(BarController, BarElement, ScatterController, LineController, LineElement, PointElement, LinearScale, CategoryScale, Legend, Tooltip);

/** The split the charts show: kept in the page's state (main.ts), so it survives a reload. */
export interface ChartSplit {
  get(): SplitScores['key'];
  set(key: SplitScores['key']): void;
}

const charts: Chart[] = [];

const chanceText = () => l10n.t({ message: 'chance', comment: ['The diagonal of a ROC chart: a classifier that guesses'] });
const fprText = () => l10n.t('false positive rate');
const tprText = () => l10n.t('true positive rate');
const confidenceText = () => l10n.t('confidence (top probability)');
const accuracyText = () => l10n.t({ message: 'accuracy', comment: ['A chart\'s axis'] });
const perfectText = () => l10n.t('perfect calibration');
/** A class's ROC curve in the legend: "glioma (AUC 0.987)". */
const rocLabel = (name: string, auc: number | null | undefined) => l10n.t('{0} (AUC {1})', className(name), dec(auc, 3));

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

/** A chart's figure with PNG / SVG export buttons (`svg` draws the same data as a vector file). */
function chartBox(id: string, label: string, svg: () => string, post: (m: ChartImage) => void): { box: HTMLElement; canvas: HTMLCanvasElement } {
  const canvas = el('canvas', { id });
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', label);
  const buttons = exportButtons({ name: id.replace(/^chart-/, ''), canvas: () => canvas, svg }, post);
  return { box: el('figure', { className: 'chart-box' }, el('figcaption', {}, el('span', {}, label), buttons), el('div', { className: 'chart-area square' }, canvas)), canvas };
}

function rocSvg(title: string, r: EvaluationReport, s: SplitScores): string {
  const c = palette();
  const lines = r.classes.map((name, i) => {
    const roc = s.roc[i];
    return { label: rocLabel(name, s.perClass[i]?.auc), color: c.classes[i % c.classes.length]!,
      points: roc ? roc.fpr.map((x, j) => ({ x, y: roc.tpr[j] ?? null })) : [] };
  });
  lines.push({ label: chanceText(), color: c.ideal, points: [{ x: 0, y: 0 }, { x: 1, y: 1 }] });
  return lineChartSvg({ title, xLabel: fprText(), yLabel: tprText(), lines, x: { min: 0, max: 1 }, y: { min: 0, max: 1 },
    colors: themeColors(), height: 520 });
}

function reliabilitySvg(title: string, s: SplitScores): string {
  const c = palette();
  return lineChartSvg({
    title, xLabel: confidenceText(), yLabel: accuracyText(), percentY: true, x: { min: 0, max: 1 }, y: { min: 0, max: 1 },
    bars: { label: accuracyText(), color: c.bar, items: s.calibrationBins.map((b) => ({ x0: b.lower, x1: b.upper, y: b.count && isNum(b.accuracy) ? b.accuracy : null })) },
    lines: [{ label: perfectText(), color: c.ideal, dashed: true, points: [{ x: 0, y: 0 }, { x: 1, y: 1 }] }],
    colors: themeColors(),
  });
}

function rocChart(canvas: HTMLCanvasElement, r: EvaluationReport, s: SplitScores): Chart {
  const c = palette();
  const datasets: ChartConfiguration<'scatter'>['data']['datasets'] = r.classes.map((name, i) => {
    const roc = s.roc[i];
    const color = c.classes[i % c.classes.length]!;
    return {
      label: rocLabel(name, s.perClass[i]?.auc), data: roc ? roc.fpr.map((x, j) => ({ x, y: roc.tpr[j] ?? NaN })) : [],
      showLine: true, borderColor: color, backgroundColor: color, borderWidth: 2, pointRadius: 0, pointHitRadius: 6,
    };
  });
  datasets.push({ label: chanceText(), data: [{ x: 0, y: 0 }, { x: 1, y: 1 }], showLine: true, borderColor: c.ideal, backgroundColor: c.ideal,
    borderDash: [5, 4], borderWidth: 1, pointRadius: 0 });
  const axis = (title: string) => ({ type: 'linear' as const, min: 0, max: 1, title: { display: true, text: title, color: c.muted },
    ticks: { color: c.muted, stepSize: 0.25, callback: (v: string | number) => dec(Number(v), 2) }, grid: { color: c.grid } });
  return new Chart(canvas, {
    type: 'scatter',
    data: { datasets },
    options: {
      animation: false, responsive: true, maintainAspectRatio: false, devicePixelRatio: EXPORT_PIXEL_RATIO, locale: displayLocale(),
      plugins: {
        legend: { position: 'bottom', labels: { color: c.text, usePointStyle: true, pointStyle: 'line', boxWidth: 24 } },
        tooltip: { callbacks: { label: (ctx) => l10n.t('{0}: FPR {1}, TPR {2}', ctx.dataset.label ?? '', dec(ctx.parsed.x, 3), dec(ctx.parsed.y, 3)) } },
      },
      scales: { x: axis(fprText()), y: axis(tprText()) },
    },
  });
}

function reliabilityChart(canvas: HTMLCanvasElement, s: SplitScores): Chart {
  const c = palette();
  const bins = s.calibrationBins;
  const config: ChartConfiguration<'bar' | 'line'> = {
    type: 'bar',
    data: {
      labels: bins.map((b) => l10n.t('{0}–{1}%', String(Math.round(b.lower * 100)), String(Math.round(b.upper * 100)))),
      datasets: [
        { type: 'bar', label: accuracyText(), data: bins.map((b) => (b.count && isNum(b.accuracy) ? b.accuracy : null)), backgroundColor: `${c.bar}99`,
          borderColor: c.bar, borderWidth: 1, categoryPercentage: 1, barPercentage: 0.92, order: 2, pointStyle: 'rect' },
        { type: 'line', label: perfectText(), data: bins.map((b) => (b.lower + b.upper) / 2), borderColor: c.ideal, backgroundColor: c.ideal,
          borderDash: [5, 4], borderWidth: 1.5, pointRadius: 0, order: 1, pointStyle: 'line' },
      ],
    },
    options: {
      animation: false, responsive: true, maintainAspectRatio: false, devicePixelRatio: EXPORT_PIXEL_RATIO, locale: displayLocale(),
      plugins: {
        legend: { position: 'bottom', labels: { color: c.text, usePointStyle: true, boxWidth: 24 } },
        tooltip: { callbacks: { label: (ctx) => {
          const b = bins[ctx.dataIndex];
          if (!b || ctx.dataset.type === 'line') return l10n.t('perfect calibration: {0}', pct(ctx.parsed.y));
          return l10n.t('accuracy {0}, mean confidence {1}, {2} images', pct(b.accuracy), pct(b.confidence), int(b.count));
        } } },
      },
      scales: {
        x: { title: { display: true, text: confidenceText(), color: c.muted }, ticks: { color: c.muted, maxRotation: 60 }, grid: { display: false } },
        y: { min: 0, max: 1, title: { display: true, text: accuracyText(), color: c.muted }, grid: { color: c.grid },
          ticks: { color: c.muted, stepSize: 0.25, callback: (v) => percent(Math.round(Number(v) * 100)) } },
      },
    },
  };
  return new Chart(canvas, config);
}

export function destroyCharts(): void {
  while (charts.length) charts.pop()?.destroy();
}

/** The split toggle and the two charts of the chosen split; re-rendered alone when the toggle changes. */
export function chartsSection(r: EvaluationReport, host: HTMLElement, split: ChartSplit, post: (m: ChartImage) => void): void {
  destroyCharts();
  clear(host);
  const s = r.splits.find((x) => x.key === split.get()) ?? r.splits[0];
  if (!s) return;
  const toggle = el('div', { className: 'segmented', role: 'group' }, ...r.splits.map((x) => {
    const b = el('button', { className: x.key === s.key ? 'selected' : 'secondary', id: `chart-split-${x.key}` }, splitLabel(x));
    b.setAttribute('aria-pressed', String(x.key === s.key));
    b.addEventListener('click', () => {
      if (split.get() === x.key) return;
      split.set(x.key);
      chartsSection(r, host, split, post);
    });
    return b;
  }));
  toggle.setAttribute('aria-label', l10n.t('Split shown in the charts'));
  const rocTitle = l10n.t('ROC curves, each class against the rest (macro AUC {0})', dec(s.rocAucMacro, 3));
  const relTitle = l10n.t('Reliability diagram (ECE {0}, largest gap {1})', dec(s.ece, 4), dec(s.maxCalibrationError, 3));
  const roc = chartBox('chart-roc', rocTitle, () => rocSvg(`${rocTitle}, ${splitLabel(s)}`, r, s), post);
  const rel = chartBox('chart-reliability', relTitle, () => reliabilitySvg(`${relTitle}, ${splitLabel(s)}`, s), post);
  host.append(toggle, el('div', { className: 'charts' }, roc.box, rel.box));
  // Charts need their canvas in the document to measure it.
  queueMicrotask(() => {
    if (!roc.canvas.isConnected) return;
    charts.push(rocChart(roc.canvas, r, s), reliabilityChart(rel.canvas, s));
  });
}
