/**
 * What the external-validation and robustness figures mean, in words: one wording for the Metrics panel, the HTML
 * report and the CLI. Pure functions only (the webview bundles this file too); the texts are functions, not
 * constants, so that they are looked up in the message bundle when used, after it is configured.
 */
import * as l10n from '@vscode/l10n';
import type { EvaluationReport, PerturbationName, SplitScores } from '../protocol';
import { fixed, int, pct, percentOf } from '../numberFormat';

/** A perturbation's accuracy drop above this (a fraction: 0.05 = 5 percentage points) is marked as large. */
export const LARGE_DROP = 0.05;

/** The review threshold evaluation uses when none is given (EvaluateParams.threshold's default). */
export const DEFAULT_REVIEW_THRESHOLD = 0.7;

/** Why official, deduplicated and external numbers differ. */
export function whyFiguresDiffer(): string {
  return l10n.t('The official Testing split comes from the same sources as Training: it holds near copies of training images, and its notumor images come from another source than its tumour images, so a model can learn to recognise the source instead of the lesion. The deduplicated split leaves the near copies out. An external set, from a source the model never saw, is the honest figure.');
}

/** What a confident miss is, at a review threshold given as a fraction (0.7). */
export function confidentMissText(threshold: number): string {
  return l10n.t('Confident misses: tumour images called notumor with a confidence of {0} or more (the review threshold), so nothing flags them for review. This is the error that matters clinically. Confident false alarms: notumor images called a tumour with that confidence.',
    percentOf(Math.round(threshold * 100)));
}

export function detectionNote(): string {
  return l10n.t('A prediction of glioma, meningioma or pituitary counts as "tumour". Sensitivity is the share of tumour images called a tumour; specificity the share of notumor images called notumor.');
}

export function noExternalHint(): string {
  return l10n.t('No external set was scored. Evaluate Model lets you add external folders: dataset folders from another source, with class folders or coarse tumour/ and no/ folders.');
}

export function robustnessNote(): string {
  return l10n.t('Testing scored again with every image altered in one way (contrast, brightness, noise, blur, resolution, JPEG, rotation, flip). Drop = clean accuracy minus the accuracy under the change, in percentage points.');
}

/** Label of the coarse dataset label in tables. */
export function coarseLabelText(): string {
  return l10n.t('tumour (type unknown)');
}

/** The name of a scored split, from its key. */
export function splitLabel(key: SplitScores['key']): string {
  switch (key) {
    case 'official': return l10n.t('Testing (official)');
    case 'deduplicated': return l10n.t('Testing (deduplicated)');
    case 'validation': return l10n.t('Validation (held out of Training)');
  }
}

/** The name of an external set's four-class scores. */
export function externalFineLabel(name: string): string {
  return l10n.t('External: {0} (fine labels)', name);
}

/** What a perturbation does at full strength, in words (perturb.ts's table; the evaluation report's descriptions). */
export function perturbationDescription(name: PerturbationName): string {
  switch (name) {
    case 'contrast-low': return l10n.t('contrast x0.6 about the image mean');
    case 'contrast-high': return l10n.t('contrast x1.5 about the image mean (clipped)');
    case 'gamma-low': return l10n.t('gamma 0.6 (mid-tones brighter)');
    case 'gamma-high': return l10n.t('gamma 1.6 (mid-tones darker)');
    case 'darker': return l10n.t('intensities x0.7');
    case 'brighter': return l10n.t('intensities x1.3 (clipped)');
    case 'noise': return l10n.t('Gaussian noise, sigma 12 grey levels (seeded)');
    case 'blur': return l10n.t('Gaussian blur, sigma 1.5 px per 512 px of the longer side');
    case 'downscale': return l10n.t('shrunk to 96 px on the longer side (Lanczos) and left small');
    case 'upscale': return l10n.t('enlarged 2x (bicubic)');
    case 'jpeg': return l10n.t('re-encoded as JPEG at quality 15');
    case 'rotate': return l10n.t('rotated 10 degrees, the sign seeded (bilinear, black outside)');
    case 'flip': return l10n.t('mirrored left-right');
  }
}

/** Renders a text in one language (language.ts's inEnglish), or as it is (the current language). */
export type InLanguage = (render: () => string) => string;
export const asItIs: InLanguage = (render) => render();

/**
 * The report's words (split names, perturbation descriptions) moved from one language to another: a word that
 * reads exactly as `from` renders it for the report's key or name becomes what `to` renders for it; any other word
 * (written by another version, with other wording or other parameters) stays as it is. A saved evaluation is
 * kept in English (evaluationStore.ts: from the current language to English) and read in the reader's language
 * (from English to the current one).
 */
export function relabelReport(r: EvaluationReport, from: InLanguage, to: InLanguage): EvaluationReport {
  const move = (saved: unknown, render: () => string) => (typeof saved === 'string' && saved === from(render) ? to(render) : saved as string);
  const known = (key: unknown): key is SplitScores['key'] => key === 'official' || key === 'deduplicated' || key === 'validation';
  const described = new Set<unknown>(['contrast-low', 'contrast-high', 'gamma-low', 'gamma-high', 'darker', 'brighter', 'noise', 'blur',
    'downscale', 'upscale', 'jpeg', 'rotate', 'flip']);
  return {
    ...r,
    splits: Array.isArray(r.splits) ? r.splits.map((s) => (known(s.key) ? { ...s, label: move(s.label, () => splitLabel(s.key)) } : s)) : r.splits,
    external: Array.isArray(r.external) ? r.external.map((x) => (x?.fine && typeof x.name === 'string'
      ? { ...x, fine: { ...x.fine, label: move(x.fine.label, () => externalFineLabel(x.name)) } } : x)) : r.external,
    perturbations: Array.isArray(r.perturbations) ? r.perturbations.map((p) => (described.has(p?.name)
      ? { ...p, description: move(p.description, () => perturbationDescription(p.name)) } : p)) : r.perturbations,
  };
}

// The same texts as constants, for code written before they were localised: evaluated once, when this module loads
// (before any bundle is configured), so they are English. Use the functions above.
/** @deprecated English only: use whyFiguresDiffer(). */
export const WHY_FIGURES_DIFFER = whyFiguresDiffer();
/** @deprecated English only: use detectionNote(). */
export const DETECTION_NOTE = detectionNote();
/** @deprecated English only: use noExternalHint(). */
export const NO_EXTERNAL_HINT = noExternalHint();
/** @deprecated English only: use robustnessNote(). */
export const ROBUSTNESS_NOTE = robustnessNote();
/** @deprecated English only: use coarseLabelText(). */
export const COARSE_LABEL_TEXT = coarseLabelText();

/** "717 of 859 (83.5%)"; without a total "0 of 0". */
export function countOf(rc: { count: number; of: number; rate: number | null } | null | undefined): string {
  if (!rc || typeof rc.count !== 'number' || typeof rc.of !== 'number') return '–';
  return typeof rc.rate === 'number' && Number.isFinite(rc.rate)
    ? l10n.t('{0} of {1} ({2})', int(rc.count), int(rc.of), pct(rc.rate, 1))
    : l10n.t('{0} of {1}', int(rc.count), int(rc.of));
}

/** A drop (a fraction) in percentage points with one decimal and a real minus sign for a gain: "11.8", "−0.3". */
export function dropPoints(drop: number | null | undefined): string {
  if (typeof drop !== 'number' || !Number.isFinite(drop)) return '–';
  const v = Math.round(drop * 1000) / 10;
  return v < 0 ? `−${fixed(Math.abs(v), 1)}` : fixed(v, 1);
}

export function isLargeDrop(drop: number | null | undefined): boolean {
  return typeof drop === 'number' && Number.isFinite(drop) && drop > LARGE_DROP;
}
