/**
 * The model step shared by images and volume slices: a batch of preprocessed inputs through the model,
 * temperature scaling, the out-of-distribution check and the uncertainty verdict with its reasons; and the
 * Grad-CAM heat map of one input. Every tensor made here is disposed here.
 */
import * as l10n from '@vscode/l10n';
import * as tf from '@tensorflow/tfjs-core';
import type * as P from '../protocol';
import type { ImageStats } from '../protocol';
import { CLASSES } from '../data/classNames';
import { applyTemperature, averageProbs } from '../model/calibration';
import { featureDistance, predictFeatures } from '../model/featureStats';
import type { LoadedModel } from './modelStore';
import { fixed, pct, percentOf } from '../numberFormat';

/**
 * Out-of-distribution limits. Measured on the 1311 Kaggle Testing slices (preprocessing working images): colourfulness
 * at most 5.7; content (non-black share) at least 0.21; pure-white share at most 0.17; intensity spread at least 20.6;
 * roughness at most 23.2; feature distance 99.5th percentile 1.62, maximum 2.6. Each limit sits well outside that
 * range, so real slices pass; what fails them is plainly not an MRI slice. A dark border is reported but not judged:
 * 2% of real slices are cropped to the head. A smooth grey picture of something else can still pass: the check
 * catches the obvious, not everything (README, "How uncertainty is judged").
 */
export const OOD_LIMITS = { colourfulness: 20, minContent: 0.08, white: 0.35, minSpread: 8, roughness: 45, featureDistance: 2 } as const;


/** The out-of-distribution verdict of one image, with its reasons in words. */
export function judgeDistribution(stats: ImageStats, distance: number | null): P.DistributionCheck {
  const reasons: string[] = [];
  const L = OOD_LIMITS;
  if (stats.colourfulness > L.colourfulness) reasons.push(l10n.t('it is a colour image; MRI slices are greyscale'));
  if (stats.content < L.minContent) reasons.push(l10n.t('it is almost entirely black'));
  else if (stats.spread < L.minSpread) reasons.push(l10n.t('it is nearly uniform, with no anatomy to see'));
  if (stats.white > L.white) reasons.push(l10n.t('{0} of it is pure white (documents, screenshots, photos); MRI slices have almost none', percentOf(Math.round(stats.white * 100))));
  if (stats.roughness > L.roughness) reasons.push(l10n.t('it is grainy like noise or fine text; MRI anatomy is smooth'));
  if (distance !== null && distance > L.featureDistance) {
    reasons.push(l10n.t('the model\'s features for it lie {0}x farther from the training data than 99% of validation images', fixed(distance, 1)));
  }
  const r = (v: number) => Math.round(v * 1000) / 1000;
  return { outOfDistribution: reasons.length > 0, reasons, colourfulness: r(stats.colourfulness), darkBorder: r(stats.darkBorder),
    content: r(stats.content), white: r(stats.white), spread: r(stats.spread), roughness: r(stats.roughness), featureDistance: distance === null ? null : r(distance) };
}

/** One preprocessed input: the model's pixels and the statistics of its working image. */
export interface ModelInput { pixels: Uint8Array; stats: ImageStats }

/** What the model says of one input. */
export type Verdict = Pick<P.ClassifiedImage, 'predicted' | 'probabilities' | 'confidence' | 'uncertain' | 'uncertainReasons' | 'distribution'>;

/** The inputs (at most a batch) through the model at once; the verdicts in the same order. */
export function predictBatch(inputs: readonly ModelInput[], loaded: LoadedModel, opts: { threshold: number; tta?: boolean }): Verdict[] {
  const { size, channels } = loaded.policy;
  const per = size * size * channels;
  const k = CLASSES.length;
  const batch = new Uint8Array(inputs.length * per);
  inputs.forEach((d, j) => batch.set(d.pixels, j * per));
  const x = tf.tidy(() => tf.div<tf.Tensor4D>(tf.tensor4d(batch, [inputs.length, size, size, channels], 'float32'), 255));
  let out: ReturnType<typeof predictFeatures>;
  let mirrored: Float32Array | null = null;
  try {
    out = predictFeatures(loaded.withFeatures, x);
    if (opts.tta) {
      const flipped = tf.reverse(x, 2);
      try { mirrored = predictFeatures(loaded.withFeatures, flipped).probs; } finally { flipped.dispose(); }
    }
  } finally {
    x.dispose();
  }
  const calibrated = (p: Float32Array) => (loaded.temperature ? applyTemperature(p, loaded.temperature, k, loaded.bias) : p);
  // Each view calibrated, then averaged: the same order as `evaluate --tta`, so its figures describe this.
  const probs = mirrored ? averageProbs(calibrated(out.probs), calibrated(mirrored)) : calibrated(out.probs);
  return inputs.map((d, j) => {
    const row = Array.from(probs.subarray(j * k, (j + 1) * k), (v) => Math.round(v * 1e6) / 1e6);
    let best = 0;
    row.forEach((v, c) => { if (v > row[best]!) best = c; });
    const distance = loaded.featureStats ? featureDistance(loaded.featureStats, out.features.subarray(j * out.dims, (j + 1) * out.dims)) : null;
    const distribution = judgeDistribution(d.stats, distance);
    const reasons: string[] = [];
    if (row[best]! < opts.threshold) reasons.push(l10n.t('confidence {0} is below the {1} threshold', pct(row[best]!), pct(opts.threshold, 0)));
    if (distribution.outOfDistribution) {
      reasons.push(l10n.t('the image may not be a brain MRI slice like those the model was trained on: {0}', distribution.reasons.join('; ')));
    }
    return { predicted: CLASSES[best]!, probabilities: row, confidence: row[best]!, uncertain: reasons.length > 0, uncertainReasons: reasons, distribution };
  });
}

/** The Grad-CAM heat map of one input for `target`. */
export function explainInput(pixels: Uint8Array, loaded: LoadedModel, target: P.TumorClassName): P.Heatmap {
  const { size, channels } = loaded.policy;
  const xi = tf.tidy(() => tf.div<tf.Tensor4D>(tf.tensor4d(pixels, [1, size, size, channels], 'float32'), 255));
  try {
    const cam = loaded.gradCam().explain(xi, CLASSES.indexOf(target));
    return { width: cam.width, height: cam.height, values: Array.from(cam.values, (v) => Math.round(v * 1000) / 1000), targetClass: target, layer: cam.layer };
  } finally {
    xi.dispose();
  }
}
