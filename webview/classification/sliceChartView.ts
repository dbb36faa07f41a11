/**
 * The per-slice probability chart as an SVG element: the classes' stacked areas over the slice number, a marker at
 * the shown slice, and a click (or a drag) that picks the slice under the pointer. Built with DOM calls (no HTML
 * strings); colours come from the theme through CSS classes (common.css imports classificationVolume.css).
 */
import * as l10n from '@vscode/l10n';
import { percent } from '../displayFormat';
import { el } from '../dom';
import { classLabel } from './format';
import { sliceChartGeometry, slicePositionAt, type ChartBox } from './sliceChart';

const SVG = 'http://www.w3.org/2000/svg';

function svgEl(tag: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

export interface SliceChart {
  element: HTMLElement;
  /** Moves the marker to slice position `k`. */
  mark(k: number): void;
}

/** The chart of `slices` for `classes` in `box` (SVG units); `onPick(k)` hears the slice position a click or drag chose. */
export function sliceChart(slices: readonly { index: number; probabilities: readonly number[] }[], classes: readonly string[],
  box: ChartBox, onPick: (k: number) => void): SliceChart {
  const g = sliceChartGeometry(slices.map((s) => s.probabilities), classes.length, slices.map((s) => s.index), box);
  const b = g.box;
  const svg = svgEl('svg', { viewBox: `0 0 ${b.width} ${b.height}`, id: 'slice-chart', class: 'slice-chart', role: 'img' }) as SVGSVGElement;
  // Focusable, so that after a click the arrow keys go on from the slice it picked.
  svg.setAttribute('tabindex', '0');
  svg.setAttribute('aria-label', l10n.t('Probability of each class over the slices; click to show a slice'));
  for (const a of g.areas) {
    const path = svgEl('path', { d: a.d, class: `area s${a.classIndex}` });
    path.append(svgEl('title', {}, classLabel(classes[a.classIndex] ?? '')));
    svg.append(path);
  }
  for (const t of g.yTicks) {
    svg.append(svgEl('line', { x1: b.left, x2: b.width - b.right, y1: t.y, y2: t.y, class: 'grid' }));
    svg.append(svgEl('text', { x: b.left - 6, y: t.y + 4, 'text-anchor': 'end', class: 'tick' }, percent(t.value * 100)));
  }
  for (const t of g.xTicks) svg.append(svgEl('text', { x: t.x, y: b.height - b.bottom + 16, 'text-anchor': 'middle', class: 'tick' }, String(t.label)));
  const marker = svgEl('line', { y1: b.top - 4, y2: b.height - b.bottom + 4, class: 'marker', id: 'slice-marker' });
  svg.append(marker);
  const pick = (e: PointerEvent) => {
    const r = svg.getBoundingClientRect();
    if (!r.width) return;
    const k = slicePositionAt(((e.clientX - r.left) / r.width) * b.width, g.xs);
    if (k >= 0) onPick(k);
  };
  let dragging = false;
  svg.addEventListener('pointerdown', (e) => { dragging = true; svg.setPointerCapture(e.pointerId); pick(e); });
  svg.addEventListener('pointermove', (e) => { if (dragging) pick(e); });
  svg.addEventListener('pointerup', () => { dragging = false; });
  const legend = el('div', { className: 'slice-legend', id: 'slice-legend' },
    ...classes.map((c, i) => el('span', { className: 'legend-item' }, el('span', { className: `swatch s${i}` }), classLabel(c))));
  const element = el('figure', { className: 'slice-chart-box' }, svg, legend,
    el('figcaption', { className: 'muted small' }, l10n.t('Stacked probabilities of the classes for every classified slice (slice number below); the line marks the slice shown.')));
  return {
    element,
    mark: (k) => {
      const x = g.xs[k] ?? b.left;
      marker.setAttribute('x1', x.toFixed(1));
      marker.setAttribute('x2', x.toFixed(1));
    },
  };
}
