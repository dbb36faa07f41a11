/**
 * An evaluation report as text for the CLI: headline figures of both splits side by side, tumour vs no tumour per
 * split, the external sets and the perturbations, then per split details. Evaluations saved by older versions lack
 * the last three: their lines are left out.
 */
import type { DetectionScores, EvaluationReport, ExternalScores, PerturbationScores, SplitScores } from '../protocol';
import {
  confidentMissText, countOf, DEFAULT_REVIEW_THRESHOLD, dropPoints, isLargeDrop, LARGE_DROP, WHY_FIGURES_DIFFER,
} from '../eval/validationText';
import { pct } from '../numberFormat';
import { decimal, MISSING, percent } from './numberText';

function headline(splits: SplitScores[]): string[] {
  const rows: [string, (s: SplitScores) => string][] = [
    ['images', (s) => String(s.count)],
    ['accuracy', (s) => percent(s.accuracy, 2)],
    ['macro F1', (s) => decimal(s.macro.f1)],
    ['weighted F1', (s) => decimal(s.weighted.f1)],
    ['ROC-AUC (macro)', (s) => decimal(s.rocAucMacro)],
    ['ECE (15 bins)', (s) => decimal(s.ece)],
    ['NLL', (s) => decimal(s.nll)],
  ];
  if (splits.some((s) => s.tta)) {
    rows.push(['TTA accuracy', (s) => (s.tta ? percent(s.tta.accuracy, 2) : MISSING)], ['TTA macro F1', (s) => (s.tta ? decimal(s.tta.macroF1) : MISSING)],
      ['TTA ECE', (s) => (s.tta ? decimal(s.tta.ece) : MISSING)]);
  }
  const w = 26;
  return [
    ''.padEnd(18) + splits.map((s) => s.label.padStart(w)).join(''),
    ...rows.map(([name, get]) => name.padEnd(18) + splits.map((s) => get(s).padStart(w)).join('')),
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
    ['sensitivity', (d) => pct(d.sensitivity, 1, MISSING)],
    ['specificity', (d) => pct(d.specificity, 1, MISSING)],
    ['confident misses', (d) => countOf(d.confidentMisses)],
    ['confident false alarms', (d) => countOf(d.confidentFalseAlarms)],
  ];
  return [`Tumour vs no tumour (confident = ${Math.round(threshold * 100)}% or more):`,
    ''.padEnd(22) + withD.map((s) => s.label.padStart(w)).join(''),
    ...rows.map(([name, get]) => name.padEnd(22) + withD.map((s) => get(s.detection).padStart(w)).join(''))];
}

function external(sets: ExternalScores[]): string[] {
  if (!sets.length) return [];
  const out = ['External sets (sources the model never trained on):'];
  for (const x of sets) {
    const fine = x.labels?.fine ?? 0, coarse = x.labels?.coarse ?? 0;
    out.push(`  ${x.name} (${x.root}): ${x.count} images (${fine} fine, ${coarse} coarse)`,
      `    sensitivity ${pct(x.sensitivity, 1, MISSING)}, specificity ${pct(x.specificity, 1, MISSING)}, confident misses ${countOf(x.confidentMisses)}, ` +
        `confident false alarms ${countOf(x.confidentFalseAlarms)}`,
      `    near copies of training images: ${x.nearCopies}` + (x.deduplicated ? `; without them sensitivity ${pct(x.deduplicated.sensitivity, 1, MISSING)} on ${x.deduplicated.count} images` : ''),
      `    called: ${Object.entries(x.predicted ?? {}).map(([c, n]) => `${c} ${n}`).join(', ')}` +
        (x.fine ? `; 4-class accuracy ${percent(x.fine.accuracy, 2)}, macro F1 ${decimal(x.fine.macro.f1)} on the ${fine} finely labelled` : ''));
    if (x.confidentMissFiles?.length) out.push(`    most confident misses: ${x.confidentMissFiles.slice(0, 5).join(', ')}`);
    if (x.skipped?.length) out.push(`    skipped (cannot decode): ${x.skipped.map((k) => k.rel).join(', ')}`);
  }
  return out;
}

function perturbations(r: EvaluationReport, list: PerturbationScores[]): string[] {
  const b = r.perturbationBaseline;
  const drop = (d: number | null) => `${dropPoints(d)}${isLargeDrop(d) ? ' !' : '  '}`;
  const out = [`Robustness under perturbations${b ? ` (clean: ${percent(b.accuracy, 2)} official${b.deduplicatedAccuracy !== null ? `, ${percent(b.deduplicatedAccuracy, 2)} deduplicated` : ''}; ` +
    `${b.count} images, seed ${b.seed})` : ''}:`,
  `  ${'perturbation'.padEnd(15)}${['accuracy', 'drop', 'dedup. acc.', 'dedup. drop', 'sensitivity'].map((h) => h.padStart(13)).join('')}  confident misses`];
  for (const p of list) {
    out.push(`  ${p.name.padEnd(15)}${[percent(p.accuracy, 2), drop(p.drop), p.deduplicatedAccuracy === null ? MISSING : percent(p.deduplicatedAccuracy, 2),
      drop(p.deduplicatedDrop), pct(p.sensitivity, 1, MISSING)].map((v) => v.padStart(13)).join('')}  ${countOf(p.confidentMisses)}`);
  }
  out.push(`  drop = clean minus perturbed accuracy, in points; ! = more than ${LARGE_DROP * 100} points`);
  return out;
}

function details(s: SplitScores, classes: string[]): string[] {
  const out = [`${s.label}: per class`, `  ${'class'.padEnd(12)}${['precision', 'recall', 'F1', 'support', 'AUC'].map((h) => h.padStart(11)).join('')}`];
  for (const c of s.perClass) {
    out.push(`  ${c.name.padEnd(12)}${[decimal(c.precision), decimal(c.recall), decimal(c.f1), String(c.support), decimal(c.auc)].map((v) => v.padStart(11)).join('')}`);
  }
  out.push(`  confusion (rows: true, columns: predicted)`, `  ${''.padEnd(12)}${classes.map((c) => c.slice(0, 10).padStart(11)).join('')}`);
  s.confusion.forEach((row, i) => out.push(`  ${classes[i]!.padEnd(12)}${row.map((v) => String(v).padStart(11)).join('')}`));
  return out;
}

export function formatEvaluation(r: EvaluationReport): string {
  const lines = [
    `Model ${r.runId ?? r.modelDir} (${r.model.name}, ${r.model.inputSize} px, ${r.model.params} parameters) on ${r.dataRoot}`,
    r.calibration ? `Temperature scaling: T = ${r.calibration.temperature}${r.calibration.bias ? `, class biases ${r.classes.map((c, i) => `${c} ${decimal(r.calibration!.bias![i]!)}`).join(', ')}` : ''} (fitted on ${r.calibration.count} validation images; NLL ${decimal(r.calibration.nllBefore)} -> ${decimal(r.calibration.nllAfter)})`
      : 'Temperature scaling: none (probabilities as the model gives them)',
    `Leaks: ${r.leaks.count} Testing files have a near copy in Training (dHash distance <= ${r.leaks.nearThreshold}); the deduplicated split leaves them out.`,
    '',
    ...headline(r.splits),
  ];
  const sets = Array.isArray(r.external) ? r.external : [];
  const threshold = sets.find((x) => typeof x.threshold === 'number')?.threshold ?? DEFAULT_REVIEW_THRESHOLD;
  const det = detection(r.splits, threshold);
  if (det.length) lines.push('', ...det);
  if (sets.length) lines.push('', ...external(sets), ...wrap(WHY_FIGURES_DIFFER, '  '));
  if (det.length || sets.length) lines.push(...wrap(confidentMissText(threshold), '  '));
  if (Array.isArray(r.perturbations) && r.perturbations.length) lines.push('', ...perturbations(r, r.perturbations));
  for (const s of r.splits) lines.push('', ...details(s, r.classes));
  if (r.skipped.length) lines.push('', `Skipped (cannot decode): ${r.skipped.map((s) => s.rel).join(', ')}`);
  lines.push('', `${r.timing.images} predictions in ${(r.timing.ms / 1000).toFixed(1)} s on ${r.backend.kind} (${r.backend.threads} threads). Research use only, not for clinical diagnosis.`);
  return lines.join('\n');
}
