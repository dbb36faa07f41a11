/**
 * The rows of the two tables that both the Metrics panel and the exported HTML report show: the headline metrics of
 * each split, and tumour vs no tumour. Defined once so the two list the same figures in the same format; each draws
 * them its own way (the panel as DOM with tooltips and compare columns, the report as escaped HTML). Pure: the
 * webview bundles it.
 */
import * as l10n from '@vscode/l10n';
import type { DetectionScores, SplitScores } from '../protocol';
import { dec, int, pct } from '../numberFormat';
import { countOf } from './validationText';

export interface HeadlineMetric {
  /** Part of the panel's element ids (metric-official-accuracy). */
  key: string;
  label: string;
  /** The report's label, where the panel's tooltip holds a detail the report (no tooltips) must spell out. */
  reportLabel?: string;
  /** The panel's tooltip. */
  title: string;
  get(s: SplitScores): number | null | undefined;
  kind: 'pct' | 'dec' | 'int';
  lowerIsBetter?: boolean;
}

// Labels and tooltips are getters: each read looks the text up in the message bundle configured by then.
export const HEADLINE_METRICS: HeadlineMetric[] = [
  { key: 'accuracy', get label() { return l10n.t('Accuracy'); }, get title() { return l10n.t('Share of images whose top class is the true class'); },
    get: (s) => s.accuracy, kind: 'pct' },
  { key: 'macroF1', get label() { return l10n.t('Macro F1'); }, get title() { return l10n.t('F1 averaged over classes, each class counting the same'); },
    get: (s) => s.macro.f1, kind: 'pct' },
  { key: 'weightedF1', get label() { return l10n.t('Weighted F1'); }, get title() { return l10n.t('F1 averaged over classes, weighted by their number of images'); },
    get: (s) => s.weighted.f1, kind: 'pct' },
  { key: 'rocAucMacro', get label() { return l10n.t('ROC-AUC (macro)'); }, get title() { return l10n.t('One class against the rest, averaged over classes'); },
    get: (s) => s.rocAucMacro, kind: 'dec' },
  { key: 'ece', label: 'ECE', get reportLabel() { return l10n.t('ECE (15 bins)'); },
    get title() { return l10n.t('Expected calibration error over 15 confidence bins (lower is better)'); }, get: (s) => s.ece, kind: 'dec', lowerIsBetter: true },
  { key: 'nll', label: 'NLL', get title() { return l10n.t('Mean negative log-likelihood of the true class (lower is better)'); }, get: (s) => s.nll, kind: 'dec',
    lowerIsBetter: true },
  { key: 'count', get label() { return l10n.t('Images'); }, get title() { return l10n.t('Images scored'); }, get: (s) => s.count, kind: 'int' },
];

/** Shown after the headline metrics when a split was also scored with test-time augmentation. */
export const TTA_METRICS: HeadlineMetric[] = [
  { key: 'ttaAccuracy', get label() { return l10n.t('TTA accuracy'); },
    get title() { return l10n.t('Accuracy with test-time augmentation (mean of the image and its mirror)'); }, get: (s) => s.tta?.accuracy, kind: 'pct' },
  { key: 'ttaMacroF1', get label() { return l10n.t('TTA macro F1'); }, get title() { return l10n.t('Macro F1 with test-time augmentation'); },
    get: (s) => s.tta?.macroF1, kind: 'pct' },
  { key: 'ttaEce', get label() { return l10n.t('TTA ECE'); }, get title() { return l10n.t('ECE with test-time augmentation (lower is better)'); },
    get: (s) => s.tta?.ece, kind: 'dec', lowerIsBetter: true },
];

/** A headline figure: percentages with one decimal, scores with four (calibration differences are small), counts whole. */
export function formatMetric(m: HeadlineMetric, v: number | null | undefined): string {
  return m.kind === 'pct' ? pct(v) : m.kind === 'int' ? int(v) : dec(v, 4);
}

export interface DetectionRow { key: string; label: string; title: string; get(d: DetectionScores): string }

export const DETECTION_ROWS: DetectionRow[] = [
  { key: 'sensitivity', get label() { return l10n.t('Sensitivity'); }, get title() { return l10n.t('Tumour images called a tumour class (glioma, meningioma or pituitary)'); },
    get: (d) => pct(d.sensitivity) },
  { key: 'specificity', get label() { return l10n.t('Specificity'); }, get title() { return l10n.t('Notumor images called notumor'); }, get: (d) => pct(d.specificity) },
  { key: 'confidentMisses', get label() { return l10n.t('Confident misses'); },
    get title() { return l10n.t('Tumour images called notumor with confidence at or above the review threshold: nothing flags them for review'); },
    get: (d) => countOf(d.confidentMisses) },
  { key: 'confidentFalseAlarms', get label() { return l10n.t('Confident false alarms'); },
    get title() { return l10n.t('Notumor images called a tumour with confidence at or above the review threshold'); }, get: (d) => countOf(d.confidentFalseAlarms) },
  { key: 'auc', label: 'ROC-AUC', get title() { return l10n.t('Of P(tumour) = 1 − P(notumor), tumour against notumor images'); }, get: (d) => dec(d.auc, 3) },
  { key: 'images', get label() { return l10n.t('Images (tumour / notumor)'); }, get title() { return l10n.t('Tumour images / notumor images'); },
    get: (d) => `${int(d.tumour)} / ${int(d.notumor)}` },
];
