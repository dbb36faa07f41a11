/** Which model classified the images, and how well it scored on the Testing split: the context every verdict needs. */
import * as l10n from '@vscode/l10n';
import type { ClassifyResult } from '../../server/protocol';
import { dec } from '../displayFormat';
import { el } from '../dom';
import { secondsText } from '../texts';
import { int, pct, testingScores } from './format';

export function modelInfo(r: ClassifyResult): HTMLElement {
  const m = r.model;
  const row = (label: string, ...value: (Node | string)[]) => [el('dt', {}, label), el('dd', {}, ...value)];
  const source = m.bundled ? l10n.t('bundled default model') : m.runId ? l10n.t('run {0}', m.runId) : l10n.t('model folder');
  const scores = testingScores(m);
  const t = r.timing;
  // In pairs that read well side by side when a wide page shows two per line.
  const facts = [
    row(l10n.t('Model'), el('strong', {}, m.architecture), `, ${source}`),
    row(l10n.t('Input'), l10n.t('{0} × {1} px {2}, {3} parameters', String(m.inputSize), String(m.inputSize), m.channels === 1 ? l10n.t('greyscale') : 'RGB', int(m.params))),
    ...(scores
      ? [row(l10n.t('Testing (official)'), scores.official ?? l10n.t('not evaluated')), row(l10n.t('Testing (deduplicated)'), scores.deduplicated ?? l10n.t('not evaluated'))]
      : [row(l10n.t('Testing'), el('span', { className: 'muted' }, l10n.t('not evaluated')))]),
    row(l10n.t('Calibration'), m.temperature !== null ? l10n.t('temperature {0}', dec(m.temperature, 2)) : l10n.t('none (raw softmax probabilities)')),
    row(l10n.t('Review threshold'), m.featureStats ? l10n.t('confidence below {0}', pct(r.threshold, 0))
      : l10n.t('confidence below {0}; no feature statistics, so the out-of-distribution check looks at the image only', pct(r.threshold, 0))),
    row(l10n.t({ message: 'Run', comment: ['The classification run: how many images, how long, on which engine'] }), t.images === 1
      ? l10n.t('1 image in {0} on {1}', secondsText(t.ms / 1000), r.backend)
      : l10n.t('{0} images in {1} on {2}', int(t.images), secondsText(t.ms / 1000), r.backend)),
  ];
  const list = el('dl', { className: 'facts-grid' }, ...facts.flat());
  list.title = m.modelDir;
  return el('section', { className: 'model-info', id: 'model-info' }, list);
}
