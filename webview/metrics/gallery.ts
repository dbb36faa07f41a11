/**
 * Galleries of images (the misclassified, the least confident): each card shows the thumbnail, the true and the
 * predicted class, the probability of every class and whether the image has a near copy in Training; a click opens
 * the image. Only the first GALLERY_LIMIT cards are drawn until the reader asks for all: the lists can be long.
 */
import * as l10n from '@vscode/l10n';
import type { EvaluationReport, ImageVerdict } from '../../server/protocol';
import { isNum, pct } from '../displayFormat';
import { className } from '../classNames';
import { clear, el } from '../dom';

const GALLERY_LIMIT = 24;

/** Where the pictures come from: webview URIs of the thumbnails (by path relative to the dataset), and how to open one. */
export interface GalleryImages {
  thumbs: Record<string, string>;
  open(rel: string): void;
}

function verdictCard(r: EvaluationReport, v: ImageVerdict, idPrefix: string, i: number, images: GalleryImages): HTMLElement {
  const uri = images.thumbs[v.rel];
  const name = v.rel.split('/').pop() ?? v.rel;
  const open = () => images.open(v.rel);
  const pic = uri ? el('img', { src: uri, alt: l10n.t('{0} image {1}', className(v.label), v.rel) }) : el('span', { className: 'no-thumb' }, l10n.t('no preview'));
  const btn = el('button', { className: 'thumb', title: l10n.t('{0} (click to open)', v.rel), id: `${idPrefix}-${i}` }, pic);
  btn.addEventListener('click', open);
  const wrong = v.label !== v.predicted;
  const probs = el('table', { className: 'probs' }, el('tbody', {}, ...r.classes.map((c, k) => {
    const p = v.probs[k];
    const meter = el('progress', { max: 1, value: isNum(p) ? p : 0 });
    meter.setAttribute('aria-label', `p(${className(c)})`);
    return el('tr', { className: c === v.predicted ? 'top' : '' }, el('th', {}, className(c)), el('td', { className: 'num' }, pct(p)), el('td', {}, meter));
  })));
  const link = el('a', { href: '#', className: 'file', title: l10n.t('Open {0}', v.rel) }, name);
  link.addEventListener('click', (e) => { e.preventDefault(); open(); });
  return el('figure', { className: 'verdict' }, btn, el('figcaption', {},
    link,
    el('div', {}, el('span', { className: 'muted' }, l10n.t({ message: 'true ', comment: ['Before the true class of an image'] })), el('strong', {}, className(v.label))),
    el('div', { className: wrong ? 'wrong' : 'right' }, el('span', { className: 'muted' }, l10n.t({ message: 'predicted ', comment: ['Before the predicted class of an image'] })),
      el('strong', {}, className(v.predicted))),
    el('div', { className: 'muted' }, l10n.t('confidence {0}', pct(v.confidence))),
    v.inDeduplicated ? '' : el('div', { className: 'tag', title: l10n.t('This Testing image has a near copy in Training; it is not in the deduplicated split') },
      l10n.t('near copy in Training'))),
  probs);
}

export function gallery(r: EvaluationReport, list: ImageVerdict[], id: string, empty: string, images: GalleryImages): HTMLElement {
  if (!list.length) return el('p', { className: 'muted' }, empty);
  const box = el('div', { className: 'gallery', id });
  const show = (n: number) => {
    clear(box);
    box.append(...list.slice(0, n).map((v, i) => verdictCard(r, v, id, i, images)));
  };
  show(GALLERY_LIMIT);
  if (list.length <= GALLERY_LIMIT) return box;
  const more = el('button', { className: 'secondary' }, l10n.t('Show all {0}', String(list.length)));
  more.addEventListener('click', () => { show(list.length); more.remove(); });
  return el('div', {}, box, more);
}
