/** An evaluation report as text for the CLI: headline figures of both splits side by side, then per split details. */
import type { EvaluationReport, SplitScores } from './protocol';

const pct = (v: number) => `${(v * 100).toFixed(2)}%`;
const f3 = (v: number | null) => (v === null ? '-' : v.toFixed(3));

function headline(splits: SplitScores[]): string[] {
  const rows: [string, (s: SplitScores) => string][] = [
    ['images', (s) => String(s.count)],
    ['accuracy', (s) => pct(s.accuracy)],
    ['macro F1', (s) => f3(s.macro.f1)],
    ['weighted F1', (s) => f3(s.weighted.f1)],
    ['ROC-AUC (macro)', (s) => f3(s.rocAucMacro)],
    ['ECE (15 bins)', (s) => f3(s.ece)],
    ['NLL', (s) => f3(s.nll)],
  ];
  if (splits.some((s) => s.tta)) {
    rows.push(['TTA accuracy', (s) => (s.tta ? pct(s.tta.accuracy) : '-')], ['TTA macro F1', (s) => (s.tta ? f3(s.tta.macroF1) : '-')],
      ['TTA ECE', (s) => (s.tta ? f3(s.tta.ece) : '-')]);
  }
  const w = 26;
  return [
    ''.padEnd(18) + splits.map((s) => s.label.padStart(w)).join(''),
    ...rows.map(([name, get]) => name.padEnd(18) + splits.map((s) => get(s).padStart(w)).join('')),
  ];
}

function details(s: SplitScores, classes: string[]): string[] {
  const out = [`${s.label}: per class`, `  ${'class'.padEnd(12)}${['precision', 'recall', 'F1', 'support', 'AUC'].map((h) => h.padStart(11)).join('')}`];
  for (const c of s.perClass) {
    out.push(`  ${c.name.padEnd(12)}${[f3(c.precision), f3(c.recall), f3(c.f1), String(c.support), f3(c.auc)].map((v) => v.padStart(11)).join('')}`);
  }
  out.push(`  confusion (rows: true, columns: predicted)`, `  ${''.padEnd(12)}${classes.map((c) => c.slice(0, 10).padStart(11)).join('')}`);
  s.confusion.forEach((row, i) => out.push(`  ${classes[i]!.padEnd(12)}${row.map((v) => String(v).padStart(11)).join('')}`));
  return out;
}

export function formatEvaluation(r: EvaluationReport): string {
  const lines = [
    `Model ${r.runId ?? r.modelDir} (${r.model.name}, ${r.model.inputSize} px, ${r.model.params} parameters) on ${r.dataRoot}`,
    r.calibration ? `Temperature scaling: T = ${r.calibration.temperature} (fitted on ${r.calibration.count} validation images; NLL ${f3(r.calibration.nllBefore)} -> ${f3(r.calibration.nllAfter)})`
      : 'Temperature scaling: none (probabilities as the model gives them)',
    `Leaks: ${r.leaks.count} Testing files have a near copy in Training (dHash distance <= ${r.leaks.nearThreshold}); the deduplicated split leaves them out.`,
    '',
    ...headline(r.splits),
  ];
  for (const s of r.splits) lines.push('', ...details(s, r.classes));
  if (r.skipped.length) lines.push('', `Skipped (cannot decode): ${r.skipped.map((s) => s.rel).join(', ')}`);
  lines.push('', `${r.timing.images} predictions in ${(r.timing.ms / 1000).toFixed(1)} s on ${r.backend.kind} (${r.backend.threads} threads). Research use only, not for clinical diagnosis.`);
  return lines.join('\n');
}
