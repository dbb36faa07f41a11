/**
 * An evaluation report as text for the CLI: headline figures of both splits side by side, tumour vs no tumour per
 * split, the external sets and the perturbations, then per split details. Evaluations saved by older versions lack
 * the last three: their lines are left out.
 */
import * as l10n from '@vscode/l10n';
import type { DetectionScores, EvaluationReport, ExternalScores, PerturbationScores, SplitScores } from '../protocol';
import { className } from '../data/classNames';
import {
  confidentMissText, countOf, DEFAULT_REVIEW_THRESHOLD, dropPoints, isLargeDrop, LARGE_DROP, whyFiguresDiffer,
} from '../eval/validationText';
import { pct, percentOf, plain } from '../numberFormat';
import { decimal, MISSING, percent } from './numberText';

/** A column as wide as its widest name and at least `min` (the English layout). */
const widthOf = (names: readonly string[], min: number, gap = 0) => Math.max(min, ...names.map((n) => n.length + gap));

function headline(splits: SplitScores[]): string[] {
  const rows: [string, (s: SplitScores) => string][] = [
    [l10n.t('images'), (s) => String(s.count)],
    [l10n.t('accuracy'), (s) => percent(s.accuracy, 2)],
    [l10n.t('macro F1'), (s) => decimal(s.macro.f1)],
    [l10n.t('weighted F1'), (s) => decimal(s.weighted.f1)],
    [l10n.t('ROC-AUC (macro)'), (s) => decimal(s.rocAucMacro)],
    [l10n.t('ECE (15 bins)'), (s) => decimal(s.ece)],
    ['NLL', (s) => decimal(s.nll)],
  ];
  if (splits.some((s) => s.tta)) {
    rows.push([l10n.t('TTA accuracy'), (s) => (s.tta ? percent(s.tta.accuracy, 2) : MISSING)], [l10n.t('TTA macro F1'), (s) => (s.tta ? decimal(s.tta.macroF1) : MISSING)],
      [l10n.t('TTA ECE'), (s) => (s.tta ? decimal(s.tta.ece) : MISSING)]);
  }
  const w = 26;
  const first = widthOf(rows.map(([name]) => name), 18, 2);
  return [
    ''.padEnd(first) + splits.map((s) => s.label.padStart(w)).join(''),
    ...rows.map(([name, get]) => name.padEnd(first) + splits.map((s) => get(s).padStart(w)).join('')),
  ];
}

/** Words wrapped to `width` columns, each line indented. */
function wrap(text: string, indent = '', width = 110): string[] {
  const out: string[] = [];
  let line = '';
  for (const w of text.split(/\s+/)) {
    if (line && indent.length + line.length + 1 + w.length > width) { out.push(indent + line); line = w; } else line = line ? `${line} ${w}` : w;
  }
  if (line) out.push(indent + line);
  return out;
}

function detection(splits: SplitScores[], threshold: number): string[] {
  const withD = splits.filter((s): s is SplitScores & { detection: DetectionScores } => !!s.detection);
  if (!withD.length) return [];
  const w = 26;
  const rows: [string, (d: DetectionScores) => string][] = [
    [l10n.t('sensitivity'), (d) => pct(d.sensitivity, 1, MISSING)],
    [l10n.t('specificity'), (d) => pct(d.specificity, 1, MISSING)],
    [l10n.t('confident misses'), (d) => countOf(d.confidentMisses)],
    [l10n.t('confident false alarms'), (d) => countOf(d.confidentFalseAlarms)],
  ];
  const first = widthOf(rows.map(([name]) => name), 22);
  return [l10n.t('Tumour vs no tumour (confident = {0} or more):', percentOf(Math.round(threshold * 100))),
    ''.padEnd(first) + withD.map((s) => s.label.padStart(w)).join(''),
    ...rows.map(([name, get]) => name.padEnd(first) + withD.map((s) => get(s.detection).padStart(w)).join(''))];
}

function external(sets: ExternalScores[]): string[] {
  if (!sets.length) return [];
  const out = [l10n.t('External sets (sources the model never trained on):')];
  for (const x of sets) {
    const fine = x.labels?.fine ?? 0, coarse = x.labels?.coarse ?? 0;
    const called = Object.entries(x.predicted ?? {}).map(([c, n]) => `${className(c)} ${n}`).join(', ');
    out.push(`  ${l10n.t('{0} ({1}): {2} images ({3} fine, {4} coarse)', x.name, x.root, String(x.count), String(fine), String(coarse))}`,
      `    ${l10n.t('sensitivity {0}, specificity {1}, confident misses {2}, confident false alarms {3}', pct(x.sensitivity, 1, MISSING), pct(x.specificity, 1, MISSING),
        countOf(x.confidentMisses), countOf(x.confidentFalseAlarms))}`,
      `    ${x.deduplicated ? l10n.t('near copies of training images: {0}; without them sensitivity {1} on {2} images', String(x.nearCopies),
        pct(x.deduplicated.sensitivity, 1, MISSING), String(x.deduplicated.count)) : l10n.t('near copies of training images: {0}', String(x.nearCopies))}`,
      `    ${x.fine ? l10n.t('called: {0}; 4-class accuracy {1}, macro F1 {2} on the {3} finely labelled', called, percent(x.fine.accuracy, 2), decimal(x.fine.macro.f1),
        String(fine)) : l10n.t('called: {0}', called)}`);
    if (x.confidentMissFiles?.length) out.push(`    ${l10n.t('most confident misses: {0}', x.confidentMissFiles.slice(0, 5).join(', '))}`);
    if (x.skipped?.length) out.push(`    ${l10n.t('skipped (cannot decode): {0}', x.skipped.map((k) => k.rel).join(', '))}`);
  }
  return out;
}

function perturbations(r: EvaluationReport, list: PerturbationScores[]): string[] {
  const b = r.perturbationBaseline;
  const drop = (d: number | null) => `${dropPoints(d)}${isLargeDrop(d) ? ' !' : '  '}`;
  const heads = [l10n.t('accuracy'), l10n.t('drop'), l10n.t('dedup. acc.'), l10n.t('dedup. drop'), l10n.t('sensitivity')];
  const w = widthOf(heads, 13, 2);
  const first = widthOf([l10n.t('perturbation'), ...list.map((p) => p.name)], 15, 1);
  const title = !b ? l10n.t('Robustness under perturbations:') : b.deduplicatedAccuracy !== null
    ? l10n.t('Robustness under perturbations (clean: {0} official, {1} deduplicated; {2} images, seed {3}):', percent(b.accuracy, 2), percent(b.deduplicatedAccuracy, 2),
      String(b.count), String(b.seed))
    : l10n.t('Robustness under perturbations (clean: {0} official; {1} images, seed {2}):', percent(b.accuracy, 2), String(b.count), String(b.seed));
  const out = [title,
    `  ${l10n.t('perturbation').padEnd(first)}${heads.map((h) => h.padStart(w)).join('')}  ${l10n.t('confident misses')}`];
  for (const p of list) {
    out.push(`  ${p.name.padEnd(first)}${[percent(p.accuracy, 2), drop(p.drop), p.deduplicatedAccuracy === null ? MISSING : percent(p.deduplicatedAccuracy, 2),
      drop(p.deduplicatedDrop), pct(p.sensitivity, 1, MISSING)].map((v) => v.padStart(w)).join('')}  ${countOf(p.confidentMisses)}`);
  }
  out.push(`  ${l10n.t('drop = clean minus perturbed accuracy, in points; ! = more than {0} points', plain(LARGE_DROP * 100))}`);
  return out;
}

function details(s: SplitScores, classes: string[]): string[] {
  const heads = [l10n.t('precision'), l10n.t('recall'), 'F1', l10n.t('support'), 'AUC'];
  const w = widthOf(heads, 11, 2);
  const first = widthOf(classes.map(className), 12, 2);
  const out = [l10n.t('{0}: per class', s.label), `  ${l10n.t('class').padEnd(first)}${heads.map((h) => h.padStart(w)).join('')}`];
  for (const c of s.perClass) {
    out.push(`  ${className(c.name).padEnd(first)}${[decimal(c.precision), decimal(c.recall), decimal(c.f1), String(c.support), decimal(c.auc)].map((v) => v.padStart(w)).join('')}`);
  }
  out.push(`  ${l10n.t('confusion (rows: true, columns: predicted)')}`, `  ${''.padEnd(first)}${classes.map((c) => className(c).slice(0, 10).padStart(11)).join('')}`);
  s.confusion.forEach((row, i) => out.push(`  ${className(classes[i]!).padEnd(first)}${row.map((v) => String(v).padStart(11)).join('')}`));
  return out;
}

export function formatEvaluation(r: EvaluationReport): string {
  const cal = r.calibration;
  const biases = cal?.bias ? r.classes.map((c, i) => `${className(c)} ${decimal(cal.bias![i]!)}`).join(', ') : '';
  const lines = [
    l10n.t('Model {0} ({1}, {2} px, {3} parameters) on {4}', r.runId ?? r.modelDir, r.model.name, String(r.model.inputSize), String(r.model.params), r.dataRoot),
    !cal ? l10n.t('Temperature scaling: none (probabilities as the model gives them)') : cal.bias
      ? l10n.t('Temperature scaling: T = {0}, class biases {1} (fitted on {2} validation images; NLL {3} -> {4})', plain(cal.temperature), biases, String(cal.count),
        decimal(cal.nllBefore), decimal(cal.nllAfter))
      : l10n.t('Temperature scaling: T = {0} (fitted on {1} validation images; NLL {2} -> {3})', plain(cal.temperature), String(cal.count), decimal(cal.nllBefore),
        decimal(cal.nllAfter)),
    l10n.t('Leaks: {0} Testing files have a near copy in Training (dHash distance <= {1}); the deduplicated split leaves them out.', String(r.leaks.count),
      String(r.leaks.nearThreshold)),
    '',
    ...headline(r.splits),
  ];
  const sets = Array.isArray(r.external) ? r.external : [];
  const threshold = sets.find((x) => typeof x.threshold === 'number')?.threshold ?? DEFAULT_REVIEW_THRESHOLD;
  const det = detection(r.splits, threshold);
  if (det.length) lines.push('', ...det);
  if (sets.length) lines.push('', ...external(sets), ...wrap(whyFiguresDiffer(), '  '));
  if (det.length || sets.length) lines.push(...wrap(confidentMissText(threshold), '  '));
  if (Array.isArray(r.perturbations) && r.perturbations.length) lines.push('', ...perturbations(r, r.perturbations));
  for (const s of r.splits) lines.push('', ...details(s, r.classes));
  if (r.skipped.length) lines.push('', l10n.t('Skipped (cannot decode): {0}', r.skipped.map((s) => s.rel).join(', ')));
  lines.push('', `${l10n.t('{0} predictions in {1} s on {2} ({3} threads).', String(r.timing.images), decimal(r.timing.ms / 1000, 1), r.backend.kind, String(r.backend.threads))} ` +
    l10n.t('Research use only, not for clinical diagnosis.'));
  return lines.join('\n');
}
