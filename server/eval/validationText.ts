/**
 * What the external-validation and robustness figures mean, in words: one wording for the Metrics panel, the HTML
 * report and the CLI. Plain strings and pure functions only (the webview bundles this file too).
 */

/** A perturbation's accuracy drop above this (a fraction: 0.05 = 5 percentage points) is marked as large. */
export const LARGE_DROP = 0.05;

/** The review threshold evaluation uses when none is given (EvaluateParams.threshold's default). */
export const DEFAULT_REVIEW_THRESHOLD = 0.7;

/** Why official, deduplicated and external numbers differ. */
export const WHY_FIGURES_DIFFER =
  'The official Testing split comes from the same sources as Training: it holds near copies of training images, and its ' +
  'notumor images come from another source than its tumour images, so a model can learn to recognise the source instead of ' +
  'the lesion. The deduplicated split leaves the near copies out. An external set, from a source the model never saw, is the ' +
  'honest figure.';

/** What a confident miss is, at a review threshold given as a fraction (0.7). */
export function confidentMissText(threshold: number): string {
  return `Confident misses: tumour images called notumor with a confidence of ${Math.round(threshold * 100)}% or more (the review ` +
    'threshold), so nothing flags them for review. This is the error that matters clinically. Confident false alarms: notumor ' +
    'images called a tumour with that confidence.';
}

export const DETECTION_NOTE =
  'A prediction of glioma, meningioma or pituitary counts as "tumour". Sensitivity is the share of tumour ' +
  'images called a tumour; specificity the share of notumor images called notumor.';

export const NO_EXTERNAL_HINT =
  'No external set was scored. Evaluate Model lets you add external folders: dataset folders from another source, with class ' +
  'folders or coarse tumour/ and no/ folders.';

export const ROBUSTNESS_NOTE =
  'Testing scored again with every image altered in one way (contrast, brightness, noise, blur, resolution, JPEG, rotation, ' +
  'flip). Drop = clean accuracy minus the accuracy under the change, in percentage points.';

/** Label of the coarse dataset label in tables. */
export const COARSE_LABEL_TEXT = 'tumour (type unknown)';

/** "717 of 859 (83.5%)"; without a total "0 of 0". */
export function countOf(rc: { count: number; of: number; rate: number | null } | null | undefined): string {
  if (!rc || typeof rc.count !== 'number' || typeof rc.of !== 'number') return '–';
  const rate = typeof rc.rate === 'number' && Number.isFinite(rc.rate) ? ` (${(rc.rate * 100).toFixed(1)}%)` : '';
  return `${rc.count.toLocaleString('en-US')} of ${rc.of.toLocaleString('en-US')}${rate}`;
}

/** A drop (a fraction) in percentage points with one decimal and a real minus sign for a gain: "11.8", "−0.3". */
export function dropPoints(drop: number | null | undefined): string {
  if (typeof drop !== 'number' || !Number.isFinite(drop)) return '–';
  const v = Math.round(drop * 1000) / 10;
  return v < 0 ? `−${Math.abs(v).toFixed(1)}` : v.toFixed(1);
}

export function isLargeDrop(drop: number | null | undefined): boolean {
  return typeof drop === 'number' && Number.isFinite(drop) && drop > LARGE_DROP;
}
