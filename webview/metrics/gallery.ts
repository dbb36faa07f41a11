/**
 * Galleries of images (the misclassified, the least confident): each card shows the thumbnail, the true and the
 * predicted class, the probability of every class and whether the image has a near copy in Training; a click opens
 * the image. Only the first GALLERY_LIMIT cards are drawn until the reader asks for all: the lists can be long.
 */
import type { EvaluationReport, ImageVerdict } from '../../server/protocol';
import { isNum, pct } from '../../server/numberFormat';
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

export function gallery(r: EvaluationReport, list: ImageVerdict[], id: string, empty: string, images: GalleryImages): HTMLElement {
  if (!list.length) return el('p', { className: 'muted' }, empty);
  const box = el('div', { className: 'gallery', id });
  const show = (n: number) => {
    clear(box);
    box.append(...list.slice(0, n).map((v, i) => verdictCard(r, v, id, i, images)));
  };
  show(GALLERY_LIMIT);
  if (list.length <= GALLERY_LIMIT) return box;
  const more = el('button', { className: 'secondary' }, `Show all ${list.length}`);
  more.addEventListener('click', () => { show(list.length); more.remove(); });
  return el('div', {}, box, more);
}
