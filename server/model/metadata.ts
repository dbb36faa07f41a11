/**
 * metadata.json: what a model needs besides its weights to be used, audited or continued (classes, input,
 * preprocessing policy, data sources, config, calibration, evaluation, feature statistics), and the check that a
 * model fits this version before anything is classified with it.
 */
import * as l10n from '@vscode/l10n';
import * as path from 'node:path';
import type { BackendKind, CrossSourceOverlap, DataSource, EvaluationReport, HeadlineScores, RunSummary, TrainConfig, TumorClassName } from '../protocol';
import { CLASSES } from '../data/classNames';
import { validatePolicy, type PreprocessPolicy } from '../data/preprocess';
import type { FeatureStats } from './featureStats';
import type { WeightQuantization } from './modelFiles';
import { readJson, RunFolderError, writeJson } from './folderFiles';

export const RUN_FORMAT = 'brain-tumor-run';

export interface RunMetadata {
  format: typeof RUN_FORMAT;
  formatVersion: 1;
  runId: string;
  createdAt: string;
  updatedAt: string;
  status: RunSummary['status'];
  classes: readonly TumorClassName[];
  inputSize: number;
  channels: 1 | 3;
  preprocess: PreprocessPolicy;
  /** The first source (the only one of a one-source run); its fingerprint covers every source's images. */
  dataset: { root: string; fingerprint: string; counts: { train: number; val: number }; perClass: Record<string, { train: number; val: number }> };
  /** Every dataset folder trained on, with its own fingerprint and counts (absent in runs of older versions:
   *  then `dataset` is the one source). */
  sources?: DataSource[];
  /** Near copies between the sources, found when the data were prepared. */
  crossSource?: CrossSourceOverlap;
  backend: { kind: BackendKind; threads: number; simd: boolean | null };
  config: TrainConfig;
  seed: number;
  bestEpoch: number;
  bestValAcc: number | null;
  timings: { loadMs: number; trainMs: number; epochMsMean: number | null };
  software: { brainTumor: string; tfjs: string };
  /** Temperature scaling fitted on the validation split by an evaluation (classification applies it). */
  calibration?: EvaluationReport['calibration'];
  /** Headline test figures of the last evaluation, for pickers and the status bar. */
  evaluation?: { official: HeadlineScores | null; deduplicated: HeadlineScores | null; at: string };
  /** Penultimate-feature statistics on the validation split, for classification's out-of-distribution check. */
  featureStats?: FeatureStats;
  /** Set on an exported (e.g. bundled) copy of a run: where it came from and how its weights were stored. */
  exported?: { from: string; at: string; quantization: WeightQuantization };
}

export function readMetadata(runDir: string): RunMetadata {
  const m = readJson<RunMetadata>(path.join(runDir, 'metadata.json'), 'metadata');
  if (m.format !== RUN_FORMAT) throw new RunFolderError(l10n.t('{0} is not a brain-tumor run folder (metadata.json format is {1}).', runDir, String(JSON.stringify(m.format))));
  return m;
}

export function writeMetadata(runDir: string, m: RunMetadata): void {
  writeJson(path.join(runDir, 'metadata.json'), { ...m, updatedAt: new Date().toISOString() });
}


/** The model does not fit this version (classes, preprocessing, input shape): retrain or re-export it. */
export class IncompatibleModelError extends Error {}

/** The model's metadata, checked against what this backend can run; errors say what is wrong and what to do. */
export function checkModelMetadata(modelDir: string): RunMetadata {
  const meta = readMetadata(modelDir);
  if (JSON.stringify(meta.classes) !== JSON.stringify(CLASSES)) {
    throw new IncompatibleModelError(l10n.t('The model in {0} predicts the classes {1}; this version needs {2} in that order. Retrain it with this version.',
      modelDir, String(JSON.stringify(meta.classes)), JSON.stringify(CLASSES)));
  }
  try {
    const policy = validatePolicy(meta.preprocess);
    if (policy.size !== meta.inputSize || policy.channels !== meta.channels) throw new Error(l10n.t('its size or channels differ from the model input'));
  } catch (e) {
    throw new IncompatibleModelError(l10n.t('The preprocessing recorded with the model in {0} is not usable: {1}.', modelDir, (e as Error).message));
  }
  return meta;
}

/** The sources of a run: metadata.json's list, or its one `dataset` for runs written before several sources. */
export function sourcesOf(m: RunMetadata): DataSource[] {
  if (m.sources?.length) return m.sources;
  return [{ root: m.dataset.root, fingerprint: m.dataset.fingerprint, counts: m.dataset.counts, perClass: m.dataset.perClass }];
}
