/**
 * What `brain-tumor classify` prints for people: the model, one line per image, and a summary. JSON and CSV come
 * from the protocol's result as it is; the Grad-CAM overlays are written by classifyCommand.ts.
 */
import * as path from 'node:path';
import * as l10n from '@vscode/l10n';
import type { ClassifiedImage, ClassifyResult } from '../protocol';
import { className } from '../data/classNames';
import { plain } from '../numberFormat';
import { percent } from './numberText';
import { formatVolume } from './volumeText';

export function formatModelLine(r: ClassifyResult): string {
  const m = r.model;
  const official = m.evaluation?.official;
  const dedup = m.evaluation?.deduplicated;
  const ev = !official ? l10n.t('not evaluated') : dedup
    ? l10n.t('Testing accuracy {0} official / {1} deduplicated', percent(official.accuracy), percent(dedup.accuracy))
    : l10n.t('Testing accuracy {0} official', percent(official.accuracy));
  const id = m.runId ?? path.basename(m.modelDir);
  return m.bundled ? l10n.t('Model: bundled {0} ({1}), {2}; backend {3}', m.architecture, id, ev, r.backend)
    : l10n.t('Model: {0} ({1}), {2}; backend {3}', m.architecture, id, ev, r.backend);
}

/** One line per image: name, predicted class, confidence, and UNCERTAIN with the reasons when it is. */
export function formatClassifyResult(r: ClassifyResult, cwd = process.cwd(), opts: { allSlices?: boolean } = {}): string {
  const rows = r.items.map((it) => {
    const name = path.relative(cwd, it.path) || it.path;
    if (!it.ok) return l10n.t('{0}  ERROR  {1}', name, it.error);
    const probs = r.model.classes.map((c, i) => `${className(c)} ${percent(it.probabilities[i]!)}`).join(', ');
    const line = it.uncertain ? l10n.t('{0}  {1}  {2}  UNCERTAIN: needs expert review ({3})', name, className(it.predicted), percent(it.confidence), it.uncertainReasons.join('; '))
      : `${name}  ${className(it.predicted)}  ${percent(it.confidence)}`;
    return `${line}\n    ${probs}` + (it.volume ? `\n${formatVolume(it.volume, opts.allSlices === true)}` : '');
  });
  const ok = r.items.filter((i): i is ClassifiedImage => i.ok);
  const counts = r.model.classes.map((c) => `${className(c)} ${ok.filter((i) => i.predicted === c).length}`).join(', ');
  return [
    formatModelLine(r),
    ...rows,
    l10n.t('{0} classified ({1}); {2} uncertain; {3} failed; {4} img/s', String(ok.length), counts, String(ok.filter((i) => i.uncertain).length),
      String(r.items.length - ok.length), plain(r.timing.imgPerSec)),
    l10n.t('Research use only, not for clinical diagnosis.'),
  ].join('\n');
}
