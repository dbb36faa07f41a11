/**
 * A model as tfjs files: model.json (topology + weights manifest) and weights.bin. Loading checks every file
 * against the manifest and the topology before tfjs allocates anything, so a damaged or hostile folder fails
 * with a sentence instead of a crash.
 */
import * as l10n from '@vscode/l10n';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import './stepDropout'; // registers the custom layer a saved model may use
import { checkTopology, TopologyError } from './topologyCheck';
import { readJson, RunFolderError, writeAtomic, writeJson } from './folderFiles';

/** How an exported model stores its weights: tfjs's own affine uint8 / float16 encodings, or plain float32. */
export type WeightQuantization = 'none' | 'float16' | 'uint8';

/** model.json (topology + manifest pointing at weights.bin) and weights.bin, as tfjs's own file format. */
export async function saveModel(model: tfl.LayersModel, dir: string): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  // The handler is synchronous work; tfjs wants a promise back.
  await model.save(tf.io.withSaveHandler((a) => {
    const data = a.weightData instanceof ArrayBuffer ? new Uint8Array(a.weightData)
      : new Uint8Array(tf.io.concatenateArrayBuffers(a.weightData ?? []));
    writeAtomic(path.join(dir, 'weights.bin'), data);
    writeJson(path.join(dir, 'model.json'), {
      format: 'layers-model', generatedBy: `brain-tumor ${BUILD_VERSION}`, convertedBy: null,
      modelTopology: a.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }],
    });
    return Promise.resolve({ modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' as const, weightDataBytes: data.byteLength } });
  }));
}

/** Bytes per stored value of a weight, quantized (uint8 / uint16 / float16) or not. */
export function bytesPerValue(s: tf.io.WeightsManifestEntry): number {
  if (s.quantization) return s.quantization.dtype === 'uint8' ? 1 : 2;
  return s.dtype === 'float32' || s.dtype === 'int32' ? 4 : 1;
}

/** Loads model.json + its weight files from a folder; errors name the file and what is wrong with it. */
export async function loadModel(dir: string): Promise<tfl.LayersModel> {
  const json = readJson<{ modelTopology?: unknown; weightsManifest?: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[] }>(
    path.join(dir, 'model.json'), 'model');
  if (!json.modelTopology || !Array.isArray(json.weightsManifest)) {
    throw new RunFolderError(l10n.t('{0} is not a tfjs layers model (no modelTopology or weightsManifest).', path.join(dir, 'model.json')));
  }
  const specs: tf.io.WeightsManifestEntry[] = [];
  const buffers: Uint8Array[] = [];
  const realDir = fs.realpathSync(dir);
  for (const [g, group] of json.weightsManifest.entries()) {
    // A string would be iterated character by character: say what is wrong instead.
    if (!Array.isArray(group.paths) || !group.paths.every((p) => typeof p === 'string') || !Array.isArray(group.weights)) {
      throw new RunFolderError(l10n.t('{0}: weightsManifest[{1}].paths must be a list of file names, got {2}', path.join(dir, 'model.json'), String(g), String(JSON.stringify(group.paths))));
    }
    specs.push(...group.weights);
    for (const p of group.paths) {
      const file = path.resolve(dir, p);
      if (path.dirname(file) !== path.resolve(dir)) throw new RunFolderError(l10n.t('model.json names a weight file outside its folder: {0}', p));
      // A link that leads out of the folder would read any file the user can read.
      let real: string | undefined;
      try { real = fs.realpathSync(file); } catch { /* missing: reported below */ }
      if (real !== undefined && path.dirname(real) !== realDir) {
        throw new RunFolderError(l10n.t('The weights file {0} links outside the model folder (to {1}); copy the file into the folder instead.', file, real));
      }
      try {
        buffers.push(fs.readFileSync(file));
      } catch {
        throw new RunFolderError(l10n.t('The weights file {0} is missing.', file));
      }
    }
  }
  const data = new Uint8Array(buffers.reduce((n, b) => n + b.byteLength, 0));
  let off = 0;
  for (const b of buffers) { data.set(b, off); off += b.byteLength; }
  const expected = specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1) * bytesPerValue(s), 0);
  if (expected !== data.byteLength) {
    throw new RunFolderError(l10n.t('The weights in {0} are corrupt: {1} bytes, the manifest needs {2}. Retrain or restore the folder.', dir, String(data.byteLength), String(expected)));
  }
  // Every weight the layers will create must be in the manifest with its shape, checked before tfjs allocates them.
  try {
    checkTopology(json.modelTopology, specs);
  } catch (e) {
    if (!(e instanceof TopologyError)) throw e;
    throw new RunFolderError(l10n.t('{0} does not match its weights: {1}. Restore the folder or export the model again.', path.join(dir, 'model.json'), e.message));
  }
  try {
    return await tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: specs, weightData: data.buffer }));
  } catch (e) {
    throw new RunFolderError(l10n.t('Cannot load the model in {0}: {1}', dir, (e as Error).message));
  }
}

