/**
 * SVG documents of the panels' charts, built from the same data the Chart.js canvases draw (no DOM, no canvas:
 * pure string building, unit-tested), so that an exported chart is a real vector file rather than a bitmap wrapped
 * in SVG. Every text goes through escapeXml; colours are the theme colours the page read when it drew the chart.
 * Titles and labels come translated from the panels; tick numbers are written in the page's language (displayFormat).
 */
import { num, pct, percent } from './displayFormat';

export interface SvgColors { background: string; text: string; muted: string; grid: string }

/** A line through points (x, y); null y values break the line. */
export interface SvgLine { label: string; color: string; points: { x: number; y: number | null }[]; dashed?: boolean }

/** Bars spanning [x0, x1] up to y (a histogram, e.g. a reliability diagram's bins). */
export interface SvgBars { label: string; color: string; items: { x0: number; x1: number; y: number | null }[] }

export interface SvgChart {
  title: string;
  xLabel: string;
  yLabel: string;
  lines: SvgLine[];
  bars?: SvgBars;
  /** Axis ranges; by default the data's, y from 0. */
  x?: { min: number; max: number };
  y?: { min: number; max: number };
  /** Y ticks as percentages (values 0..1). */
  percentY?: boolean;
  colors: SvgColors;
  width?: number;
  height?: number;
}

const FONT = 'font-family="sans-serif"';

export function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** A colour attribute value: theme colours are CSS colours; anything else (a stray quote) falls back to grey. */
function color(c: string): string {
  return /^(#[0-9a-f]{3,8}|rgba?\([\d.,\s%]+\)|[a-z]+)$/i.test(c.trim()) ? c.trim() : '#808080';
}

/** Round numbers to put ticks at: about `count` steps of 1, 2 or 5 times a power of ten covering [min, max]. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (max <= min) max = min + 1;
  const raw = (max - min) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw)) ?? raw;
  const ticks: number[] = [];
  for (let v = Math.ceil(min / step - 1e-9) * step; v <= max + step * 1e-9; v += step) ticks.push(Number(v.toFixed(10)));
  return ticks;
}

const fmt = (v: number) => num(Math.abs(v) >= 1000 || v === Math.round(v) ? Math.round(v) : Number(v.toPrecision(3)));

function extent(values: number[], fallback: { min: number; max: number }): { min: number; max: number } {
  const finite = values.filter(Number.isFinite);
  return finite.length ? { min: Math.min(...finite), max: Math.max(...finite) } : fallback;
}

/** A line (and bar) chart with axes, grid, title and a legend below the plot. */
export function lineChartSvg(spec: SvgChart): string {
  const W = spec.width ?? 720, H = spec.height ?? 420;
  const c = spec.colors;
  const entries = [...(spec.bars ? [{ label: spec.bars.label, color: spec.bars.color, dashed: false, bar: true }] : []),
    ...spec.lines.map((l) => ({ label: l.label, color: l.color, dashed: !!l.dashed, bar: false }))];
  const left = 64, right = 20, top = 40;
  const slots = legendSlots(entries.map((e) => e.label), left, W - right);
  const legendRows = slots.length ? slots.at(-1)!.row + 1 : 0;
  const bottom = 56 + legendRows * 20;
  const pw = W - left - right, ph = H - top - bottom;
  const xs = [...spec.lines.flatMap((l) => l.points.map((p) => p.x)), ...(spec.bars?.items.flatMap((b) => [b.x0, b.x1]) ?? [])];
  const ys = [...spec.lines.flatMap((l) => l.points.map((p) => p.y ?? NaN)), ...(spec.bars?.items.map((b) => b.y ?? NaN) ?? [])];
  const xr = spec.x ?? extent(xs, { min: 0, max: 1 });
  const yData = extent(ys, { min: 0, max: 1 });
  const yr = spec.y ?? { min: Math.min(0, yData.min), max: yData.max };
  const xTicks = niceTicks(xr.min, xr.max, 6), yTicks = niceTicks(yr.min, yr.max, 5);
  const xMax = spec.x ? xr.max : Math.max(xr.max, xTicks.at(-1) ?? xr.max);
  const yMax = spec.y ? yr.max : Math.max(yr.max, yTicks.at(-1) ?? yr.max);
  const X = (v: number) => left + ((v - xr.min) / (xMax - xr.min || 1)) * pw;
  const Y = (v: number) => top + ph - ((v - yr.min) / (yMax - yr.min || 1)) * ph;
  const p = (v: number) => v.toFixed(1);
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">`);
  out.push(`<rect width="${W}" height="${H}" fill="${color(c.background)}"/>`);
  out.push(`<text x="${left}" y="24" ${FONT} font-size="15" font-weight="600" fill="${color(c.text)}">${escapeXml(spec.title)}</text>`);
  for (const t of yTicks.filter((v) => v <= yMax + 1e-9)) {
    out.push(`<line x1="${left}" x2="${left + pw}" y1="${p(Y(t))}" y2="${p(Y(t))}" stroke="${color(c.grid)}" stroke-width="1"/>`);
    out.push(`<text x="${left - 6}" y="${p(Y(t) + 4)}" text-anchor="end" ${FONT} font-size="11" fill="${color(c.muted)}">${spec.percentY ? percent(Math.round(t * 100)) : fmt(t)}</text>`);
  }
  for (const t of xTicks.filter((v) => v <= xMax + 1e-9)) {
    out.push(`<text x="${p(X(t))}" y="${top + ph + 16}" text-anchor="middle" ${FONT} font-size="11" fill="${color(c.muted)}">${fmt(t)}</text>`);
  }
  out.push(`<line x1="${left}" x2="${left + pw}" y1="${top + ph}" y2="${top + ph}" stroke="${color(c.muted)}" stroke-width="1"/>`);
  out.push(`<text x="${left + pw / 2}" y="${top + ph + 34}" text-anchor="middle" ${FONT} font-size="12" fill="${color(c.muted)}">${escapeXml(spec.xLabel)}</text>`);
  out.push(`<text transform="translate(16 ${top + ph / 2}) rotate(-90)" text-anchor="middle" ${FONT} font-size="12" fill="${color(c.muted)}">${escapeXml(spec.yLabel)}</text>`);
  if (spec.bars) {
    const b = spec.bars;
    for (const it of b.items) {
      if (it.y === null || !Number.isFinite(it.y)) continue;
      const x0 = X(it.x0), x1 = X(it.x1), y = Y(it.y);
      out.push(`<rect x="${p(x0 + 1)}" y="${p(y)}" width="${p(Math.max(0, x1 - x0 - 2))}" height="${p(top + ph - y)}" fill="${color(b.color)}" fill-opacity="0.6" stroke="${color(b.color)}"/>`);
    }
  }
  for (const l of spec.lines) {
    const d = pathData(l.points.map((pt) => (pt.y === null || !Number.isFinite(pt.y) ? null : [X(pt.x), Y(pt.y)] as const)));
    if (!d) continue;
    out.push(`<path d="${d}" fill="none" stroke="${color(l.color)}" stroke-width="2"${l.dashed ? ' stroke-dasharray="6 4"' : ''}><title>${escapeXml(l.label)}</title></path>`);
  }
  entries.forEach((e, i) => {
    const x = slots[i]!.x, y = H - 14 - (legendRows - 1 - slots[i]!.row) * 20;
    out.push(e.bar
      ? `<rect x="${x}" y="${y - 9}" width="22" height="10" fill="${color(e.color)}" fill-opacity="0.6"/>`
      : `<line x1="${x}" x2="${x + 22}" y1="${y - 4}" y2="${y - 4}" stroke="${color(e.color)}" stroke-width="2"${e.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
    out.push(`<text x="${x + 28}" y="${y}" ${FONT} font-size="12" fill="${color(c.text)}">${escapeXml(e.label)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}

/** Legend entries laid out like words in a line of text: each takes its label's (estimated) width, wrapping at `to`. */
function legendSlots(labels: string[], from: number, to: number): { x: number; row: number }[] {
  let x = from, row = 0;
  return labels.map((label) => {
    const w = 28 + label.length * 7 + 18;
    if (x > from && x + w > to) { x = from; row++; }
    const slot = { x, row };
    x += w;
    return slot;
  });
}

/** "M x y L x y ..." with a new M after every gap. */
function pathData(points: (readonly [number, number] | null)[]): string {
  let d = '', pen = false;
  for (const pt of points) {
    if (!pt) { pen = false; continue; }
    d += `${pen ? 'L' : 'M'}${pt[0].toFixed(1)} ${pt[1].toFixed(1)} `;
    pen = true;
  }
  return d.trim();
}

export interface SvgHeatmap {
  title: string;
  rowTitle: string;
  colTitle: string;
  rows: string[];
  cols: string[];
  /** Counts, rows by columns; each cell is shaded by its share of its row. */
  values: number[][];
  /** The shade's colour (e.g. the theme's blue). */
  accent: string;
  colors: SvgColors;
}

/** A confusion matrix: counts and row shares in cells shaded by the share of their row, the diagonal outlined. */
export function heatmapSvg(spec: SvgHeatmap): string {
  const cell = 84, left = 120, top = 76;
  const W = left + spec.cols.length * cell + 20, H = top + spec.rows.length * cell + 20;
  const c = spec.colors;
  const out: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">`,
    `<rect width="${W}" height="${H}" fill="${color(c.background)}"/>`,
    `<text x="12" y="24" ${FONT} font-size="15" font-weight="600" fill="${color(c.text)}">${escapeXml(spec.title)}</text>`,
    `<text x="${left}" y="46" ${FONT} font-size="11" fill="${color(c.muted)}">${escapeXml(spec.colTitle)} →</text>`,
    `<text x="12" y="${top - 8}" ${FONT} font-size="11" fill="${color(c.muted)}">${escapeXml(spec.rowTitle)} ↓</text>`];
  spec.cols.forEach((name, j) => out.push(`<text x="${left + j * cell + cell / 2}" y="${top - 8}" text-anchor="middle" ${FONT} font-size="12" fill="${color(c.text)}">${escapeXml(name)}</text>`));
  spec.rows.forEach((name, i) => {
    const row = spec.values[i] ?? [];
    const total = row.reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0);
    const y = top + i * cell;
    out.push(`<text x="${left - 8}" y="${y + cell / 2 + 4}" text-anchor="end" ${FONT} font-size="12" fill="${color(c.text)}">${escapeXml(name)}</text>`);
    spec.cols.forEach((_, j) => {
      const n = Number.isFinite(row[j]) ? row[j]! : 0;
      const share = total ? n / total : 0;
      const x = left + j * cell;
      out.push(`<rect x="${x + 1}" y="${y + 1}" width="${cell - 2}" height="${cell - 2}" fill="${color(spec.accent)}" fill-opacity="${(0.05 + 0.6 * share).toFixed(3)}"` +
        `${i === j ? ` stroke="${color(spec.accent)}" stroke-width="2"` : ''}/>`);
      out.push(`<text x="${x + cell / 2}" y="${y + cell / 2}" text-anchor="middle" ${FONT} font-size="15" font-weight="600" fill="${color(c.text)}">${n}</text>`);
      out.push(`<text x="${x + cell / 2}" y="${y + cell / 2 + 17}" text-anchor="middle" ${FONT} font-size="11" fill="${color(c.muted)}">${pct(share)}</text>`);
    });
  });
  out.push('</svg>');
  return out.join('\n');
}
