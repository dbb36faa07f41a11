/**
 * The WebAssembly engine (XNNPACK, SIMD) with more than one thread under Node.
 *
 * tfjs-backend-wasm 4.22 hard-disables threads in Node (its WASM_HAS_MULTITHREAD_SUPPORT flag returns false
 * there) although emscripten's pthread workers run fine on worker_threads. Three things stand in the way,
 * each undone here:
 *  1. tfjs hands the worker script to `new Worker()` as a Blob URL, which Node cannot load. esbuild.js writes
 *     that script to dist/wasm/ as a real file (with the main script's Blob mapped to its file as well), and
 *     `URL.createObjectURL` returns that path for the worker Blob while the module initialises.
 *  2. The C++ side caps its pool at logical cores / 2 (it assumes SMT): `os.cpus()` reports twice the cores
 *     for the duration of the initialisation.
 *  3. The pthread workers keep Node alive after the work is done: they are `unref()`ed.
 * This depends on tfjs-backend-wasm 4.22.0's internals, so package.json pins that exact version.
 */
import * as l10n from '@vscode/l10n';
import * as fs from 'node:fs';
import type * as OsModule from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { LoadedEngine } from './chooseBackend';
import { registerGradientKernels } from './gradientKernels';

// The CommonJS module object, so that the cpus() override below reaches emscripten's own require('os').
// eslint-disable-next-line @typescript-eslint/no-require-imports
const os = require('node:os') as typeof OsModule;

/** Files esbuild.js copies or writes into dist/wasm/. */
export const WASM_FILES = [
  'tfjs-backend-wasm.wasm',
  'tfjs-backend-wasm-simd.wasm',
  'tfjs-backend-wasm-threaded-simd.wasm',
  'tfjs-backend-wasm-threaded-simd.js',
  'tfjs-backend-wasm-threaded-simd.worker.js',
] as const;
export const WORKER_FILE = 'tfjs-backend-wasm-threaded-simd.worker.js';

export interface WasmOptions {
  /** Folder holding WASM_FILES (dist/wasm beside the bundle). */
  wasmDir: string;
  /** Threads wanted; 0 = one per core. 1 = no workers at all. */
  threads: number;
}

interface PThreadPool { unusedWorkers: { unref?: () => void }[]; runningWorkers: { unref?: () => void }[] }

export async function loadWasmBackend(opts: WasmOptions): Promise<LoadedEngine> {
  const missing = WASM_FILES.filter((f) => !fs.existsSync(path.join(opts.wasmDir, f)));
  if (missing.length) {
    throw new Error(l10n.t('WASM files missing from {0} ({1}); rebuild with "npm run build".', opts.wasmDir, missing.join(', ')));
  }
  const cores = os.availableParallelism();
  const wanted = opts.threads > 0 ? opts.threads : cores;
  const threaded = wanted > 1;
  setWasmPaths(opts.wasmDir + path.sep);

  // Training needs gradient kernels the wasm backend lacks; register them before it initialises.
  registerGradientKernels('wasm');
  const realCreateObjectURL = URL.createObjectURL.bind(URL);
  const realCpus = os.cpus;
  if (threaded) {
    const workerPath = path.join(opts.wasmDir, WORKER_FILE);
    URL.createObjectURL = (obj: Blob) =>
      obj instanceof Blob && obj.type === 'application/javascript' ? workerPath : realCreateObjectURL(obj);
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
    setThreadsCount(wanted);
    os.cpus = () => {
      const c = realCpus.call(os);
      return Array.from({ length: Math.max(c.length, wanted) * 2 }, (_, i) => c[i % c.length]!);
    };
  }
  let ok: boolean;
  try {
    ok = await tf.setBackend('wasm');
    await tf.ready();
  } finally {
    os.cpus = realCpus;
    URL.createObjectURL = realCreateObjectURL;
  }
  if (!ok || tf.getBackend() !== 'wasm') throw new Error(l10n.t('tf.setBackend("wasm") failed (see the log for the WASM loader\'s message)'));

  const pool = (tf.backend() as unknown as { wasm?: { PThread?: PThreadPool } }).wasm?.PThread;
  if (pool) for (const w of [...pool.unusedWorkers, ...pool.runningWorkers]) w.unref?.();
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  return { tfBackend: 'wasm', threads: threaded ? getThreadsCount() : 1, simd: Boolean(simd) };
}
