/**
 * Exports a trained run as a self-contained model folder (what ships in models/): model.json + weights.bin with
 * optionally quantized weights, the metadata (calibration and feature statistics included), history and split.
 * Quantization uses tfjs's own weight encodings, so any tfjs loader reads the folder: `uint8` is affine per
 * tensor (value = q * scale + min), `float16` is IEEE half precision. Only float32 weights are quantized.
 */
import * as l10n from '@vscode/l10n';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { loadModel, type WeightQuantization } from '../model/modelFiles';
import { readMetadata, writeMetadata } from '../model/metadata';
import { writeJson } from '../model/folderFiles';

export const QUANTIZATIONS: readonly WeightQuantization[] = ['none', 'float16', 'uint8'];

/** IEEE 754 half precision bits of a float32 value, rounded to nearest even. */
export function toFloat16Bits(v: number): number {
  const f32 = new Float32Array([v]);
  const x = new Uint32Array(f32.buffer)[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0); // Inf / NaN
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00; // overflow -> Inf
  if (e <= 0) {
    if (e < -10) return sign; // underflow -> 0
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    if (rem > mid || (rem === mid && (half & 1))) half++;
    return sign | half;
  }
  // A carry out of the mantissa bumps the exponent, which is what IEEE rounding wants (up to Inf).
  let half = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && (half & 1))) half++;
  return sign | half;
}

interface Encoded { bytes: Uint8Array; spec: tf.io.WeightsManifestEntry }

/** One float32 weight in the chosen encoding. */
export function encodeWeight(spec: tf.io.WeightsManifestEntry, values: Float32Array, q: WeightQuantization): Encoded {
  if (q === 'none' || spec.dtype !== 'float32') return { bytes: new Uint8Array(values.buffer, values.byteOffset, values.byteLength).slice(), spec };
  if (q === 'float16') {
    const out = new Uint16Array(values.length);
    for (let i = 0; i < values.length; i++) out[i] = toFloat16Bits(values[i]!);
    return { bytes: new Uint8Array(out.buffer), spec: { ...spec, quantization: { dtype: 'float16' } } };
  }
  let min = Infinity, max = -Infinity;
  for (const v of values) { if (v < min) min = v; if (v > max) max = v; }
  if (!Number.isFinite(min)) { min = 0; max = 0; }
  const scale = max > min ? (max - min) / 255 : 1;
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = Math.round((values[i]! - min) / scale);
  return { bytes: out, spec: { ...spec, quantization: { dtype: 'uint8', scale, min } } };
}

export interface ExportResult { outDir: string; weightBytes: number; quantization: WeightQuantization; files: string[] }

/** Writes runDir's model into outDir (created; existing model files replaced) with the given weight encoding. */
export async function exportModel(runDir: string, outDir: string, quantization: WeightQuantization): Promise<ExportResult> {
  if (!QUANTIZATIONS.includes(quantization)) throw new Error(l10n.t('Unknown quantization "{0}": choose {1}.', String(quantization), QUANTIZATIONS.join(', ')));
  if (path.resolve(runDir) === path.resolve(outDir)) throw new Error(l10n.t('Export into a different folder than the run.'));
  const meta = readMetadata(runDir);
  const model = await loadModel(runDir);
  try {
    const source = JSON.parse(fs.readFileSync(path.join(runDir, 'model.json'), 'utf8')) as { modelTopology: unknown };
    const parts: Encoded[] = [];
    await model.save(tf.io.withSaveHandler(async (a) => {
      const data = a.weightData instanceof ArrayBuffer ? a.weightData : tf.io.concatenateArrayBuffers(a.weightData ?? []);
      let off = 0;
      for (const spec of a.weightSpecs ?? []) {
        const n = spec.shape.reduce((x, y) => x * y, 1);
        const bytes = n * (spec.dtype === 'float32' || spec.dtype === 'int32' ? 4 : 1);
        const slice = data.slice(off, off + bytes);
        off += bytes;
        parts.push(spec.dtype === 'float32' ? encodeWeight(spec, new Float32Array(slice), quantization) : { bytes: new Uint8Array(slice), spec });
      }
      return Promise.resolve({ modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' as const } });
    }));
    fs.mkdirSync(outDir, { recursive: true });
    const weights = new Uint8Array(parts.reduce((n, p) => n + p.bytes.byteLength, 0));
    let off = 0;
    for (const p of parts) { weights.set(p.bytes, off); off += p.bytes.byteLength; }
    fs.writeFileSync(path.join(outDir, 'weights.bin'), weights);
    writeJson(path.join(outDir, 'model.json'), {
      format: 'layers-model', generatedBy: `brain-tumor ${BUILD_VERSION}`, convertedBy: null,
      modelTopology: source.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: parts.map((p) => p.spec) }],
    });
    const files = ['model.json', 'weights.bin', 'metadata.json'];
    for (const f of ['history.json', 'split.json']) {
      if (fs.existsSync(path.join(runDir, f))) { fs.copyFileSync(path.join(runDir, f), path.join(outDir, f)); files.push(f); }
    }
    // The evaluation of the source no longer describes these (quantized) weights: the exporter re-evaluates.
    fs.rmSync(path.join(outDir, 'evaluation.json'), { force: true });
    delete meta.evaluation;
    writeMetadata(outDir, { ...meta, status: 'completed', exported: { from: meta.runId, at: new Date().toISOString(), quantization } });
    return { outDir, weightBytes: weights.byteLength, quantization, files };
  } finally {
    model.dispose();
  }
}
