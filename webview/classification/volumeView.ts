/**
 * A classified volume in the Classification panel: the volume's header and summary, the per-slice probability
 * chart, and a slice slider (mouse, or Left/Right, PageUp/PageDown, Home/End) that shows the chosen slice with its
 * heat map, probabilities and uncertainty, the way a single image is shown. Opens at the slice the page saved, else
 * at the summary's key slice.
 */
import * as l10n from '@vscode/l10n';
import type { ClassifiedImage, ClassifiedSlice, VolumeResult } from '../../server/protocol';
import { el } from '../dom';
import { picture, uncertainBanner, verdict, type DetailContext } from './detail';
import { classLabel, pct } from './format';
import { SLICE_CHART_BOX, SLICE_CHART_PANE_BOX } from './sliceChart';
import { sliceChart } from './sliceChartView';
import { slicePosition, sliceOfText, summarySentences, volumeFacts } from './volumeText';

/** Keys that move the slider from anywhere in the volume view, and by how many slices. */
const STEPS: Record<string, (k: number, n: number) => number> = {
  ArrowLeft: (k) => k - 1, ArrowRight: (k) => k + 1,
  // As a range input does: Page Up goes to higher slice numbers.
  PageUp: (k, n) => k + Math.max(1, Math.round(n / 10)), PageDown: (k, n) => k - Math.max(1, Math.round(n / 10)),
  Home: () => 0, End: (_, n) => n - 1,
};

/** The slice as an image the detail view can draw: the volume item's fields with the slice's verdict and pictures. */
function sliceAsImage(item: ClassifiedImage, s: ClassifiedSlice): ClassifiedImage {
  const image: ClassifiedImage = {
    ...item, predicted: s.predicted, probabilities: s.probabilities, confidence: s.confidence, uncertain: s.uncertain,
    uncertainReasons: s.uncertainReasons, heatmap: s.heatmap, input: s.input,
    // The item's distribution check is its key slice's; a slice's own doubts are among its uncertainReasons.
    distribution: { ...item.distribution, outOfDistribution: false, reasons: [] },
  };
  delete image.original;
  delete image.volume;
  return image;
}

function header(v: VolumeResult): HTMLElement {
  const list = el('dl', { className: 'volume-facts', id: 'volume-facts' });
  for (const f of volumeFacts(v.info)) list.append(el('div', {}, el('dt', {}, f.label), el('dd', {}, f.value)));
  return list;
}

function summary(v: VolumeResult): HTMLElement {
  const predicted = el('strong', { id: 'volume-predicted' }, classLabel(v.summary.predicted));
  predicted.dataset.class = v.summary.predicted;
  const [first, ...rest] = summarySentences(v);
  return el('div', { className: 'volume-summary', id: 'volume-summary', role: 'status' },
    el('div', { className: 'muted eyebrow' }, l10n.t('Volume')), predicted,
    el('p', {}, first ?? '', ...rest.map((s) => ` ${s}`)));
}

export function volumeDetail(item: ClassifiedImage, v: VolumeResult, ctx: DetailContext): HTMLElement {
  const box = el('div', { className: 'volume', id: 'volume-view' });
  const n = v.slices.length;
  if (!n) {
    box.append(header(v), summary(v), el('p', { className: 'muted' }, l10n.t('No slice of this volume was classified.')));
    return box;
  }
  let heat = ctx.heatmap;
  const sliceCtx: DetailContext = { ...ctx, onHeatmapChange: (show, opacity) => { heat = { show, opacity }; ctx.onHeatmapChange(show, opacity); } };
  let k = slicePosition(v.slices, ctx.slice ?? v.summary.keySlice);
  const slider = el('input', { type: 'range', id: 'slice-slider', min: '0', max: String(n - 1), step: '1', value: String(k) });
  slider.setAttribute('aria-label', l10n.t('Slice'));
  const label = el('output', { id: 'slice-label', className: 'num' });
  label.htmlFor.add('slice-slider');
  const shown = el('div', { className: 'slice-detail', id: 'slice-detail' });
  const chart = sliceChart(v.slices, ctx.classes, ctx.inPane ? SLICE_CHART_PANE_BOX : SLICE_CHART_BOX, (pos) => show(pos, true));

  function show(pos: number, save: boolean): void {
    k = Math.min(n - 1, Math.max(0, pos));
    const s = v.slices[k]!;
    slider.value = String(k);
    const where = sliceOfText(s.index, v.info.sliceCount);
    label.textContent = where;
    slider.setAttribute('aria-valuetext', `${where}: ${classLabel(s.predicted)} ${pct(s.confidence)}`);
    chart.mark(k);
    const image = sliceAsImage(item, s);
    const body = el('div', { className: 'detail-body' }, picture(image, { ...sliceCtx, heatmap: heat }), verdict(image, sliceCtx));
    shown.replaceChildren(...(s.uncertain ? [uncertainBanner(image)] : []), body);
    shown.dataset.slice = String(s.index);
    if (save) ctx.onSlice?.(s.index);
  }

  // Dragging redraws; the state is saved when the slider is let go (it holds the whole result).
  slider.addEventListener('input', () => show(Number(slider.value), false));
  slider.addEventListener('change', () => show(Number(slider.value), true));
  box.addEventListener('keydown', (e) => {
    const step = STEPS[e.key];
    const target = e.target as HTMLElement;
    // The slider moves itself by a slice on arrows; other inputs (the opacity slider) keep their keys.
    if (!step || e.altKey || e.ctrlKey || e.metaKey || (target.tagName === 'INPUT' && target !== slider) || (target === slider && e.key.startsWith('Arrow'))) return;
    e.preventDefault();
    show(step(k, n), true);
  });
  const nav = el('div', { className: 'slice-nav' },
    el('label', { htmlFor: 'slice-slider', className: 'slice-nav-label' }, l10n.t('Slice')), slider, label);
  const hint = el('p', { className: 'muted small slice-hint' }, l10n.t('Left and Right arrows: previous and next slice; Page Up and Page Down: a tenth of the volume; click the chart to jump.'));
  box.append(header(v), summary(v), chart.element, nav, hint, shown);
  show(k, false);
  return box;
}
