/**
 * The command line parsed once for every command (node:util parseArgs, strict: an unknown flag is a usage error),
 * and the checks of flags that several commands share, so each says the same thing wherever it is given.
 */
import * as l10n from '@vscode/l10n';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { defaultCacheDir } from '../data/cacheDir';
import { resolveThreads } from '../backendServer';
import { BACKEND_KINDS, DEFAULT_UNCERTAINTY_THRESHOLD, ENV_THREADS, SLICE_ORIENTATIONS, type SliceOrientation } from '../protocol';
import { UsageError } from './exitCodes';

export interface Flags {
  backend?: string; threads?: string; json?: boolean; help?: boolean; version?: boolean; lang?: string;
  near?: string; cache?: string; 'no-cache'?: boolean;
  data?: string[]; runs?: string; resume?: string; model?: string; epochs?: string; batch?: string; size?: string; lr?: string;
  val?: string; seed?: string; patience?: string; 'class-weights'?: boolean; 'no-augment'?: boolean; 'label-smoothing'?: string;
  'weight-decay'?: string; warmup?: string; ema?: string; config?: string;
  tta?: boolean; 'no-calibrate'?: boolean; 'into-model'?: boolean; report?: string; split?: string; external?: string[]; perturb?: boolean;
  csv?: boolean; explain?: string; threshold?: string; out?: string; fraction?: string; quantize?: string;
  orientation?: string; 'all-slices'?: boolean;
}

export interface CommandLine { command: string | undefined; args: string[]; flags: Flags }

/** argv (without node and the script) to the command, its arguments and the flags; UsageError when malformed. */
export function parseCommandLine(argv: string[]): CommandLine {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        backend: { type: 'string' },
        threads: { type: 'string' },
        json: { type: 'boolean' },
        near: { type: 'string' },
        cache: { type: 'string' },
        'no-cache': { type: 'boolean' },
        data: { type: 'string', multiple: true }, runs: { type: 'string' }, resume: { type: 'string' }, model: { type: 'string' },
        epochs: { type: 'string' }, batch: { type: 'string' }, size: { type: 'string' }, lr: { type: 'string' },
        val: { type: 'string' }, seed: { type: 'string' }, patience: { type: 'string' }, 'label-smoothing': { type: 'string' },
        'weight-decay': { type: 'string' }, warmup: { type: 'string' }, ema: { type: 'string' }, config: { type: 'string' },
        'class-weights': { type: 'boolean' }, 'no-augment': { type: 'boolean' },
        tta: { type: 'boolean' }, 'no-calibrate': { type: 'boolean' }, 'into-model': { type: 'boolean' }, report: { type: 'string' }, split: { type: 'string' },
        external: { type: 'string', multiple: true }, perturb: { type: 'boolean' },
        csv: { type: 'boolean' }, explain: { type: 'string' }, threshold: { type: 'string' }, out: { type: 'string' }, fraction: { type: 'string' }, quantize: { type: 'string' },
        lang: { type: 'string' }, orientation: { type: 'string' }, 'all-slices': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
    // scan takes one folder, classify any number of paths, the others none.
    const max = positionals[0] === 'scan' ? 2 : positionals[0] === 'classify' ? Infinity : 1;
    if (positionals.length > max) throw new UsageError(l10n.t('unexpected argument "{0}"', positionals[max]!));
    return { command: positionals[0], args: positionals.slice(1), flags: values };
  } catch (e) {
    throw e instanceof UsageError ? e : new UsageError((e as Error).message);
  }
}

/** --threads, else the environment's count (an invalid one is ignored there), else 0: one per core. */
export function threadsFrom(flags: Flags): number {
  if (flags.threads === undefined) return resolveThreads(process.env[ENV_THREADS], undefined);
  const n = Number(flags.threads);
  if (!Number.isInteger(n) || n < 0 || n > 256) throw new UsageError(l10n.t('{0} must be an integer from {1} to {2}, got "{3}"', '--threads', '0', '256', flags.threads));
  return n;
}

/** A typo in --backend is a usage error here; resolvePreference would only warn and fall back to auto. */
export function checkBackendFlag(flags: Flags): void {
  if (flags.backend !== undefined && !['auto', ...BACKEND_KINDS].includes(flags.backend)) {
    throw new UsageError(l10n.t('{0} must be one of {1}; got "{2}"', '--backend', ['auto', ...BACKEND_KINDS].join(', '), flags.backend));
  }
}

/** The cache folder (--cache, else $BRAIN_TUMOR_CACHE or ~/.cache/brain-tumor); null with --no-cache. */
export function cacheDirFrom(flags: Flags): string | null {
  return flags['no-cache'] ? null : path.resolve(flags.cache ?? defaultCacheDir());
}

/** --threshold: calibrated confidence below it is "uncertain" (classify) or not "confident" (evaluate). */
export function thresholdFrom(flags: Flags): number {
  const threshold = flags.threshold === undefined ? DEFAULT_UNCERTAINTY_THRESHOLD : Number(flags.threshold);
  if (!(threshold >= 0 && threshold <= 1)) throw new UsageError(l10n.t('{0} must be a number from {1} to {2}, got "{3}"', '--threshold', '0', '1', String(flags.threshold)));
  return threshold;
}

/** --orientation: how volumes are sliced (default axial). */
export function orientationFrom(flags: Flags): SliceOrientation {
  const o = flags.orientation ?? 'axial';
  if (!SLICE_ORIENTATIONS.includes(o as SliceOrientation)) {
    throw new UsageError(l10n.t('{0} must be one of {1}; got "{2}"', '--orientation', SLICE_ORIENTATIONS.join(', '), o));
  }
  return o as SliceOrientation;
}
