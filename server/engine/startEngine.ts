/** The one place the process picks and starts its tfjs engine. Called once, by the server or the CLI. */
import * as l10n from '@vscode/l10n';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
// Gradients of every op: needed for training (tfjs-core alone registers none).
import '@tensorflow/tfjs-core/dist/register_all_gradients';
// Tensor methods (x.reshape(...)) that tfjs-layers calls.
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import { MathBackendCPU, version_cpu } from '@tensorflow/tfjs-backend-cpu';
import type { BackendInfo } from '../protocol';
import { chooseBackend, type ResolvedPreference } from './chooseBackend';
import { registerGradientKernels } from './gradientKernels';
import { loadNativeBackend } from './nativeBackend';
import { loadWasmBackend } from './wasmBackend';

export interface EngineOptions {
  preference: ResolvedPreference;
  threads: number;
  /** Defaults to dist/wasm next to the running bundle. */
  wasmDir?: string;
}

export function defaultWasmDir(): string {
  return path.join(__dirname, 'wasm');
}

/**
 * tfjs-backend-cpu registers itself (and its kernels) when its module loads, but its package.json declares it
 * free of side effects, so a bundler drops an import that uses none of its names. Naming MathBackendCPU here
 * keeps the module in every bundle that starts the engine; the registration is then only a fallback.
 */
function ensureCpuBackend(): void {
  if (!tf.findBackendFactory('cpu')) tf.registerBackend('cpu', () => new MathBackendCPU(), 1);
}

export async function startEngine(opts: EngineOptions): Promise<BackendInfo> {
  ensureCpuBackend();
  // The browser-only and debug chatter of tfjs has no place on a JSON-RPC channel.
  tf.env().set('PROD', true);
  return chooseBackend(opts.preference, {
    gpu: () => loadNativeBackend('gpu'),
    node: () => loadNativeBackend('node'),
    wasm: () => loadWasmBackend({ wasmDir: opts.wasmDir ?? defaultWasmDir(), threads: opts.threads }),
    cpu: async () => {
      registerGradientKernels('cpu'); // its own Conv2DBackpropFilter takes minutes per batch
      if (!(await tf.setBackend('cpu'))) throw new Error(l10n.t('the cpu backend did not initialise'));
      return { tfBackend: 'cpu', threads: 1, simd: null };
    },
  });
}

export function tfjsVersion(): string {
  // tfjs-core and its cpu backend are released together; a mismatch would mean two copies in the bundle.
  const core: string = tf.version_core;
  const cpu: string = version_cpu;
  return core === cpu ? core : `${core} (cpu backend ${cpu})`;
}

export function numTensors(): number {
  return tf.memory().numTensors;
}
