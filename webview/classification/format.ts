/** Words and numbers as the Classification panel writes them. */
import { int, isNum, pct as sharedPct } from '../../server/numberFormat';
import type { HeadlineScores, ModelInfo } from '../../server/protocol';

const LABELS: Record<string, string> = { glioma: 'Glioma', meningioma: 'Meningioma', notumor: 'No tumor', pituitary: 'Pituitary tumor' };

const SHORT: Record<string, string> = { pituitary: 'Pituitary' };

/** A class name for people ("No tumor"); the class name itself for classes this page does not know. */
export const classLabel = (c: string): string => LABELS[c] ?? c;
/** The same, short enough for a table column. */
export const shortClassLabel = (c: string): string => SHORT[c] ?? classLabel(c);

/** A probability as a percentage (numberFormat's pct); "<0.1%" rather than a misleading "0.0%" for tiny non-zero values. */
export function pct(v: number | null | undefined, digits = 1): string {
  return digits === 1 && isNum(v) && v > 0 && v < 0.0005 ? '<0.1%' : sharedPct(v, digits);
}

/** Counts are written as everywhere else; re-exported so the panel's words and numbers come from one import. */
export { int };

function scores(s: HeadlineScores | null | undefined): string | null {
  return s ? `accuracy ${pct(s.accuracy)}, macro-F1 ${pct(s.macroF1)} (${int(s.count)} images)` : null;
}

/** The model's Testing figures, official and deduplicated, or null when it was never evaluated. */
export function testingScores(m: ModelInfo): { official: string | null; deduplicated: string | null } | null {
  const e = m.evaluation;
  if (!e || (!e.official && !e.deduplicated)) return null;
  return { official: scores(e.official), deduplicated: scores(e.deduplicated) };
}
