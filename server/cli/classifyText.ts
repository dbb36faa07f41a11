/**
 * What `brain-tumor classify` prints for people: the model, one line per image, and a summary. JSON and CSV come
 * from the protocol's result as it is; the Grad-CAM overlays are written by classifyCommand.ts.
 */
import * as path from 'node:path';
import type { ClassifiedImage, ClassifyResult } from '../protocol';
import { percent } from './numberText';

export function formatModelLine(r: ClassifyResult): string {
  const m = r.model;
  const ev = m.evaluation?.official ? `, Testing accuracy ${percent(m.evaluation.official.accuracy)} official` +
    (m.evaluation.deduplicated ? ` / ${percent(m.evaluation.deduplicated.accuracy)} deduplicated` : '') : ', not evaluated';
  return `Model: ${m.bundled ? 'bundled ' : ''}${m.architecture} (${m.runId ?? path.basename(m.modelDir)})${ev}; backend ${r.backend}`;
}

/** One line per image: name, predicted class, confidence, and UNCERTAIN with the reasons when it is. */
export function formatClassifyResult(r: ClassifyResult, cwd = process.cwd()): string {
  const rows = r.items.map((it) => {
    const name = path.relative(cwd, it.path) || it.path;
    if (!it.ok) return `${name}  ERROR  ${it.error}`;
    const probs = r.model.classes.map((c, i) => `${c} ${percent(it.probabilities[i]!)}`).join(', ');
    return `${name}  ${it.predicted}  ${percent(it.confidence)}${it.uncertain ? `  UNCERTAIN: needs expert review (${it.uncertainReasons.join('; ')})` : ''}\n    ${probs}`;
  });
  const ok = r.items.filter((i): i is ClassifiedImage => i.ok);
  const counts = r.model.classes.map((c) => `${c} ${ok.filter((i) => i.predicted === c).length}`).join(', ');
  return [
    formatModelLine(r),
    ...rows,
    `${ok.length} classified (${counts}); ${ok.filter((i) => i.uncertain).length} uncertain; ${r.items.length - ok.length} failed; ` +
      `${r.timing.imgPerSec} img/s`,
    'Research use only, not for clinical diagnosis.',
  ].join('\n');
}
