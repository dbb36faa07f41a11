/** Which model classified the images, and how well it scored on the Testing split: the context every verdict needs. */
import type { ClassifyResult } from '../../server/protocol';
import { el } from '../dom';
import { int, pct, testingScores } from './format';

export function modelInfo(r: ClassifyResult): HTMLElement {
  const m = r.model;
  const row = (label: string, ...value: (Node | string)[]) => [el('dt', {}, label), el('dd', {}, ...value)];
  const source = m.bundled ? 'bundled default model' : m.runId ? `run ${m.runId}` : 'model folder';
  const scores = testingScores(m);
  const t = r.timing;
  // In pairs that read well side by side when a wide page shows two per line.
  const facts = [
    row('Model', el('strong', {}, m.architecture), `, ${source}`),
    row('Input', `${m.inputSize} × ${m.inputSize} px ${m.channels === 1 ? 'greyscale' : 'RGB'}, ${int(m.params)} parameters`),
    ...(scores
      ? [row('Testing (official)', scores.official ?? 'not evaluated'), row('Testing (deduplicated)', scores.deduplicated ?? 'not evaluated')]
      : [row('Testing', el('span', { className: 'muted' }, 'not evaluated'))]),
    row('Calibration', m.temperature !== null ? `temperature ${m.temperature.toFixed(2)}` : 'none (raw softmax probabilities)'),
    row('Review threshold', `confidence below ${pct(r.threshold, 0)}${m.featureStats ? '' : '; no feature statistics, so the out-of-distribution check looks at the image only'}`),
    row('Run', `${int(t.images)} image${t.images === 1 ? '' : 's'} in ${(t.ms / 1000).toFixed(1)} s on ${r.backend}`),
  ];
  const list = el('dl', { className: 'facts-grid' }, ...facts.flat());
  list.title = m.modelDir;
  return el('section', { className: 'model-info', id: 'model-info' }, list);
}
