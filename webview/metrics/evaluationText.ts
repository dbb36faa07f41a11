/**
 * The words and figures of an evaluation as the Metrics panel writes them, in the page's language. The sentences
 * are server/eval/validationText.ts's (re-exported); the metric and detection rows' words are this page's `l10n.t`
 * calls on figureRows.ts's English (test/unit/webviewL10n.test.ts checks that the two stay equal), and every
 * number goes through displayFormat. Saved reports carry some texts of their own (split labels,
 * perturbation descriptions): the ones this version writes are translated, anything else is shown as saved.
 */
import * as l10n from '@vscode/l10n';
import type { DetectionScores, PerturbationScores, SplitScores } from '../../server/protocol';
import type { DetectionRow, HeadlineMetric } from '../../server/eval/figureRows';
import { dec, int, pct } from '../displayFormat';

// The sentences and counts the HTML report and the CLI write too: one wording, one translation.
import { countOf } from '../../server/eval/validationText';
export { countOf };
export { confidentMissText, detectionNote, dropPoints, noExternalHint, robustnessNote, whyFiguresDiffer } from '../../server/eval/validationText';

/** A headline metric's name (figureRows.ts's key), or the saved label of one this page does not know. */
export function metricLabel(m: HeadlineMetric): string {
  switch (m.key) {
    case 'accuracy': return l10n.t('Accuracy');
    case 'macroF1': return l10n.t('Macro F1');
    case 'weightedF1': return l10n.t('Weighted F1');
    case 'rocAucMacro': return l10n.t('ROC-AUC (macro)');
    case 'ece': return 'ECE';
    case 'nll': return 'NLL';
    case 'count': return l10n.t('Images');
    case 'ttaAccuracy': return l10n.t('TTA accuracy');
    case 'ttaMacroF1': return l10n.t('TTA macro F1');
    case 'ttaEce': return l10n.t('TTA ECE');
    default: return m.label;
  }
}

/** A headline metric's tooltip. */
export function metricTitle(m: HeadlineMetric): string {
  switch (m.key) {
    case 'accuracy': return l10n.t('Share of images whose top class is the true class');
    case 'macroF1': return l10n.t('F1 averaged over classes, each class counting the same');
    case 'weightedF1': return l10n.t('F1 averaged over classes, weighted by their number of images');
    case 'rocAucMacro': return l10n.t('One class against the rest, averaged over classes');
    case 'ece': return l10n.t('Expected calibration error over 15 confidence bins (lower is better)');
    case 'nll': return l10n.t('Mean negative log-likelihood of the true class (lower is better)');
    case 'count': return l10n.t('Images scored');
    case 'ttaAccuracy': return l10n.t('Accuracy with test-time augmentation (mean of the image and its mirror)');
    case 'ttaMacroF1': return l10n.t('Macro F1 with test-time augmentation');
    case 'ttaEce': return l10n.t('ECE with test-time augmentation (lower is better)');
    default: return m.title;
  }
}

/** A headline figure: percentages with one decimal, scores with four (calibration differences are small), counts whole. */
export function formatMetric(m: HeadlineMetric, v: number | null | undefined): string {
  return m.kind === 'pct' ? pct(v) : m.kind === 'int' ? int(v) : dec(v, 4);
}

/** A row of the tumour-vs-no-tumour table: its name. */
export function detectionLabel(row: DetectionRow): string {
  switch (row.key) {
    case 'sensitivity': return l10n.t('Sensitivity');
    case 'specificity': return l10n.t('Specificity');
    case 'confidentMisses': return l10n.t('Confident misses');
    case 'confidentFalseAlarms': return l10n.t('Confident false alarms');
    case 'auc': return 'ROC-AUC';
    case 'images': return l10n.t('Images (tumour / notumor)');
    default: return row.label;
  }
}

/** A row of the tumour-vs-no-tumour table: its tooltip. */
export function detectionTitle(row: DetectionRow): string {
  switch (row.key) {
    case 'sensitivity': return l10n.t('Tumour images called a tumour class (glioma, meningioma or pituitary)');
    case 'specificity': return l10n.t('Notumor images called notumor');
    case 'confidentMisses': return l10n.t('Tumour images called notumor with confidence at or above the review threshold: nothing flags them for review');
    case 'confidentFalseAlarms': return l10n.t('Notumor images called a tumour with confidence at or above the review threshold');
    case 'auc': return l10n.t('Of P(tumour) = 1 − P(notumor), tumour against notumor images');
    case 'images': return l10n.t('Tumour images / notumor images');
    default: return row.title;
  }
}

/** A row of the tumour-vs-no-tumour table: its figure for one split. */
export function detectionValue(row: DetectionRow, d: DetectionScores): string {
  switch (row.key) {
    case 'sensitivity': return pct(d.sensitivity);
    case 'specificity': return pct(d.specificity);
    case 'confidentMisses': return countOf(d.confidentMisses);
    case 'confidentFalseAlarms': return countOf(d.confidentFalseAlarms);
    case 'auc': return dec(d.auc, 3);
    case 'images': return `${int(d.tumour)} / ${int(d.notumor)}`;
    default: return row.get(d);
  }
}

/** A split's name: the labels evaluation writes are translated; a report's own label otherwise. */
export function splitLabel(s: Pick<SplitScores, 'label'>): string {
  switch (s.label) {
    case 'Testing (official)': return l10n.t('Testing (official)');
    case 'Testing (deduplicated)': return l10n.t('Testing (deduplicated)');
    case 'Validation (held out of Training)': return l10n.t('Validation (held out of Training)');
    default: return s.label;
  }
}

/** What a perturbation did, as server/eval/perturb.ts describes it; a description this version does not write is shown as saved. */
export function perturbationDescription(p: Pick<PerturbationScores, 'description'>): string {
  switch (p.description) {
    case 'contrast x0.6 about the image mean': return l10n.t('contrast x0.6 about the image mean');
    case 'contrast x1.5 about the image mean (clipped)': return l10n.t('contrast x1.5 about the image mean (clipped)');
    case 'gamma 0.6 (mid-tones brighter)': return l10n.t('gamma 0.6 (mid-tones brighter)');
    case 'gamma 1.6 (mid-tones darker)': return l10n.t('gamma 1.6 (mid-tones darker)');
    case 'intensities x0.7': return l10n.t('intensities x0.7');
    case 'intensities x1.3 (clipped)': return l10n.t('intensities x1.3 (clipped)');
    case 'Gaussian noise, sigma 12 grey levels (seeded)': return l10n.t('Gaussian noise, sigma 12 grey levels (seeded)');
    case 'Gaussian blur, sigma 1.5 px per 512 px of the longer side': return l10n.t('Gaussian blur, sigma 1.5 px per 512 px of the longer side');
    case 'shrunk to 96 px on the longer side (Lanczos) and left small': return l10n.t('shrunk to 96 px on the longer side (Lanczos) and left small');
    case 'enlarged 2x (bicubic)': return l10n.t('enlarged 2x (bicubic)');
    case 're-encoded as JPEG at quality 15': return l10n.t('re-encoded as JPEG at quality 15');
    case 'rotated 10 degrees, the sign seeded (bilinear, black outside)': return l10n.t('rotated 10 degrees, the sign seeded (bilinear, black outside)');
    case 'mirrored left-right': return l10n.t('mirrored left-right');
    default: return p.description;
  }
}
