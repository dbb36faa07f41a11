import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { candidates, chooseBackend, resolvePreference, type EngineLoaders, type LoadedEngine } from '../../server/engine/chooseBackend';
import type { BackendKind } from '../../server/protocol';

const ok = (tfBackend: string, extra: Partial<LoadedEngine> = {}) => () => Promise.resolve({ tfBackend, threads: 2, simd: null, ...extra });
const fail = (msg: string) => () => Promise.reject(new Error(msg));

function loaders(over: Partial<EngineLoaders>, calls: BackendKind[] = []): EngineLoaders {
  const wrap = (k: BackendKind, f: EngineLoaders[BackendKind]) => () => { calls.push(k); return f(); };
  const base: EngineLoaders = {
    gpu: fail("Cannot find module '@tensorflow/tfjs-node-gpu'"),
    node: fail('The specified module could not be found.\n/path/tfjs_binding.node'),
    wasm: ok('wasm', { simd: true }),
    cpu: ok('cpu', { threads: 1 }),
  };
  const merged = { ...base, ...over };
  return { gpu: wrap('gpu', merged.gpu), node: wrap('node', merged.node), wasm: wrap('wasm', merged.wasm), cpu: wrap('cpu', merged.cpu) };
}

describe('resolvePreference', () => {
  it('defaults to auto', () => {
    assert.deepEqual(resolvePreference({}), { requested: 'auto', requestedBy: 'default' });
  });
  it('ranks flag over env over setting', () => {
    assert.equal(resolvePreference({ flag: 'cpu', env: 'wasm', setting: 'gpu' }).requestedBy, 'flag');
    assert.deepEqual(resolvePreference({ env: 'WASM ', setting: 'gpu' }), { requested: 'wasm', requestedBy: 'env' });
    assert.deepEqual(resolvePreference({ setting: 'node' }), { requested: 'node', requestedBy: 'setting' });
  });
  it('ignores an invalid value with a warning and falls through to the next source', () => {
    const r = resolvePreference({ env: 'tpu', setting: 'cpu' });
    assert.equal(r.requested, 'cpu');
    assert.equal(r.requestedBy, 'setting');
    assert.match(r.warning ?? '', /BRAIN_TUMOR_BACKEND="tpu".*auto, gpu, node, wasm, cpu/);
  });
});

describe('candidates', () => {
  it('tries every engine, best first, on auto', () => assert.deepEqual(candidates('auto'), ['gpu', 'node', 'wasm', 'cpu']));
  it('starts at the requested engine and keeps the slower ones as fallback', () => {
    assert.deepEqual(candidates('node'), ['node', 'wasm', 'cpu']);
    assert.deepEqual(candidates('cpu'), ['cpu']);
  });
});

describe('chooseBackend', () => {
  it('falls back from gpu and node to wasm, keeping each reason (first line only)', async () => {
    const calls: BackendKind[] = [];
    const b = await chooseBackend(resolvePreference({}), loaders({}, calls));
    assert.deepEqual(calls, ['gpu', 'node', 'wasm']);
    assert.equal(b.kind, 'wasm');
    assert.equal(b.simd, true);
    assert.deepEqual(b.attempts.map((a) => [a.kind, a.ok]), [['gpu', false], ['node', false], ['wasm', true]]);
    assert.equal(b.attempts[1]!.reason, 'The specified module could not be found.');
    assert.match(b.reason, /@tensorflow\/tfjs-node-gpu failed to load: Cannot find module/);
    assert.match(b.reason, /using WebAssembly/);
  });

  it('uses the gpu engine when it loads, and passes its note on', async () => {
    const calls: BackendKind[] = [];
    const b = await chooseBackend(resolvePreference({}), loaders({ gpu: ok('tensorflow', { note: 'no CUDA device found' }) }, calls));
    assert.deepEqual(calls, ['gpu']);
    assert.equal(b.kind, 'gpu');
    assert.equal(b.tfBackend, 'tensorflow');
    assert.match(b.reason, /no CUDA device found/);
  });

  it('does not try faster engines than the one requested, and says so', async () => {
    const calls: BackendKind[] = [];
    const b = await chooseBackend(resolvePreference({ setting: 'cpu' }), loaders({}, calls));
    assert.deepEqual(calls, ['cpu']);
    assert.equal(b.kind, 'cpu');
    assert.equal(b.requestedBy, 'setting');
    assert.match(b.attempts.find((a) => a.kind === 'gpu')!.reason, /not tried: setting asks for cpu/);
  });

  it('falls back when the requested engine fails, and the reason says it was requested', async () => {
    const b = await chooseBackend(resolvePreference({ env: 'node' }), loaders({}));
    assert.equal(b.kind, 'wasm');
    assert.match(b.reason, /^node was requested \(env\) but could not start/);
  });

  it('throws with every reason when nothing starts', async () => {
    await assert.rejects(
      chooseBackend(resolvePreference({}), loaders({ wasm: fail('wasm files missing'), cpu: fail('cpu broke') })),
      /No TensorFlow.js backend could start \(gpu: .*; node: .*; wasm: wasm files missing; cpu: cpu broke\)/,
    );
  });

  it('treats a loader that throws synchronously-looking non-Error values as unavailable', async () => {
    const b = await chooseBackend(resolvePreference({}),
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- native loaders can reject with anything
      loaders({ gpu: () => Promise.reject('plain string') }));
    assert.equal(b.attempts[0]!.reason, 'plain string');
  });
});
