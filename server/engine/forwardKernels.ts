/**
 * Forward kernels of the wasm backend replaced where the stock one is a scalar loop or copies far more than
 * needed and XNNPACK (or sharing the data) does the same work: BatchMatMul with transposed operands, Tile as a
 * broadcast, Sum and Mean over N, H and W, Slice, Identity and same-dtype Cast. Training leans on all of them
 * (Dense and batch-norm gradients). Registered by gradientKernels.ts; checked in test/unit/gradientKernels.test.ts.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Args, KernelImpl } from './gradientKernels';

/**
 * wasm's BatchMatMul runs a scalar loop when asked to transpose an operand (8 to 20 times slower than its
 * XNNPACK path, e.g. a Dense layer's weight gradient); transposing explicitly first is far cheaper. Of the
 * two equivalent forms (A^T B or (B^T A)^T, and so on), the one that moves fewer elements is used.
 */
export function batchMatMul(orig: tf.KernelConfig | undefined): KernelImpl {
  return (args) => {
    const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
    const a = args.inputs.a as tf.Tensor, b = args.inputs.b as tf.Tensor;
    if (!orig) throw new Error('BatchMatMul: the backend has no kernel to delegate to');
    if ((!transposeA && !transposeB) || a.rank > 3 || b.rank > 3 || a.rank !== b.rank) return orig.kernelFunc(args as never) as tf.TensorInfo;
    const tr = (t: tf.Tensor) => tf.transpose(t, t.rank === 3 ? [0, 2, 1] : [1, 0]);
    const outSize = (transposeA ? a.shape[a.rank - 1]! : a.shape[a.rank - 2]!) * (transposeB ? b.shape[b.rank - 2]! : b.shape[b.rank - 1]!) * (a.rank === 3 ? Math.max(a.shape[0], b.shape[0]) : 1);
    return tf.tidy(() => {
      if (transposeA && transposeB) return a.size + b.size <= outSize ? tf.matMul(tr(a), tr(b)) : tr(tf.matMul(b, a));
      if (transposeA) return a.size <= b.size + outSize ? tf.matMul(tr(a), b) : tr(tf.matMul(tr(b), a));
      return b.size <= a.size + outSize ? tf.matMul(a, tr(b)) : tr(tf.matMul(b, tr(a)));
    });
  };
}

/**
 * Tile on wasm is a scalar loop (0.6 s for a [1, 1, 1, 48] to [32, 64, 64, 48] broadcast, which tfjs-core's
 * batch-norm gradient does five times per layer). When every tiled axis has size 1 (a broadcast) it is a
 * Multiply by ones, which XNNPACK broadcasts; anything else: the original.
 */
export function tile(orig: tf.KernelConfig | undefined): KernelImpl {
  return (args) => {
    const x = args.inputs.x as tf.Tensor;
    const reps = args.attrs!.reps as number[];
    const broadcast = reps.length === x.rank && x.rank <= 6 && x.shape.every((d, i) => d === 1 || reps[i] === 1);
    if (!broadcast || x.dtype !== 'float32') {
      if (!orig) throw new Error('Tile: the backend has no kernel to delegate to');
      return orig.kernelFunc(args as never) as tf.TensorInfo;
    }
    return tf.tidy(() => tf.mul(x, tf.ones(reps)));
  };
}

/**
 * Sum (and Mean) over every axis but the channels of an NHWC tensor, the bias and batch-norm gradients: wasm
 * transposes the reduced axes inwards first (80 ms for [32, 126, 126, 32]); XNNPACK's average pooling over
 * the whole image reads the tensor once (4 ms). Then a small sum over the batch. Anything else: the original.
 */
export function reduceToChannels(orig: tf.KernelConfig | undefined, mean: boolean): KernelImpl {
  return (args) => {
    const x = args.inputs.x as tf.Tensor;
    const { axis, keepDims } = args.attrs as { axis: number | number[]; keepDims: boolean };
    const axes = tf.util.parseAxisParam(axis, x.shape).sort((p, q) => p - q);
    const spatial = x.rank === 4 ? x.shape[1]! * x.shape[2]! : 0;
    if (!(x.rank === 4 && x.dtype === 'float32' && axes.join() === '0,1,2' && spatial > 1)) {
      if (!orig) throw new Error('Sum/Mean: the backend has no kernel to delegate to');
      return orig.kernelFunc(args as never) as tf.TensorInfo;
    }
    return tf.tidy(() => {
      const [n, hh, ww, c] = x.shape as [number, number, number, number];
      const perImage = tf.reshape(tf.avgPool(x as tf.Tensor4D, [hh, ww], [hh, ww], 'valid'), [n, c]);
      const r = mean ? tf.mean(perImage, 0) : tf.mul(tf.sum(perImage, 0), spatial);
      return keepDims ? tf.reshape(r, [1, 1, 1, c]) : r;
    });
  };
}

/** The parts of tfjs-backend-wasm's BackendWasm (public methods of its class) that the copy-free kernels use. */
interface WasmMemory {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): tf.TypedArray;
  incRef(dataId: tf.TensorInfo['dataId']): void;
}
const delegate = (orig: tf.KernelConfig | undefined, args: Args, name: string): tf.TensorInfo => {
  if (!orig) throw new Error(`${name}: the backend has no kernel to delegate to`);
  return orig.kernelFunc(args as never) as tf.TensorInfo;
};

/**
 * Slice on wasm first copies the WHOLE input out of the wasm heap (readSync), then picks the slice: cutting one
 * row off a 64 MB tensor costs 300 ms. This copies only the slice, run by contiguous run, from heap views.
 */
export function slice(orig: tf.KernelConfig | undefined): KernelImpl {
  return (args) => {
    const x = args.inputs.x!;
    if (x.dtype === 'string') return delegate(orig, args, 'Slice');
    const backend = args.backend as WasmMemory;
    const [begin, size] = tf.slice_util.parseSliceParams(x, args.attrs!.begin as number[], args.attrs!.size as number[]) as [number[], number[]];
    const out = backend.makeOutput(size, x.dtype);
    const rank = x.shape.length;
    if (size.some((d) => d === 0)) return out;
    if (rank === 0) { backend.typedArrayFromHeap(out).set(backend.typedArrayFromHeap(x)); return out; }
    // Views made after makeOutput, which may have grown (and so replaced) the heap.
    const src = backend.typedArrayFromHeap(x), dst = backend.typedArrayFromHeap(out);
    const strides = [...tf.util.computeStrides(x.shape), 1];
    // Axes after k are taken whole, so each index over axes 0..k-1 is one contiguous run.
    let k = rank - 1;
    while (k > 0 && size[k] === x.shape[k]) k--;
    const run = size[k]! * strides[k]!;
    const idx = new Array<number>(k).fill(0);
    for (let o = 0; o < dst.length; o += run) {
      let off = begin[k]! * strides[k]!;
      for (let i = 0; i < k; i++) off += (begin[i]! + idx[i]!) * strides[i]!;
      dst.set(src.subarray(off, off + run), o);
      for (let i = k - 1; i >= 0 && ++idx[i]! === size[i]; i--) idx[i] = 0;
    }
    return out;
  };
}

/**
 * Identity, and Cast to the same dtype, copy the whole tensor on wasm (tfjs-layers and the ReLU gradient call
 * them on every activation). tfjs tensors are immutable, so, as the cpu backend does, share the data instead.
 */
export function shareData(orig: tf.KernelConfig | undefined, name: string): KernelImpl {
  return (args) => {
    const x = args.inputs.x!;
    const dtype = (args.attrs?.dtype as tf.DataType | undefined) ?? x.dtype;
    if (x.dtype === 'string' || dtype !== x.dtype) return delegate(orig, args, name);
    (args.backend as WasmMemory).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
}

