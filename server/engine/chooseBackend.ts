/**
 * Picks the tfjs engine once, at start: the first of gpu, node, wasm, cpu that loads, beginning at the
 * one the user asked for. Pure logic over injected loaders, so the order and the kept reasons are unit-tested
 * without the native packages (which cannot even install on machines without a libtensorflow download).
 */
import * as l10n from '@vscode/l10n';
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

/** The engines' names, in English: for the log. */
export const BACKEND_LABELS: Record<BackendKind, string> = {
  gpu: 'tfjs-node-gpu (TensorFlow, CUDA)',
  node: 'tfjs-node (TensorFlow, CPU)',
  wasm: 'WebAssembly (XNNPACK)',
  cpu: 'plain JavaScript',
};

/** An engine's name as a person reads it (the product names stay; "plain JavaScript" is words). */
export function backendLabel(kind: BackendKind): string {
  return kind === 'cpu' ? l10n.t('plain JavaScript') : BACKEND_LABELS[kind];
}

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
  return msg.split('\n')[0]!.trim() || l10n.t('unknown error');
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
      attempts.push({ kind, ok: false, reason: l10n.t('not tried: {0} asks for {1}', pref.requestedBy, pref.requested), ms: 0 });
    }
  }
  // The engines whose package is absent: said in fewer words than a load failure.
  const notInstalled = new Set<BackendKind>();
  for (const kind of tryList) {
    const ta = now();
    try {
      const engine = await loaders[kind]();
      const ms = now() - ta;
      const reason = describeChoice(kind, engine, attempts.filter((a) => tryList.includes(a.kind)), notInstalled, pref);
      attempts.push({ kind, ok: true, reason: engine.note ? l10n.t('loaded; {0}', engine.note) : l10n.t('loaded'), ms });
      return {
        kind, tfBackend: engine.tfBackend, reason, requested: pref.requested, requestedBy: pref.requestedBy,
        threads: engine.threads, simd: engine.simd, attempts, initMs: now() - t0,
      };
    } catch (e) {
      const absent = e instanceof Error && e.message === NOT_INSTALLED;
      if (absent) notInstalled.add(kind);
      attempts.push({ kind, ok: false, reason: absent ? l10n.t('not installed') : errorText(e), ms: now() - ta });
    }
  }
  const why = attempts.filter((a) => !a.ok).map((a) => `${a.kind}: ${a.reason}`).join('; ');
  throw new Error(l10n.t('No TensorFlow.js backend could start ({0}).', why));
}

/** `failed`: the engines tried before this one (all failed); `notInstalled`: those of them whose package is absent. */
function describeChoice(kind: BackendKind, engine: LoadedEngine, failed: BackendAttempt[], notInstalled: ReadonlySet<BackendKind>,
  pref: ResolvedPreference): string {
  const parts: string[] = [];
  if (pref.requested !== 'auto' && pref.requested !== kind) {
    parts.push(l10n.t('{0} was requested ({1}) but could not start', pref.requested, pref.requestedBy));
  } else if (pref.requested !== 'auto') {
    parts.push(l10n.t('requested by {0}', pref.requestedBy));
  }
  for (const a of failed) {
    parts.push(notInstalled.has(a.kind) ? l10n.t('{0} not installed', BACKEND_PACKAGES[a.kind]) : l10n.t('{0} failed to load: {1}', BACKEND_PACKAGES[a.kind], a.reason));
  }
  parts.push(engine.note ? l10n.t('using {0} ({1})', backendLabel(kind), engine.note) : l10n.t('using {0}', backendLabel(kind)));
  return parts.join('; ');
}
