/**
 * One image's verdict: the original image and the model's input, each with the Grad-CAM heat map over it (mapped back
 * through resize, pad and crop onto the original), the probability of every class, the
 * predicted class, the "needs expert review" state and why, and the out-of-distribution reasons. The same view
 * serves a single result and the row opened in a batch.
 */
import * as l10n from '@vscode/l10n';
import type { ClassifiedImage, ClassifyItem, FailedImage, InputGeometry } from '../../server/protocol';
import { className } from '../classNames';
import { percent } from '../displayFormat';
import { el, fill } from '../dom';
import { baseName } from './batchRows';
import { classLabel, pct } from './format';
import { paintHeatmap, paintHeatmapOnOriginal } from './heatmap';
import { isUsableGeometry } from './originalMapping';
import { volumeDetail } from './volumeView';

/** Where the heat map of the item stands: asked for (and not back yet), failed, or neither. */
export interface ExplainState { pending: boolean; error: string | null }

export interface DetailContext {
  classes: readonly string[];
  threshold: number;
  /** Webview URI of the original file, for an item without a model input. */
  thumb: string | undefined;
  heatmap: { show: boolean; opacity: number };
  explain: ExplainState;
  /** A batch pane: a smaller heading, and a close button. */
  inPane: boolean;
  onOpen: () => void;
  onHeatmapChange: (show: boolean, opacity: number) => void;
  onRetry: () => void;
  onClose?: () => void;
  /** A volume's saved slice (ClassifiedSlice.index), or undefined for its key slice; and where a chosen slice is saved. */
  slice?: number;
  onSlice?: (index: number) => void;
}

export function itemDetail(item: ClassifyItem, ctx: DetailContext): HTMLElement {
  const box = el('section', { className: `detail${ctx.inPane ? ' in-pane' : ''}`, id: 'detail-view' });
  box.dataset.path = item.path;
  box.setAttribute('aria-label', l10n.t('Classification of {0}', baseName(item.path)));
  box.append(head(item, ctx));
  if (!item.ok) {
    box.append(failure(item));
    return box;
  }
  if (item.volume) {
    box.append(volumeDetail(item, item.volume, ctx));
    return box;
  }
  if (item.uncertain) box.append(uncertainBanner(item));
  box.append(el('div', { className: 'detail-body' }, picture(item, ctx), verdict(item, ctx)));
  return box;
}

function head(item: ClassifyItem, ctx: DetailContext): HTMLElement {
  const name = el(ctx.inPane ? 'h2' : 'h1', { className: 'file-name', id: 'file-name', title: item.path }, baseName(item.path));
  const open = el('button', { className: 'secondary', id: 'open-image', title: l10n.t('Open {0} in an editor', item.path) }, l10n.t('Open Image'));
  open.addEventListener('click', () => ctx.onOpen());
  const bar = el('div', { className: 'detail-head' }, name, el('div', { className: 'detail-buttons' }, open));
  if (ctx.onClose) {
    const close = el('button', { className: 'secondary icon', id: 'close-detail', title: l10n.t('Close the detail (Escape)') }, '✕');
    close.setAttribute('aria-label', l10n.t('Close the detail'));
    const onClose = ctx.onClose;
    close.addEventListener('click', () => onClose());
    bar.lastElementChild!.append(close);
  }
  return el('header', {}, bar, el('p', { className: 'muted file-path' }, item.path));
}

function failure(item: FailedImage): HTMLElement {
  return el('div', { className: 'callout error-box', id: 'item-error', role: 'status' },
    el('strong', {}, l10n.t('Could not classify this image. ')), item.error);
}

export function uncertainBanner(item: ClassifiedImage): HTMLElement {
  const banner = el('div', { className: 'uncertain-banner', id: 'uncertain-banner', role: 'status' },
    el('strong', {}, l10n.t('Uncertain: needs expert review')));
  if (item.uncertainReasons.length) banner.append(el('ul', {}, ...item.uncertainReasons.map((r) => el('li', {}, r))));
  return banner;
}

export function picture(item: ClassifiedImage, ctx: DetailContext): HTMLElement {
  const original = originalView(item);
  const fig = el('figure', { className: original ? 'scan paired' : 'scan' });
  const stack = el('div', { className: 'scan-stack' });
  const src = item.input ?? ctx.thumb;
  if (src) {
    const what = item.input ? l10n.t('Model input (cropped, padded and resized)') : l10n.t('Original image');
    stack.append(el('img', { src, alt: `${what}: ${baseName(item.path)}`, id: 'input-image', className: item.input ? '' : 'original' }));
  } else {
    stack.append(el('div', { className: 'no-picture' }, l10n.t('no preview')));
  }
  const hm = item.heatmap;
  const canvases: HTMLCanvasElement[] = [];
  if (hm && item.input) {
    const canvas = heatCanvas('heatmap-canvas', l10n.t('Grad-CAM heat map of the evidence for {0} on the model input', className(hm.targetClass)));
    paintHeatmap(canvas, hm);
    stack.append(canvas);
    if (original) {
      const over = heatCanvas('original-heatmap', l10n.t('Grad-CAM heat map of the evidence for {0}, mapped back onto the original image', className(hm.targetClass)));
      paintHeatmapOnOriginal(over, hm, original.geometry);
      original.stack.append(over);
      canvases.push(over);
    }
    canvases.push(canvas);
  }
  if (original) {
    const g = original.geometry;
    fig.append(el('div', { className: 'scan-pair' },
      el('div', { className: 'scan-view', id: 'original-view' }, original.stack,
        el('div', { className: 'scan-label muted' }, l10n.t('Original · {0} × {1} px', String(g.width), String(g.height)))),
      el('div', { className: 'scan-view' }, stack, el('div', { className: 'scan-label muted' }, l10n.t('Model input · {0} × {1} px', String(g.inputSize), String(g.inputSize))))));
  } else {
    fig.append(stack);
  }
  if (hm && canvases.length) {
    fig.append(heatControls(canvases, ctx), legend(),
      el('figcaption', { className: 'muted' },
        l10n.t('Grad-CAM: where the evidence for {0} lies (layer {1}). It shows what the model used, not where a tumour is.', classLabel(hm.targetClass), hm.layer) +
        (original ? l10n.t(' On the original it covers only the part the model saw (the dark border is cropped away).') : '')));
  } else {
    fig.append(el('figcaption', { className: 'muted heat-status', id: 'heatmap-status', role: 'status' }, ...heatStatus(ctx)));
  }
  return fig;
}

function heatCanvas(id: string, label: string): HTMLCanvasElement {
  const canvas = el('canvas', { id, className: 'heat' });
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', label);
  return canvas;
}

/** The original with its geometry, when the backend sent both (older backends send neither). */
function originalView(item: ClassifiedImage): { stack: HTMLElement; geometry: InputGeometry } | null {
  const o = item.original;
  if (!o?.image || !isUsableGeometry(o.geometry)) return null;
  const stack = el('div', { className: 'scan-stack' });
  // The CSP blocks style attributes, not CSSOM: the box takes the original's shape.
  stack.style.aspectRatio = `${o.geometry.width} / ${o.geometry.height}`;
  stack.append(el('img', { src: o.image, alt: `${l10n.t('Original image')}: ${baseName(item.path)}`, id: 'original-image' }));
  return { stack, geometry: o.geometry };
}

function heatStatus(ctx: DetailContext): (Node | string)[] {
  if (ctx.explain.pending) return [el('span', { className: 'spinner', role: 'presentation' }), l10n.t('Computing the heat map...')];
  if (ctx.explain.error) {
    const retry = el('button', { className: 'secondary', id: 'heatmap-retry' }, l10n.t('Try Again'));
    retry.addEventListener('click', () => ctx.onRetry());
    return [el('span', { className: 'error' }, l10n.t('No heat map: {0}', ctx.explain.error)), ' ', retry];
  }
  return [l10n.t('No heat map for this image.')];
}

function heatControls(canvases: readonly HTMLCanvasElement[], ctx: DetailContext): HTMLElement {
  let { show, opacity } = ctx.heatmap;
  const toggle = el('input', { type: 'checkbox', id: 'heatmap-toggle', checked: show });
  const slider = el('input', { type: 'range', id: 'heatmap-opacity', min: '0', max: '100', step: '5', value: String(Math.round(opacity * 100)) });
  const value = el('output', { className: 'num' }, percent(Math.round(opacity * 100)));
  value.htmlFor.add('heatmap-opacity');
  // Inline style attributes are blocked by the CSP; setting a style property from script (CSSOM) is allowed.
  const apply = () => {
    for (const canvas of canvases) {
      canvas.hidden = !show;
      canvas.style.opacity = String(opacity);
    }
    slider.disabled = !show;
    value.textContent = percent(Math.round(opacity * 100));
  };
  toggle.addEventListener('change', () => { show = toggle.checked; apply(); ctx.onHeatmapChange(show, opacity); });
  slider.addEventListener('input', () => { opacity = Number(slider.value) / 100; apply(); });
  slider.addEventListener('change', () => ctx.onHeatmapChange(show, opacity));
  apply();
  return el('div', { className: 'heat-controls' },
    el('label', { className: 'check' }, toggle, ` ${l10n.t('Heat map')}`),
    el('label', { className: 'range' }, `${l10n.t('Opacity')} `, slider, value));
}

function legend(): HTMLElement {
  const ramp = el('span', { className: 'ramp' });
  ramp.setAttribute('aria-hidden', 'true');
  return el('div', { className: 'heat-legend muted' }, l10n.t('weak'), ramp, l10n.t('strong evidence'));
}

export function verdict(item: ClassifiedImage, ctx: DetailContext): HTMLElement {
  const predicted = el('code', { id: 'predicted' }, item.predicted);
  predicted.dataset.class = item.predicted;
  const box = el('div', { className: 'verdict-box' },
    el('div', { className: 'muted eyebrow' }, l10n.t('Predicted')),
    el('div', { className: 'verdict-label' }, classLabel(item.predicted)),
    el('div', { className: 'verdict-line' }, ...fill(l10n.t('class {0} · confidence {1}'), predicted, el('strong', { id: 'confidence' }, pct(item.confidence)))),
    probabilities(item, ctx.classes));
  const d = item.distribution;
  if (d.outOfDistribution || d.reasons.length) {
    const reasons = d.reasons.length ? d.reasons : [l10n.t('Its features are far from those of the images the model was trained on.')];
    box.append(el('div', { className: 'callout warn', id: 'ood-reasons' },
      el('strong', {}, l10n.t('This may not be a brain MRI slice like those the model learnt from')),
      el('ul', {}, ...reasons.map((r) => el('li', {}, r)))));
  }
  box.append(el('p', { className: 'muted small' }, l10n.t('Original {0} × {1} px. Calibrated probabilities; below {2} confidence an image is flagged for review.',
    String(item.width), String(item.height), pct(ctx.threshold, 0))));
  return box;
}

function probabilities(item: ClassifiedImage, classes: readonly string[]): HTMLElement {
  const list = el('div', { className: 'probs-list', id: 'probabilities', role: 'list' });
  list.setAttribute('aria-label', l10n.t('Probability of each class'));
  classes.forEach((c, i) => {
    const p = item.probabilities[i] ?? 0;
    const fill = el('span', { className: 'fill' });
    fill.style.width = `${Math.max(0, Math.min(1, p)) * 100}%`;
    const row = el('div', { className: `prob${c === item.predicted ? ' top' : ''}`, id: `prob-${c}`, role: 'listitem' },
      el('span', { className: 'prob-label', title: c }, classLabel(c)),
      el('span', { className: 'bar' }, fill),
      el('span', { className: 'prob-value num' }, pct(p)));
    row.dataset.class = c;
    row.setAttribute('aria-label', `${classLabel(c)}: ${pct(p)}`);
    list.append(row);
  });
  return list;
}
