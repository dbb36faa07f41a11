/** Words and numbers as the Classification panel writes them. */
import * as l10n from '@vscode/l10n';
import { int, isNum, pct as sharedPct, percent } from '../displayFormat';
import type { HeadlineScores, ModelInfo } from '../../server/protocol';

/** A class name for people ("No tumor"); the class name itself for classes this page does not know. */
export function classLabel(c: string): string {
  switch (c) {
    case 'glioma': return l10n.t('Glioma');
    case 'meningioma': return l10n.t('Meningioma');
    case 'notumor': return l10n.t('No tumor');
    case 'pituitary': return l10n.t('Pituitary tumor');
    default: return c;
  }
}

/** The same, short enough for a table column. */
export const shortClassLabel = (c: string): string => (c === 'pituitary' ? l10n.t('Pituitary') : classLabel(c));

/** A probability as a percentage (displayFormat's pct); "<0.1%" rather than a misleading "0.0%" for tiny non-zero values. */
export function pct(v: number | null | undefined, digits = 1): string {
  return digits === 1 && isNum(v) && v > 0 && v < 0.0005 ? `<${percent(0.1, 1)}` : sharedPct(v, digits);
}

/** Counts are written as everywhere else; re-exported so the panel's words and numbers come from one import. */
export { int };

function scores(s: HeadlineScores | null | undefined): string | null {
  return s ? l10n.t('accuracy {0}, macro-F1 {1} ({2} images)', pct(s.accuracy), pct(s.macroF1), int(s.count)) : null;
}

/** The model's Testing figures, official and deduplicated, or null when it was never evaluated. */
export function testingScores(m: ModelInfo): { official: string | null; deduplicated: string | null } | null {
  const e = m.evaluation;
  if (!e || (!e.official && !e.deduplicated)) return null;
  return { official: scores(e.official), deduplicated: scores(e.deduplicated) };
}
