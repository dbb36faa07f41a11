/**
 * The registered gradient kernels (server/engine/gradientKernels.ts) against the cpu backend's own kernels:
 * conv2d, depthwise conv2d and max-pool gradients for several shapes, strides 1 to 3, 'same' and 'valid',
 * on the cpu backend with the fast kernels and on the wasm backend with two threads.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { resolvePreference } from '../../server/engine/chooseBackend';
import { registerGradientKernels } from '../../server/engine/gradientKernels';
import { startEngine } from '../../server/engine/startEngine';

const WASM_DIR = path.resolve(__dirname, '../../../dist/wasm');

interface Case { name: string; run: () => tf.Tensor[] }

const rnd = (shape: number[], seed: number) => tf.randomUniform(shape, -1, 1, 'float32', seed);

/** Gradients of a convolution (plain or depthwise) for x and the filter, with a random upstream gradient. */
function convCase(x: number[], k: number[], stride: number, pad: 'same' | 'valid', depthwise = false): Case {
  const op = (a: tf.Tensor, b: tf.Tensor) => (depthwise ? tf.depthwiseConv2d : tf.conv2d)(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad);
  return {
    name: `${depthwise ? 'depthwise' : 'conv2d'} x${x.join('x')} k${k.join('x')} s${stride} ${pad}`,
    run: () => {
      const xs = rnd(x, 1), w = rnd(k, 2);
      const dy = rnd(op(xs, w).shape, 3);
      return tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(op(a, b), dy)))([xs, w]);
    },
  };
}

function poolCase(x: number[], size: number, stride: number, pad: 'same' | 'valid'): Case {
  return {
    name: `maxPool x${x.join('x')} p${size} s${stride} ${pad}`,
    run: () => {
      // Pooling after a ReLU, as in the models. Windows of tied zeros then pass no gradient on, whichever
      // position the kernel credits (the fast kernel credits all tied positions, cpu's the first).
      const xs = rnd(x, 7) as tf.Tensor4D;
      const out = tf.maxPool(tf.relu(xs), size, stride, pad);
      const dy = rnd(out.shape, 8);
      return [tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(tf.relu(a as tf.Tensor4D), size, stride, pad), dy)))(xs)];
    },
  };
}

/** A forward op whose wasm kernel is replaced (matMul with transposes, tile, sum and mean). */
function opCase(name: string, shapes: number[][], op: (...xs: tf.Tensor[]) => tf.Tensor): Case {
  return { name, run: () => [op(...shapes.map((s, i) => rnd(s, 11 + i)))] };
}

const CASES: Case[] = [
  ...[1, 2, 3].flatMap((s) => (['same', 'valid'] as const).map((p) => convCase([2, 11, 9, 3], [3, 3, 3, 4], s, p))),
  convCase([1, 16, 16, 2], [5, 5, 2, 3], 2, 'same'),
  convCase([3, 8, 8, 4], [1, 1, 4, 5], 1, 'valid'),
  convCase([2, 13, 13, 1], [4, 4, 1, 2], 3, 'same'),
  // Stride 1 with kh*kw*ci <= 32: the filter gradient as an im2col matmul (a first layer); above: the conv.
  convCase([2, 12, 10, 1], [3, 3, 1, 5], 1, 'valid'),
  convCase([2, 12, 10, 1], [3, 3, 1, 5], 1, 'same'),
  convCase([2, 8, 8, 5], [3, 3, 5, 3], 1, 'same'),
  convCase([2, 5, 6, 40], [1, 1, 40, 3], 1, 'same'), // 1x1 kernels always take the matmul
  ...[1, 2, 3].flatMap((s) => (['same', 'valid'] as const).map((p) => convCase([2, 10, 9, 3], [3, 3, 3, 1], s, p, true))),
  convCase([2, 3, 3, 4], [3, 3, 4, 1], 1, 'valid', true), // depthwise, a 1x1 output per image
  convCase([3, 12, 11, 6], [5, 5, 6, 1], 1, 'same', true),
  poolCase([2, 8, 12, 3], 2, 2, 'valid'),
  poolCase([2, 8, 12, 3], 2, 2, 'same'),
  poolCase([1, 9, 9, 2], 3, 3, 'valid'),
  poolCase([1, 9, 9, 2], 3, 2, 'valid'), // overlapping windows: the original kernel's path
  poolCase([2, 9, 7, 3], 2, 2, 'valid'), // odd sizes: the last row and column get no gradient
  poolCase([1, 9, 9, 2], 3, 3, 'same'), // 'same' on sizes the stride does not divide: the original kernel
  ...([[false, false], [true, false], [false, true], [true, true]] as const).flatMap(([ta, tb]) => [
    opCase(`matMul 2d tA=${ta} tB=${tb}`, [ta ? [7, 5] : [5, 7], tb ? [6, 7] : [7, 6]], (a, b) => tf.matMul(a, b, ta, tb)),
    opCase(`matMul 2d wide tA=${ta} tB=${tb}`, [ta ? [3, 40] : [40, 3], tb ? [50, 3] : [3, 50]], (a, b) => tf.matMul(a, b, ta, tb)),
    opCase(`matMul 3d tA=${ta} tB=${tb}`, [ta ? [2, 7, 5] : [2, 5, 7], tb ? [2, 6, 7] : [2, 7, 6]], (a, b) => tf.matMul(a, b, ta, tb)),
  ]),
  // Shapes where transposing the result and the other operand moves fewer elements (the second form).
  opCase('matMul tall tA', [[100, 3], [100, 2]], (a, b) => tf.matMul(a, b, true, false)),
  opCase('matMul tall tB', [[2, 100], [3, 100]], (a, b) => tf.matMul(a, b, false, true)),
  opCase('matMul tall tA 3d', [[2, 100, 3], [2, 100, 2]], (a, b) => tf.matMul(a, b, true, false)),
  opCase('tile broadcast', [[1, 1, 1, 5]], (x) => tf.tile(x, [2, 3, 4, 1])),
  opCase('tile broadcast inner', [[2, 1, 3]], (x) => tf.tile(x, [1, 4, 1])),
  opCase('tile general', [[2, 3]], (x) => tf.tile(x, [2, 2])), // the original kernel
  opCase('slice contiguous rows', [[5, 4, 3, 2]], (x) => tf.slice(x, [1, 0, 0, 0], [3, -1, -1, -1])),
  opCase('slice strided 4d', [[5, 4, 3, 2]], (x) => tf.slice(x, [1, 1, 0, 1], [3, 2, 3, 1])),
  opCase('slice strided 2d', [[6, 7]], (x) => tf.slice(x, [2, 3], [3, 4])),
  opCase('slice 1d', [[9]], (x) => tf.slice(x, [4], [3])),
  opCase('slice 5d', [[2, 3, 4, 3, 2]], (x) => tf.slice(x, [1, 1, 1, 0, 1], [1, 2, 3, 3, 1])),
  opCase('slice empty', [[4, 3]], (x) => tf.slice(x, [1, 0], [0, 3])),
  opCase('slice to a scalar shape', [[4, 3]], (x) => tf.reshape(tf.slice(x, [2, 1], [1, 1]), [])),
  // Identity and same-dtype Cast share the input's data: the result must outlive the input.
  opCase('clone outlives its input', [[3, 4]], (x) => { const t = tf.add(x, 1), y = tf.clone(t); t.dispose(); return y; }),
  opCase('cast to the same dtype, then to int32', [[3, 4]], (x) => tf.cast(tf.cast(tf.mul(tf.cast(x, 'float32'), 10), 'int32'), 'float32')),
  opCase('sum over N, H, W', [[3, 5, 7, 4]], (x) => tf.sum(x, [0, 1, 2])),
  opCase('sum over N, H, W keepDims', [[3, 5, 7, 4]], (x) => tf.sum(x, [2, 0, 1], true)),
  opCase('mean over N, H, W', [[3, 5, 7, 4]], (x) => tf.mean(x, [0, 1, 2])),
  opCase('mean over N, H, W keepDims', [[3, 5, 7, 4]], (x) => tf.mean(x, [0, 1, 2], true)),
  opCase('sum over H, W', [[3, 5, 7, 4]], (x) => tf.sum(x, [1, 2])), // the original kernel
  opCase('sum over 1x1 images', [[3, 1, 1, 4]], (x) => tf.sum(x, [0, 1, 2])), // the original kernel
];

function compute(): Float32Array[][] {
  return CASES.map((c) => tf.tidy(() => c.run().map((t) => t.dataSync() as Float32Array)));
}

function assertClose(name: string, got: Float32Array[], want: Float32Array[]): void {
  assert.equal(got.length, want.length, name);
  got.forEach((g, k) => {
    const w = want[k]!;
    assert.equal(g.length, w.length, `${name}: gradient ${k} size`);
    const scale = Math.max(1, ...Array.from(w, Math.abs));
    for (let i = 0; i < w.length; i++) {
      if (Math.abs(g[i]! - w[i]!) > 1e-4 * scale) assert.fail(`${name}: gradient ${k}[${i}] = ${g[i]}, cpu reference ${w[i]}`);
    }
  });
}

let reference: Float32Array[][];

before(async () => {
  // The reference: the cpu backend with its own kernels, before any are replaced.
  await tf.setBackend('cpu');
  reference = compute();
});

describe('gradient kernels', () => {
  it('on cpu (fast filter gradients) match cpu\'s own kernels', async () => {
    assert.deepEqual(registerGradientKernels('cpu'), ['Conv2DBackpropFilter', 'DepthwiseConv2dNativeBackpropFilter']);
    await tf.setBackend('cpu');
    compute().forEach((got, i) => assertClose(`cpu ${CASES[i]!.name}`, got, reference[i]!));
  });

  it('on wasm with two threads match cpu\'s own kernels, and leak no tensors', async () => {
    const info = await startEngine({ preference: resolvePreference({ flag: 'wasm' }), threads: 2, wasmDir: WASM_DIR });
    assert.equal(info.kind, 'wasm');
    const before = tf.memory().numTensors;
    compute().forEach((got, i) => assertClose(`wasm ${CASES[i]!.name}`, got, reference[i]!));
    assert.equal(tf.memory().numTensors, before);
    // Registering again changes nothing (idempotent).
    registerGradientKernels('wasm');
    assertClose('wasm again', compute()[0]!, reference[0]!);
  });
});
