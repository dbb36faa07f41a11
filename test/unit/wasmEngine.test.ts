/**
 * The WASM engine with two threads (server/engine/wasmBackend.ts works around tfjs's Node restrictions):
 * it must compute the same numbers as the reference cpu backend.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { resolvePreference } from '../../server/engine/chooseBackend';
import { startEngine } from '../../server/engine/startEngine';

const WASM_DIR = path.resolve(__dirname, '../../../dist/wasm');

function convOnce(seed: number): Float32Array {
  return tf.tidy(() => {
    const x = tf.randomUniform<tf.Rank.R4>([2, 33, 31, 3], -1, 1, 'float32', seed);
    const w = tf.randomUniform<tf.Rank.R4>([3, 3, 3, 8], -1, 1, 'float32', seed + 1);
    const y = tf.relu(tf.conv2d(x, w, 1, 'same'));
    // Functional ops only: the bundle does not register tfjs's chained tensor methods.
    const flat = tf.reshape(y, [2, -1]);
    return tf.matMul(flat, flat, false, true).dataSync() as Float32Array;
  });
}

describe('wasm engine, two threads', () => {
  it('starts with 2 threads and SIMD, and matches the cpu backend', async () => {
    const info = await startEngine({ preference: resolvePreference({ flag: 'wasm' }), threads: 2, wasmDir: WASM_DIR });
    assert.equal(info.kind, 'wasm');
    assert.equal(info.threads, 2);
    assert.equal(info.simd, true);
    const before = tf.memory().numTensors;
    const onWasm = convOnce(7);
    assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
    await tf.setBackend('cpu');
    const onCpu = convOnce(7);
    assert.equal(onWasm.length, onCpu.length);
    for (let i = 0; i < onCpu.length; i++) {
      assert.ok(Math.abs(onWasm[i]! - onCpu[i]!) <= 1e-3 * Math.max(1, Math.abs(onCpu[i]!)), `element ${i}: ${onWasm[i]} vs ${onCpu[i]}`);
    }
  });

  it('reports missing WASM files as a clear reason, not a crash', async () => {
    await assert.rejects(
      startEngine({ preference: resolvePreference({ flag: 'wasm' }), threads: 1, wasmDir: '/nonexistent' }).then((b) => {
        if (b.kind !== 'wasm') throw new Error(b.attempts.find((a) => a.kind === 'wasm')!.reason);
        return b;
      }),
      /WASM files missing from \/nonexistent .*npm run build/,
    );
  });
});
