/**
 * The exported report's drawings, as inline SVG strings drawn by hand: the report must open in any browser with no
 * script and no external resource, so no chart library. Line charts (training curves, ROC curves), confusion
 * matrices and reliability diagrams; colours come from the report's CSS classes (reportStyle.ts). Every text is
 * escaped.
 */
import * as l10n from '@vscode/l10n';
import type { SplitScores } from '../protocol';
import { dec, fixed, int, isNum, pct, percentOf } from '../numberFormat';
import { esc } from './reportHtmlParts';
import { className } from '../data/classNames';

/** Coordinates in SVG: rounded, and never NaN (which would break the drawing). */
const xy = (v: number) => (Number.isFinite(v) ? (Math.round(v * 10) / 10).toString() : '0');

export interface Series { label: string; points: [number, number][]; cls: string; dashed?: boolean }

/** A line chart on linear axes with ticks, grid, axis titles and a legend below. */
export function lineChart(o: { title: string; series: Series[]; x: [number, number]; y: [number, number]; xTitle: string; yTitle: string;
  yPercent?: boolean; xTicks?: number[]; yTicks?: number[]; marker?: { x: number; label: string }; square?: boolean }): string {
  const W = o.square ? 340 : 460, H = o.square ? 330 : 260, L = 56, R = 14, T = 14, B = 44;
  const pw = W - L - R, ph = H - T - B;
  const sx = (v: number) => L + ((v - o.x[0]) / (o.x[1] - o.x[0] || 1)) * pw;
  const sy = (v: number) => T + ph - ((v - o.y[0]) / (o.y[1] - o.y[0] || 1)) * ph;
  const yTicks = o.yTicks ?? [0, 0.25, 0.5, 0.75, 1].map((f) => o.y[0] + f * (o.y[1] - o.y[0]));
  const xTicks = o.xTicks ?? [0, 0.25, 0.5, 0.75, 1].map((f) => o.x[0] + f * (o.x[1] - o.x[0]));
  const fmtY = (v: number) => (o.yPercent ? percentOf(Math.round(v * 100)) : Math.abs(v) < 10 ? fixed(v, 2) : fixed(v, 0));
  const fmtX = (v: number) => (Number.isInteger(v) ? String(v) : fixed(v, 2));
  const parts: string[] = [];
  for (const t of yTicks) {
    parts.push(`<line class="gridline" x1="${L}" x2="${W - R}" y1="${xy(sy(t))}" y2="${xy(sy(t))}"/>`,
      `<text class="tick" x="${L - 6}" y="${xy(sy(t) + 4)}" text-anchor="end">${esc(fmtY(t))}</text>`);
  }
  for (const t of xTicks) {
    parts.push(`<line class="gridline" x1="${xy(sx(t))}" x2="${xy(sx(t))}" y1="${T}" y2="${T + ph}"/>`,
      `<text class="tick" x="${xy(sx(t))}" y="${T + ph + 16}" text-anchor="middle">${esc(fmtX(t))}</text>`);
  }
  parts.push(`<rect class="frame" x="${L}" y="${T}" width="${pw}" height="${ph}"/>`);
  if (o.marker) {
    parts.push(`<line class="marker" x1="${xy(sx(o.marker.x))}" x2="${xy(sx(o.marker.x))}" y1="${T}" y2="${T + ph}"/>`,
      `<text class="tick" x="${xy(sx(o.marker.x))}" y="${T - 3}" text-anchor="middle">${esc(o.marker.label)}</text>`);
  }
  for (const s of o.series) {
    const pts = s.points.filter(([a, b]) => isNum(a) && isNum(b));
    if (!pts.length) continue;
    parts.push(`<polyline class="line ${s.cls}${s.dashed ? ' dashed' : ''}" points="${pts.map(([a, b]) => `${xy(sx(a))},${xy(sy(b))}`).join(' ')}"/>`);
  }
  parts.push(`<text class="axis-title" x="${L + pw / 2}" y="${H - 6}" text-anchor="middle">${esc(o.xTitle)}</text>`,
    `<text class="axis-title" transform="translate(14 ${T + ph / 2}) rotate(-90)" text-anchor="middle">${esc(o.yTitle)}</text>`);
  const legend = o.series.map((s) => `<span class="key"><span class="swatch ${s.cls}${s.dashed ? ' dashed' : ''}"></span>${esc(s.label)}</span>`).join(' ');
  return `<figure class="plot" style="width: ${W}px"><figcaption>${esc(o.title)}</figcaption>` +
    `<svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(o.title)}">${parts.join('')}</svg>` +
    `<div class="legend">${legend}</div></figure>`;
}

/** Rows = true class, columns = predicted; shade = share of the row; each cell shows the count and that share. */
export function confusionSvg(s: SplitScores, classes: readonly string[]): string {
  const k = classes.length;
  const cell = k <= 4 ? 76 : 60, L = 118, T = 64, W = L + cell * k + 12, H = T + cell * k + 14;
  const parts: string[] = [
    `<text class="axis-title" x="${L + (cell * k) / 2}" y="16" text-anchor="middle">${l10n.t('predicted class')}</text>`,
    `<text class="axis-title" transform="translate(14 ${T + (cell * k) / 2}) rotate(-90)" text-anchor="middle">${l10n.t('true class')}</text>`,
  ];
  classes.forEach((c, j) => parts.push(`<text class="tick" x="${L + cell * j + cell / 2}" y="${T - 10}" text-anchor="middle">${esc(className(c))}</text>`));
  classes.forEach((c, i) => {
    const row = s.confusion[i] ?? [];
    const total = row.reduce((a, b) => a + (isNum(b) ? b : 0), 0);
    parts.push(`<text class="tick" x="${L - 8}" y="${T + cell * i + cell / 2 + 4}" text-anchor="end">${esc(className(c))}</text>`);
    for (let j = 0; j < k; j++) {
      const v = row[j];
      const n = isNum(v) ? v : 0;
      const share = total ? n / total : 0;
      const x = L + cell * j, y = T + cell * i;
      const strong = share >= 0.5;
      parts.push(`<rect class="cm-cell${i === j ? ' diag' : ''}" x="${x}" y="${y}" width="${cell}" height="${cell}" fill-opacity="${(0.06 + 0.86 * share).toFixed(3)}">` +
        `<title>${l10n.t('true {0}, predicted {1}: {2} of {3} ({4})', esc(className(c)), esc(className(classes[j]!)), String(n), String(total), pct(share))}</title></rect>`,
      `<text class="cm-count${strong ? ' on-dark' : ''}" x="${x + cell / 2}" y="${y + cell / 2}" text-anchor="middle">${esc(int(n))}</text>`,
      `<text class="cm-share${strong ? ' on-dark' : ''}" x="${x + cell / 2}" y="${y + cell / 2 + 17}" text-anchor="middle">${esc(pct(share))}</text>`);
    }
  });
  return `<figure class="plot" style="width: ${W}px"><figcaption>${l10n.t('Confusion matrix (rows: true class; share of the row)')}</figcaption>` +
    `<svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${l10n.t('Confusion matrix, {0}', esc(s.label))}">${parts.join('')}</svg></figure>`;
}

/** Accuracy per confidence bin as bars, against the diagonal of perfect calibration. */
export function reliabilitySvg(s: SplitScores): string {
  const W = 340, H = 330, L = 56, R = 14, T = 14, B = 44, pw = W - L - R, ph = H - T - B;
  const sx = (v: number) => L + v * pw, sy = (v: number) => T + ph - v * ph;
  const parts: string[] = [];
  for (const t of [0, 0.25, 0.5, 0.75, 1]) {
    parts.push(`<line class="gridline" x1="${L}" x2="${W - R}" y1="${xy(sy(t))}" y2="${xy(sy(t))}"/>`,
      `<text class="tick" x="${L - 6}" y="${xy(sy(t) + 4)}" text-anchor="end">${percentOf(Math.round(t * 100))}</text>`,
      `<text class="tick" x="${xy(sx(t))}" y="${T + ph + 16}" text-anchor="middle">${percentOf(Math.round(t * 100))}</text>`);
  }
  for (const b of s.calibrationBins) {
    if (!isNum(b.accuracy) || !b.count) continue;
    const x0 = sx(b.lower), x1 = sx(b.upper);
    parts.push(`<rect class="bar" x="${xy(x0 + 1)}" y="${xy(sy(b.accuracy))}" width="${xy(Math.max(0, x1 - x0 - 2))}" height="${xy(ph - (sy(b.accuracy) - T))}">` +
      `<title>${l10n.t('confidence {0} to {1}: {2} images, accuracy {3}, mean confidence {4}', pct(b.lower, 0), pct(b.upper, 0), int(b.count), pct(b.accuracy), pct(b.confidence))}</title></rect>`);
  }
  parts.push(`<rect class="frame" x="${L}" y="${T}" width="${pw}" height="${ph}"/>`,
    `<line class="line ideal dashed" x1="${sx(0)}" y1="${sy(0)}" x2="${sx(1)}" y2="${sy(1)}"/>`,
    `<text class="axis-title" x="${L + pw / 2}" y="${H - 6}" text-anchor="middle">${l10n.t('confidence (top probability)')}</text>`,
    `<text class="axis-title" transform="translate(14 ${T + ph / 2}) rotate(-90)" text-anchor="middle">${l10n.t('accuracy')}</text>`);
  return `<figure class="plot" style="width: ${W}px"><figcaption>${l10n.t('Reliability diagram (ECE {0}, max {1})', esc(dec(s.ece, 4)), esc(dec(s.maxCalibrationError, 3)))}</figcaption>` +
    `<svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${l10n.t('Reliability diagram, {0}', esc(s.label))}">${parts.join('')}</svg>` +
    `<div class="legend"><span class="key"><span class="swatch barkey"></span>${l10n.t('accuracy per bin')}</span> ` +
    `<span class="key"><span class="swatch ideal dashed"></span>${l10n.t('perfect calibration')}</span></div></figure>`;
}

/** One curve per class against the rest, with its AUC in the legend, and the chance diagonal. */
export function rocSvg(s: SplitScores, classes: readonly string[]): string {
  const series: Series[] = classes.map((c, i) => {
    const r = s.roc[i];
    const auc = s.perClass[i]?.auc;
    return { label: `${className(c)} (AUC ${dec(auc, 3)})`, cls: `c${i % 8}`, points: r ? r.fpr.map((f, j): [number, number] => [f, r.tpr[j] ?? NaN]) : [] };
  });
  series.push({ label: l10n.t('chance'), cls: 'ideal', dashed: true, points: [[0, 0], [1, 1]] });
  return lineChart({ title: l10n.t('ROC curves, each class against the rest (macro AUC {0})', dec(s.rocAucMacro, 3)), series, x: [0, 1], y: [0, 1],
    xTitle: l10n.t('false positive rate'), yTitle: l10n.t('true positive rate'), square: true });
}
