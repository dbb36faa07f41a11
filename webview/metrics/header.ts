/**
 * The top of the Metrics panel: which run, the disclaimer, and the facts a reader needs to judge the figures below
 * (model, dataset, backend, when, calibration, test-time augmentation); and the one-line summary of the run's training.
 */
import type { EpochStats, EvaluationReport } from '../../server/protocol';
import { dec, int, pct } from '../../server/numberFormat';
import { el } from '../dom';

export function header(r: EvaluationReport): HTMLElement {
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

export function historyLine(h: EpochStats[] | null): HTMLElement | null {
  if (!h?.length) return null;
  const best = h.reduce((a, e) => (e.valAcc > a.valAcc ? e : a), h[0]!);
  return el('p', { className: 'muted', id: 'history-summary' }, `Trained ${h.length} epoch${h.length === 1 ? '' : 's'}; best validation accuracy ` +
    `${pct(best.valAcc)} at epoch ${best.epoch + 1} (validation loss ${dec(best.valLoss, 4)}).`);
}
