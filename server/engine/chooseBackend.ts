/**
 * Picks the tfjs engine once, at start: the first of gpu, node, wasm, cpu that loads, beginning at the
 * one the user asked for. Pure logic over injected loaders, so the order and the kept reasons are unit-tested
 * without the native packages (which cannot even install on machines without a libtensorflow download).
 */
import type { BackendAttempt, BackendInfo, BackendKind, BackendPreference, PreferenceSource } from '../protocol';
import { BACKEND_KINDS, isBackendPreference } from '../protocol';

/** What a loader reports once its engine is active. */
export interface LoadedEngine {
  tfBackend: string;
  threads: number;
  simd: boolean | null;
  /** Extra words for the reason, e.g. "no CUDA device found, TensorFlow computes on the CPU". */
  note?: string;
}

/** Loads and activates one engine, or throws with a reason a user can act on. */
export type EngineLoader = () => Promise<LoadedEngine>;
export type EngineLoaders = Record<BackendKind, EngineLoader>;

/** The reason a native engine gives when its package is simply absent (its install needs a download). */
export const NOT_INSTALLED = 'not installed';

/** npm package names, as users install them. */
export const BACKEND_PACKAGES: Record<BackendKind, string> = {
  gpu: '@tensorflow/tfjs-node-gpu', node: '@tensorflow/tfjs-node', wasm: '@tensorflow/tfjs-backend-wasm', cpu: '@tensorflow/tfjs-backend-cpu',
};

export const BACKEND_LABELS: Record<BackendKind, string> = {
  gpu: 'tfjs-node-gpu (TensorFlow, CUDA)',
  node: 'tfjs-node (TensorFlow, CPU)',
  wasm: 'WebAssembly (XNNPACK)',
  cpu: 'plain JavaScript',
};

export interface ResolvedPreference {
  requested: BackendPreference;
  requestedBy: PreferenceSource;
  /** Set when a value was present but invalid: it was ignored, and this says so. */
  warning?: string;
}

/**
 * The preference in force: a CLI flag beats the environment, which beats the setting.
 * An invalid value is ignored with a warning rather than stopping the backend.
 */
export function resolvePreference(sources: { flag?: unknown; env?: unknown; setting?: unknown }): ResolvedPreference {
  const warnings: string[] = [];
  const order: [PreferenceSource, unknown, string][] = [
    ['flag', sources.flag, '--backend'],
    ['env', sources.env, 'BRAIN_TUMOR_BACKEND'],
    ['setting', sources.setting, 'brainTumor.backend'],
  ];
  for (const [source, value, name] of order) {
    if (value === undefined || value === null || value === '') continue;
    const v = typeof value === 'string' ? value.trim().toLowerCase() : value;
    if (isBackendPreference(v)) {
      return { requested: v, requestedBy: source, ...(warnings.length ? { warning: warnings.join(' ') } : {}) };
    }
    warnings.push(`Ignored ${name}=${JSON.stringify(value)}: expected one of auto, gpu, node, wasm, cpu.`);
  }
  return { requested: 'auto', requestedBy: 'default', ...(warnings.length ? { warning: warnings.join(' ') } : {}) };
}

/** Engines to try, best first. A forced engine that fails still falls back, and the reason says so. */
export function candidates(pref: BackendPreference): BackendKind[] {
  const start = pref === 'auto' ? 0 : BACKEND_KINDS.indexOf(pref);
  return BACKEND_KINDS.slice(start);
}

function errorText(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  // Native load errors can span many lines (dlopen paths, stacks): the first line carries the cause.
  return msg.split('\n')[0]!.trim() || 'unknown error';
}

export async function chooseBackend(
  pref: ResolvedPreference,
  loaders: EngineLoaders,
  now: () => number = () => performance.now(),
): Promise<BackendInfo> {
  const t0 = now();
  const attempts: BackendAttempt[] = [];
  const tryList = candidates(pref.requested);
  for (const kind of BACKEND_KINDS) {
    if (!tryList.includes(kind)) {
      attempts.push({ kind, ok: false, reason: `not tried: ${pref.requestedBy} asks for ${pref.requested}`, ms: 0 });
    }
  }
  for (const kind of tryList) {
    const ta = now();
    try {
      const engine = await loaders[kind]();
      const ms = now() - ta;
      const reason = describeChoice(kind, engine, attempts, pref);
      attempts.push({ kind, ok: true, reason: engine.note ? `loaded; ${engine.note}` : 'loaded', ms });
      return {
        kind, tfBackend: engine.tfBackend, reason, requested: pref.requested, requestedBy: pref.requestedBy,
        threads: engine.threads, simd: engine.simd, attempts, initMs: now() - t0,
      };
    } catch (e) {
      attempts.push({ kind, ok: false, reason: errorText(e), ms: now() - ta });
    }
  }
  const why = attempts.filter((a) => !a.ok).map((a) => `${a.kind}: ${a.reason}`).join('; ');
  throw new Error(`No TensorFlow.js backend could start (${why}).`);
}

function describeChoice(kind: BackendKind, engine: LoadedEngine, before: BackendAttempt[], pref: ResolvedPreference): string {
  const failed = before.filter((a) => !a.reason.startsWith('not tried'));
  const parts: string[] = [];
  if (pref.requested !== 'auto' && pref.requested !== kind) {
    parts.push(`${pref.requested} was requested (${pref.requestedBy}) but could not start`);
  } else if (pref.requested !== 'auto') {
    parts.push(`requested by ${pref.requestedBy}`);
  }
  for (const a of failed) {
    parts.push(a.reason === NOT_INSTALLED ? `${BACKEND_PACKAGES[a.kind]} not installed` : `${BACKEND_PACKAGES[a.kind]} failed to load: ${a.reason}`);
  }
  parts.push(`using ${BACKEND_LABELS[kind]}${engine.note ? ` (${engine.note})` : ''}`);
  return parts.join('; ');
}
