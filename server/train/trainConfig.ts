/**
 * Training settings: the defaults that work best here, and the one validation every entry point uses (the
 * `train` request, the CLI and a resumed run's saved config), so a bad value fails before any work starts with a
 * message naming the setting, the value and the allowed range.
 */
import * as l10n from '@vscode/l10n';
import { DEFAULT_EPOCHS, DEFAULT_MODEL, INTENSITY_STEPS, LR_SCHEDULES, MODEL_NAMES, type AugmentSettings, type TrainConfig } from '../protocol';
import { DEFAULT_AUGMENT, NO_AUGMENT, NO_INTENSITY } from './augment';

/**
 * The augmentation a config starts from. Policy 2 (head histogram equalisation) removes contrast, gamma and
 * brightness shifts before the model sees them, so the intensity and style augmentation is off there by default:
 * measured (docs/training-recipe.md), with policy 2 it cost accuracy and bought no robustness. Policy 1 keeps it: it
 * is what makes a policy 1 model robust.
 */
export function defaultAugmentFor(intensity: TrainConfig['intensity']): AugmentSettings {
  return intensity === 'equalize-head' ? { ...DEFAULT_AUGMENT, ...NO_INTENSITY } : { ...DEFAULT_AUGMENT };
}

export const DEFAULT_TRAIN_CONFIG: TrainConfig = {
  model: DEFAULT_MODEL,
  inputSize: 128,
  channels: 1,
  epochs: DEFAULT_EPOCHS,
  batchSize: 32,
  learningRate: 2e-3,
  valFraction: 0.15,
  seed: 42,
  patience: 0,
  classWeights: false,
  labelSmoothing: 0.05,
  augment: defaultAugmentFor('equalize-head'),
  weightDecay: 0.05,
  schedule: 'warmup-cosine',
  warmupEpochs: 1,
  ema: 0.998,
  intensity: 'equalize-head',
};

/**
 * What a setting absent from a SAVED config (metadata.json of a run made before the setting existed) means: the
 * behaviour of that time, so an old run resumes exactly as it started, not with today's defaults.
 */
export const SAVED_CONFIG_FALLBACK: Partial<TrainConfig> = {
  weightDecay: 0, schedule: 'cosine-epochs', warmupEpochs: 0, ema: 0, intensity: 'none',
};

export class ConfigError extends Error {}

type Range = [number, number];
const NUMBER_RANGES: Partial<Record<keyof TrainConfig, { range: Range; integer: boolean }>> = {
  inputSize: { range: [32, 512], integer: true },
  epochs: { range: [1, 1000], integer: true },
  batchSize: { range: [1, 1024], integer: true },
  learningRate: { range: [1e-6, 1], integer: false },
  valFraction: { range: [0.01, 0.5], integer: false },
  seed: { range: [0, 2 ** 31 - 1], integer: true },
  patience: { range: [0, 1000], integer: true },
  labelSmoothing: { range: [0, 0.5], integer: false },
  weightDecay: { range: [0, 1], integer: false },
  warmupEpochs: { range: [0, 100], integer: false },
  ema: { range: [0, 0.99999], integer: false },
};
const AUGMENT_RANGES: Record<Exclude<keyof AugmentSettings, 'flip'>, Range> = {
  rotateDeg: [0, 45], zoom: [0, 0.5], shift: [0, 0.5], brightness: [0, 0.5], contrast: [0, 0.9],
  gamma: [0, 1.5], scale: [0, 0.9], noise: [0, 0.3], blur: [0, 4], lowRes: [0, 0.8], biasField: [0, 1], equalize: [0, 1], remap: [0, 1], jpeg: [0, 1], randConv: [0, 1],
};

function checkNumber(name: string, v: unknown, [lo, hi]: Range, integer: boolean): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi || (integer && !Number.isInteger(v))) {
    throw new ConfigError(integer ? l10n.t('{0} must be an integer from {1} to {2}; got {3}', name, String(lo), String(hi), String(JSON.stringify(v)))
      : l10n.t('{0} must be a number from {1} to {2}; got {3}', name, String(lo), String(hi), String(JSON.stringify(v))));
  }
  return v;
}

/**
 * Defaults filled in and every field checked; unknown fields are errors (a typo must not pass silently).
 * `saved`: the config comes from a run's metadata.json, so a setting it lacks predates that setting and takes
 * its old behaviour (SAVED_CONFIG_FALLBACK), not today's default.
 */
export function resolveTrainConfig(raw: unknown, { saved = false }: { saved?: boolean } = {}): TrainConfig {
  if (raw !== undefined && (raw === null || typeof raw !== 'object' || Array.isArray(raw))) {
    throw new ConfigError(l10n.t('config must be an object; got {0}', String(JSON.stringify(raw))));
  }
  const o = (raw ?? {}) as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    // Own properties only: `in` would accept inherited names such as constructor or toString.
    if (!Object.hasOwn(DEFAULT_TRAIN_CONFIG, k)) throw new ConfigError(l10n.t('unknown setting "{0}"; known: {1}', k, Object.keys(DEFAULT_TRAIN_CONFIG).join(', ')));
  }
  const out: TrainConfig = { ...DEFAULT_TRAIN_CONFIG, ...(saved ? SAVED_CONFIG_FALLBACK : {}), augment: { ...DEFAULT_TRAIN_CONFIG.augment } };
  if (o.schedule !== undefined) {
    if (!(LR_SCHEDULES as readonly unknown[]).includes(o.schedule)) {
      throw new ConfigError(l10n.t('{0} must be one of {1}; got {2}', 'schedule', LR_SCHEDULES.join(', '), String(JSON.stringify(o.schedule))));
    }
    out.schedule = o.schedule as TrainConfig['schedule'];
  }
  if (o.intensity !== undefined) {
    if (!(INTENSITY_STEPS as readonly unknown[]).includes(o.intensity)) {
      throw new ConfigError(l10n.t('{0} must be one of {1}; got {2}', 'intensity', INTENSITY_STEPS.join(', '), String(JSON.stringify(o.intensity))));
    }
    out.intensity = o.intensity as TrainConfig['intensity'];
  }
  if (o.model !== undefined) {
    if (!(MODEL_NAMES as readonly unknown[]).includes(o.model)) throw new ConfigError(l10n.t('{0} must be one of {1}; got {2}', 'model', MODEL_NAMES.join(', '), String(JSON.stringify(o.model))));
    out.model = o.model as TrainConfig['model'];
  }
  if (o.channels !== undefined) {
    if (o.channels !== 1 && o.channels !== 3) throw new ConfigError(l10n.t('channels must be 1 (greyscale) or 3 (RGB); got {0}', String(JSON.stringify(o.channels))));
    out.channels = o.channels;
  }
  for (const [k, { range, integer }] of Object.entries(NUMBER_RANGES)) {
    if (o[k] !== undefined) (out as unknown as Record<string, number>)[k] = checkNumber(k, o[k], range, integer);
  }
  if (o.classWeights !== undefined) {
    if (typeof o.classWeights !== 'boolean') throw new ConfigError(l10n.t('{0} must be true or false; got {1}', 'classWeights', String(JSON.stringify(o.classWeights))));
    out.classWeights = o.classWeights;
  }
  // Saved configs always carry their augment object; one without predates the intensity augmentation.
  const base = saved ? { ...DEFAULT_AUGMENT, ...NO_INTENSITY } : defaultAugmentFor(out.intensity);
  out.augment = o.augment !== undefined ? resolveAugment(o.augment, base) : base;
  return out;
}

/** `false` turns augmentation off, `true` is the default (`base`); an object overrides `base` field by field. */
function resolveAugment(raw: unknown, base: AugmentSettings): AugmentSettings {
  if (raw === false) return { ...NO_AUGMENT };
  if (raw === true) return { ...base };
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError(l10n.t('augment must be an object or false; got {0}', String(JSON.stringify(raw))));
  const o = raw as Record<string, unknown>;
  const out = { ...base };
  for (const k of Object.keys(o)) {
    if (!Object.hasOwn(DEFAULT_AUGMENT, k)) throw new ConfigError(l10n.t('unknown augment setting "{0}"; known: {1}', k, Object.keys(DEFAULT_AUGMENT).join(', ')));
  }
  if (o.flip !== undefined) {
    if (typeof o.flip !== 'boolean') throw new ConfigError(l10n.t('{0} must be true or false; got {1}', 'augment.flip', String(JSON.stringify(o.flip))));
    out.flip = o.flip;
  }
  for (const [k, range] of Object.entries(AUGMENT_RANGES)) {
    if (o[k] !== undefined) (out as unknown as Record<string, number>)[k] = checkNumber(`augment.${k}`, o[k], range, false);
  }
  return out;
}
