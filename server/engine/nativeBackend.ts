/**
 * The native TensorFlow engines, @tensorflow/tfjs-node-gpu and @tensorflow/tfjs-node. Both are optional
 * dependencies: their install script downloads libtensorflow, which fails on machines without that network
 * access and npm then drops the package. Loading them therefore fails in several ways (MODULE_NOT_FOUND,
 * "tfjs_binding.node can not be found", a missing libcudart.so.11.0): every one means "not available", with
 * the first line of the error kept as the reason.
 */
import * as l10n from '@vscode/l10n';
import * as os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { NOT_INSTALLED, type LoadedEngine } from './chooseBackend';
import { restoreLegacyUtilHelpers } from './nodeUtilShim';

const PACKAGES = { gpu: '@tensorflow/tfjs-node-gpu', node: '@tensorflow/tfjs-node' } as const;

/** Kept out of the bundle (esbuild.js marks both external): they carry a native binding. */
function requireNative(name: string): unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(name);
}

export async function loadNativeBackend(kind: 'gpu' | 'node'): Promise<LoadedEngine> {
  restoreLegacyUtilHelpers();
  const pkg = PACKAGES[kind];
  try {
    requireNative(pkg);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'MODULE_NOT_FOUND' && String((e as Error).message).includes(`'${pkg}'`)) {
      throw new Error(NOT_INSTALLED, { cause: e });
    }
    throw e;
  }
  if (!(await tf.setBackend('tensorflow'))) throw new Error(l10n.t('{0} loaded but its "tensorflow" backend did not initialise', pkg));
  await tf.ready();
  const be = tf.backend() as unknown as { isUsingGpuDevice?: boolean };
  const note = kind === 'gpu' && be.isUsingGpuDevice === false
    ? l10n.t('no CUDA device found: TensorFlow computes on the CPU')
    : undefined;
  return { tfBackend: 'tensorflow', threads: os.availableParallelism(), simd: null, ...(note ? { note } : {}) };
}
