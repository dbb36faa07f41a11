/**
 * The models classification uses: the bundled default (models/ beside dist/) or any run/model folder, loaded
 * once, checked (classes, input size, preprocessing, weights) and kept while their files do not change. A
 * retrained or re-evaluated run (new weights, new temperature) is reloaded on its next use.
 */
import * as l10n from '@vscode/l10n';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as tfl from '@tensorflow/tfjs-layers';
import type * as P from '../protocol';
import { CLASSES } from '../data/classNames';
import type { PreprocessPolicy } from '../data/preprocess';
import { loadModel } from '../model/modelFiles';
import { RunFolderError } from '../model/folderFiles';
import { checkModelMetadata, IncompatibleModelError, type RunMetadata } from '../model/metadata';
import { parseFeatureStats, withFeatures, type FeatureStats } from '../model/featureStats';
import { prepareGradCam, type GradCam } from './gradCam';

/** The folder name of the model shipped in models/. */
export const BUNDLED_MODEL = 'brain-tumor-cnn';

/** What went wrong loading a model, as the protocol reports it. */
export class ModelError extends Error {
  constructor(message: string, readonly kind: 'missing' | 'incompatible' | 'corrupt') { super(message); }
}

/**
 * The bundled model's folder: models/<BUNDLED_MODEL> in the first ancestor of this bundle that has it (dist/ in
 * the extension and the CLI; the test bundles sit deeper). BRAIN_TUMOR_BUNDLED_MODEL overrides it.
 */
export function bundledModelDir(): string {
  const env = process.env.BRAIN_TUMOR_BUNDLED_MODEL;
  if (env) return path.resolve(env);
  let dir = __dirname;
  for (let i = 0; i < 5; i++) {
    const candidate = path.join(dir, 'models', BUNDLED_MODEL);
    if (fs.existsSync(path.join(candidate, 'model.json'))) return candidate;
    dir = path.dirname(dir);
  }
  return path.resolve(__dirname, '..', 'models', BUNDLED_MODEL);
}

export interface LoadedModel {
  dir: string;
  info: P.ModelInfo;
  meta: RunMetadata;
  policy: PreprocessPolicy;
  model: tfl.LayersModel;
  /** The same model with two outputs: penultimate features and probabilities. */
  withFeatures: tfl.LayersModel;
  featureStats: FeatureStats | undefined;
  temperature: number | null;
  /** Class biases fitted with the temperature (bias-corrected temperature scaling), or null. */
  bias: number[] | null;
  /** Grad-CAM, prepared on first use. */
  gradCam(): GradCam;
}

/** Changes when the model's files change (retraining, a new calibration). */
function fileStamp(dir: string): string {
  return ['model.json', 'weights.bin', 'metadata.json'].map((f) => {
    try {
      const s = fs.statSync(path.join(dir, f));
      return `${s.size}:${s.mtimeMs}`;
    } catch {
      return '-';
    }
  }).join('|');
}

export class ModelStore {
  private readonly cache = new Map<string, { stamp: string; loaded: LoadedModel }>();
  /** The folder of the model used last (what `status` reports as active). */
  active: string | null = null;

  constructor(private readonly bundledDir: () => string = bundledModelDir, private readonly capacity = 2) {}

  async get(modelDir?: string): Promise<LoadedModel> {
    const bundled = modelDir === undefined;
    const dir = path.resolve(modelDir ?? this.bundledDir());
    const stamp = fileStamp(dir);
    const hit = this.cache.get(dir);
    if (hit && hit.stamp === stamp) {
      this.cache.delete(dir); // re-insert: most recently used last
      this.cache.set(dir, hit);
      this.active = dir;
      return hit.loaded;
    }
    if (hit) this.evict(dir);
    const loaded = await this.load(dir, bundled || path.resolve(this.bundledDir()) === dir);
    this.cache.set(dir, { stamp, loaded });
    while (this.cache.size > this.capacity) this.evict(this.cache.keys().next().value!);
    this.active = dir;
    return loaded;
  }

  private evict(dir: string): void {
    const e = this.cache.get(dir);
    this.cache.delete(dir);
    if (!e) return;
    e.loaded.model.dispose();
  }

  dispose(): void {
    for (const dir of [...this.cache.keys()]) this.evict(dir);
  }

  private async load(dir: string, bundled: boolean): Promise<LoadedModel> {
    if (!fs.existsSync(path.join(dir, 'model.json'))) {
      throw new ModelError(bundled
        ? l10n.t('The bundled model is missing from this installation ({0} has no model.json). Reinstall, or choose a trained model (Select Model in VS Code, --model on the command line).', dir)
        : l10n.t('There is no model in {0} (no model.json). Choose a run folder that finished training (Select Model in VS Code, --model on the command line), or train one.', dir), 'missing');
    }
    let meta: RunMetadata;
    try {
      meta = checkModelMetadata(dir);
    } catch (e) {
      if (e instanceof IncompatibleModelError) throw new ModelError(e.message, 'incompatible');
      throw new ModelError((e as Error).message, 'corrupt');
    }
    let model: tfl.LayersModel;
    try {
      model = await loadModel(dir);
    } catch (e) {
      throw new ModelError(e instanceof RunFolderError ? e.message : l10n.t('Cannot load the model in {0}: {1}', dir, (e as Error).message), 'corrupt');
    }
    const shape = model.inputs[0]!.shape;
    const outUnits = model.outputs[0]!.shape[1];
    if (shape[1] !== meta.inputSize || shape[2] !== meta.inputSize || shape[3] !== meta.channels || outUnits !== CLASSES.length) {
      model.dispose();
      throw new ModelError(l10n.t('The model in {0} takes {1} inputs and gives {2} outputs, but its metadata says {3} x {3} x {4} and {5} classes. The folder is inconsistent: retrain or restore it.',
        dir, String(shape.slice(1)), String(outUnits), String(meta.inputSize), String(meta.channels), String(CLASSES.length)), 'incompatible');
    }
    const featureStats = parseFeatureStats(meta.featureStats, CLASSES.length);
    const temperature = meta.calibration?.temperature ?? null;
    let cam: GradCam | undefined;
    const info: P.ModelInfo = {
      modelDir: dir, bundled, runId: meta.exported?.from ?? meta.runId ?? null, architecture: meta.config.model,
      inputSize: meta.inputSize, channels: meta.channels, params: model.countParams(), classes: [...CLASSES],
      temperature, evaluation: meta.evaluation ? { official: meta.evaluation.official, deduplicated: meta.evaluation.deduplicated } : null,
      featureStats: !!featureStats, createdAt: meta.createdAt,
    };
    return {
      dir, info, meta, policy: meta.preprocess, model, withFeatures: withFeatures(model).model, featureStats, temperature, bias: meta.calibration?.bias ?? null,
      gradCam: () => (cam ??= prepareGradCam(model)),
    };
  }
}
