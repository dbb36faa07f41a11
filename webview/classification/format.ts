/** Words and numbers as the Classification panel writes them. */
import type { HeadlineScores, ModelInfo } from '../../server/protocol';

const LABELS: Record<string, string> = { glioma: 'Glioma', meningioma: 'Meningioma', notumor: 'No tumor', pituitary: 'Pituitary tumor' };

const SHORT: Record<string, string> = { pituitary: 'Pituitary' };

/** A class name for people ("No tumor"); the class name itself for classes this page does not know. */
export const classLabel = (c: string): string => LABELS[c] ?? c;
/** The same, short enough for a table column. */
export const shortClassLabel = (c: string): string => SHORT[c] ?? classLabel(c);

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** A probability as a percentage with one decimal; "<0.1%" rather than a misleading "0.0%" for tiny non-zero values. */
export function pct(v: number | null | undefined, digits = 1): string {
  if (!isNum(v)) return '–';
  if (digits === 1 && v > 0 && v < 0.0005) return '<0.1%';
  return `${(v * 100).toFixed(digits)}%`;
}

export const int = (v: number): string => Math.round(v).toLocaleString('en-US');

function scores(s: HeadlineScores | null | undefined): string | null {
  return s ? `accuracy ${pct(s.accuracy)}, macro-F1 ${pct(s.macroF1)} (${int(s.count)} images)` : null;
}

/** The model's Testing figures, official and deduplicated, or null when it was never evaluated. */
export function testingScores(m: ModelInfo): { official: string | null; deduplicated: string | null } | null {
  const e = m.evaluation;
  if (!e || (!e.official && !e.deduplicated)) return null;
  return { official: scores(e.official), deduplicated: scores(e.deduplicated) };
}
