/**
 * The top of the Metrics panel: which run, the disclaimer, and the facts a reader needs to judge the figures below
 * (model, dataset, backend, when, calibration, test-time augmentation); and the one-line summary of the run's training.
 */
import * as l10n from '@vscode/l10n';
import type { EpochStats, EvaluationReport } from '../../server/protocol';
import { dateTime, dec, int, pct } from '../displayFormat';
import { className } from '../classNames';
import { el } from '../dom';
import { backendText, disclaimer, secondsText } from '../texts';

export function header(r: EvaluationReport): HTMLElement {
  const b = r.backend;
  const backend = backendText(b);
  const cal = r.calibration;
  const nll = cal ? [dec(cal.nllBefore, 4), dec(cal.nllAfter, 4)] : [];
  return el('header', {},
    el('h1', {}, l10n.t({ message: 'Metrics', comment: ['The Metrics panel\'s heading, before the run\'s id'] }), ' ',
      el('span', { className: 'muted run-id', id: 'run-id' }, r.runId ?? r.model.name)),
    el('p', { className: 'callout warn', id: 'disclaimer' }, el('strong', {}, disclaimer())),
    el('table', { className: 'facts' }, el('tbody', {},
      el('tr', {}, el('th', {}, l10n.t('Model')), el('td', { id: 'model' }, l10n.t('{0}, {1} px {2}, {3} parameters', r.model.name, String(r.model.inputSize),
        r.model.channels === 1 ? l10n.t('greyscale') : 'RGB', int(r.model.params)))),
      el('tr', {}, el('th', {}, l10n.t('Model folder')), el('td', {}, el('code', {}, r.modelDir))),
      el('tr', {}, el('th', {}, l10n.t('Dataset')), el('td', { id: 'dataset' }, el('code', {}, r.dataRoot))),
      el('tr', {}, el('th', {}, l10n.t('Backend')), el('td', { id: 'backend' }, backend)),
      el('tr', {}, el('th', {}, l10n.t('Evaluated')), el('td', { id: 'evaluated' }, l10n.t('{0}, {1} ({2} images, {3} img/s)', dateTime(r.createdAt),
        secondsText(r.timing.ms / 1000), int(r.timing.images), dec(r.timing.imgPerSec, 1)))),
      el('tr', {}, el('th', {}, l10n.t('Calibration')), el('td', { id: 'calibration' }, cal
        ? cal.bias
          ? l10n.t('temperature {0} and class biases {1} fitted on {2} validation images (NLL {3} → {4})', dec(cal.temperature, 3),
            r.classes.map((c, i) => `${className(c)} ${dec(cal.bias![i], 2)}`).join(', '), int(cal.count), nll[0]!, nll[1]!)
          : l10n.t('temperature {0} fitted on {1} validation images (NLL {2} → {3})', dec(cal.temperature, 3), int(cal.count), nll[0]!, nll[1]!)
        : l10n.t('none (raw softmax probabilities)'))),
      el('tr', {}, el('th', {}, l10n.t('Test-time augmentation')), el('td', {}, r.tta ? l10n.t('yes (mean of the image and its mirror; TTA rows)') : l10n.t('no'))))));
}

export function historyLine(h: EpochStats[] | null): HTMLElement | null {
  if (!h?.length) return null;
  const best = h.reduce((a, e) => (e.valAcc > a.valAcc ? e : a), h[0]!);
  return el('p', { className: 'muted', id: 'history-summary' }, h.length === 1
    ? l10n.t('Trained 1 epoch; best validation accuracy {0} at epoch {1} (validation loss {2}).', pct(best.valAcc), String(best.epoch + 1), dec(best.valLoss, 4))
    : l10n.t('Trained {0} epochs; best validation accuracy {1} at epoch {2} (validation loss {3}).', String(h.length), pct(best.valAcc), String(best.epoch + 1),
      dec(best.valLoss, 4)));
}
