/**
 * The feature-space half of the out-of-distribution check. A softmax is confident on anything (a photo of a cat
 * gets 99% "notumor" as easily as a real slice), so the classifier also asks how far an image's penultimate
 * features lie from the training distribution: the distance to the nearest class centre, each feature scaled by
 * its within-class spread, in units of the 99th percentile of the same distance over the run's validation
 * images. Fitted once per model (by evaluation, on validation, beside the temperature) and stored in its metadata.
 */
import type * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

export interface FeatureStats {
  /** The layer whose output is the feature vector (the input of the final Dense). */
  layer: string;
  dims: number;
  /** Per class (CLASS order), the mean feature vector; an empty array for a class with no validation image. */
  mean: number[][];
  /** Pooled within-class standard deviation per feature, floored (dead ReLU features would divide by zero). */
  std: number[];
  /** 99th percentile of the validation images' distances: the unit of `featureDistance`. */
  p99: number;
  count: number;
}

/** A model with two outputs: the penultimate features and the class probabilities (one forward pass for both). */
export function withFeatures(model: tfl.LayersModel): { model: tfl.LayersModel; layer: string } {
  const last = model.layers[model.layers.length - 1]!;
  const input = last.input;
  if (Array.isArray(input)) throw new Error(`The final layer ${last.name} has several inputs; the feature check needs a single one.`);
  const from = last.inboundNodes[0]?.inboundLayers[0];
  const features = tfl.model({ inputs: model.inputs, outputs: [input, model.outputs[0]!] });
  return { model: features, layer: from?.name ?? last.name };
}

const round = (v: number) => Math.round(v * 1e4) / 1e4;

/** Fits the statistics on n feature rows (row-major [n, dims]) with their labels. */
export function fitFeatureStats(layer: string, features: Float32Array, labels: Int32Array, classes: number): FeatureStats {
  const n = labels.length;
  const dims = features.length / n;
  if (!Number.isInteger(dims) || n < 2) throw new Error(`fitFeatureStats: ${features.length} values for ${n} labels`);
  const sums = Array.from({ length: classes }, () => new Float64Array(dims));
  const counts = new Array<number>(classes).fill(0);
  for (let i = 0; i < n; i++) {
    const c = labels[i]!;
    counts[c]!++;
    const row = features.subarray(i * dims, (i + 1) * dims);
    for (let j = 0; j < dims; j++) sums[c]![j]! += row[j]!;
  }
  const mean = sums.map((s, c) => (counts[c] ? Array.from(s, (v) => v / counts[c]!) : []));
  const sq = new Float64Array(dims);
  for (let i = 0; i < n; i++) {
    const mu = mean[labels[i]!]!;
    for (let j = 0; j < dims; j++) { const d = features[i * dims + j]! - mu[j]!; sq[j]! += d * d; }
  }
  const rawStd = Array.from(sq, (v) => Math.sqrt(v / Math.max(1, n - classes)));
  const typical = rawStd.reduce((a, b) => a + b, 0) / dims || 1;
  const std = rawStd.map((s) => Math.max(s, 0.05 * typical, 1e-6));
  const stats: FeatureStats = { layer, dims, mean: mean.map((m) => m.map(round)), std: std.map((s) => round(s) || 1e-6), p99: 1, count: n };
  const d = Array.from({ length: n }, (_, i) => rawDistance(stats, features.subarray(i * dims, (i + 1) * dims))).sort((a, b) => a - b);
  stats.p99 = round(d[Math.min(n - 1, Math.floor(0.99 * n))]!) || 1;
  return stats;
}

/** Root-mean-square standardised distance to the nearest class centre. */
function rawDistance(stats: FeatureStats, f: Float32Array): number {
  let best = Infinity;
  for (const mu of stats.mean) {
    if (!mu.length) continue;
    let s = 0;
    for (let j = 0; j < stats.dims; j++) { const z = (f[j]! - mu[j]!) / stats.std[j]!; s += z * z; }
    best = Math.min(best, Math.sqrt(s / stats.dims));
  }
  return best;
}

/** Distance in units of the validation 99th percentile: above 1 is farther out than 99% of validation images. */
export function featureDistance(stats: FeatureStats, f: Float32Array): number {
  if (f.length !== stats.dims) throw new Error(`Feature vector of ${f.length} values; the statistics have ${stats.dims}.`);
  return rawDistance(stats, f) / stats.p99;
}

/** Checks statistics read from a metadata file; undefined when absent or malformed (the check is then skipped). */
export function parseFeatureStats(v: unknown, classes: number): FeatureStats | undefined {
  const o = v as Partial<FeatureStats> | undefined;
  if (!o || typeof o.dims !== 'number' || !Array.isArray(o.std) || o.std.length !== o.dims || !Array.isArray(o.mean) ||
    o.mean.length !== classes || o.mean.some((m) => !Array.isArray(m) || (m.length !== 0 && m.length !== o.dims)) ||
    typeof o.p99 !== 'number' || !(o.p99 > 0)) return undefined;
  return o as FeatureStats;
}

/** Features [n, dims] of n normalised images, batch by batch (the caller yields between calls). */
export function predictFeatures(model: tfl.LayersModel, x: tf.Tensor4D): { features: Float32Array; probs: Float32Array; dims: number } {
  const [f, p] = model.predict(x) as tf.Tensor[];
  const out = { features: f!.dataSync() as Float32Array, probs: p!.dataSync() as Float32Array, dims: f!.shape[1]! };
  f!.dispose();
  p!.dispose();
  return out;
}
