/**
 * Gradient kernels that let tfjs TRAIN convolutional networks on the WASM backend, and fast versions for the
 * cpu backend, registered through tfjs's public `registerKernel` API.
 *
 * Why this exists: tfjs-backend-wasm 4.22 registers no Conv2DBackpropFilter, DepthwiseConv2dNativeBackpropFilter
 * or DepthwiseConv2dNativeBackpropInput (upstream issue 8474), so `model.fit` of any conv net fails there; its
 * Conv2DBackpropInput and MaxPoolGrad are scalar loops. The pure-JS cpu backend has them, but its
 * Conv2DBackpropFilter takes minutes per batch. Every gradient here is rewritten as FORWARD ops that the
 * backend runs fast (XNNPACK convolutions on wasm):
 *  - Conv2DBackpropFilter as one conv2d: input = padded x transposed to [ci, H, W, batch], filter = dy transposed
 *    to [oh, ow, batch, co], dilation = the forward stride; the result [ci, kh, kw, co] transposed to
 *    [kh, kw, ci, co].
 *  - Conv2DBackpropInput as a conv2d of zero-dilated, padded dy with the filter rotated 180 degrees (in/out
 *    channels swapped); depthwise likewise with depthwiseConv2d.
 *  - MaxPoolGrad (non-overlapping windows) as a broadcast upsampling and a mask from Sub and Step.
 * On wasm a few forward kernels that training leans on are replaced too, where the stock one is a scalar loop
 * and XNNPACK can do the same work: BatchMatMul with transposed operands (Dense gradients), Tile as a
 * broadcast (batch-norm gradients), Sum and Mean over N, H and W (bias and batch-norm gradients); and Slice,
 * Identity and same-dtype Cast, which copy far more than needed there.
 * Each is checked against the cpu backend's own kernels in test/unit/gradientKernels.test.ts. The module has no
 * dependency on the rest of the product, so it can go upstream as it is.
 *
 * Note: a kernel function must return the Tensor it computed (made inside tf.tidy); the engine keeps a returned
 * Tensor as it is, while a bare TensorInfo would be freed together with its Tensor.
 */
import * as tf from '@tensorflow/tfjs-core';
import { batchMatMul, reduceToChannels, shareData, slice, tile } from './forwardKernels';

type Pair = [number, number];
const pair = (v: number | number[] | undefined): Pair => (v === undefined ? [1, 1] : Array.isArray(v) ? [v[0]!, v[1] ?? v[0]!] : [v, v]);
type Pad = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
type Rounding = 'floor' | 'round' | 'ceil' | undefined;

export interface Args {
  inputs: Record<string, tf.TensorInfo>;
  attrs?: Record<string, unknown>;
  backend: unknown;
}
export type KernelImpl = (args: Args) => tf.TensorInfo;

const T = (t: tf.TensorInfo) => t as tf.Tensor4D;

/** Inserts (s - 1) zeros between the spatial elements of dy (for strided backprop-input). */
function dilateZeros(dy: tf.Tensor4D, sh: number, sw: number): tf.Tensor4D {
  if (sh === 1 && sw === 1) return dy;
  const [b, h, w, c] = dy.shape;
  const padded = tf.pad(tf.reshape(dy, [b, h, 1, w, 1, c]), [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]]);
  return tf.slice(tf.reshape<tf.Rank.R4>(padded, [b, h * sh, w * sw, c]), [0, 0, 0, 0], [b, (h - 1) * sh + 1, (w - 1) * sw + 1, c]);
}

/** Pads (or, for negative amounts, crops) so that a 'valid' correlation with the rotated kernel gives inputShape. */
function padOrCrop(t: tf.Tensor4D, top: number, bottom: number, left: number, right: number): tf.Tensor4D {
  const crop = [Math.max(0, -top), Math.max(0, -left), Math.max(0, -bottom), Math.max(0, -right)] as const;
  let out = t;
  if (crop.some((v) => v)) {
    out = tf.slice(out, [0, crop[0], crop[1], 0], [-1, out.shape[1] - crop[0] - crop[2], out.shape[2] - crop[1] - crop[3], -1]);
  }
  const p = [Math.max(0, top), Math.max(0, bottom), Math.max(0, left), Math.max(0, right)] as const;
  return p.some((v) => v) ? tf.pad(out, [[0, 0], [p[0], p[1]], [p[2], p[3]], [0, 0]]) : out;
}

/** x padded as the forward pass padded it, cut to the rows and columns the forward pass actually read. */
function paddedInput(x: tf.Tensor4D, info: tf.backend_util.Conv2DInfo, kh: number, kw: number, sh: number, sw: number, dh: number, dw: number): tf.Tensor4D {
  const { top, bottom, left, right } = info.padInfo;
  let xp = top || bottom || left || right ? tf.pad(x, [[0, 0], [top, bottom], [left, right], [0, 0]]) : x;
  const needH = (info.outHeight - 1) * sh + (kh - 1) * dh + 1;
  const needW = (info.outWidth - 1) * sw + (kw - 1) * dw + 1;
  if (needH < xp.shape[1] || needW < xp.shape[2]) xp = tf.slice(xp, [0, 0, 0, 0], [-1, Math.min(needH, xp.shape[1]), Math.min(needW, xp.shape[2]), -1]);
  return xp;
}

/** Largest kh*kw*ci (besides 1x1 kernels) for which Conv2DBackpropFilter uses the matmul (9 wins; 288 does not). */
const IM2COL_MAX_ROWS = 32;

export const conv2dBackpropFilter: KernelImpl = ({ inputs, attrs }) => {
  const x = T(inputs.x!), dy = T(inputs.dy!);
  const filterShape = attrs!.filterShape as [number, number, number, number];
  const [sh, sw] = pair(attrs!.strides as number[]);
  const [dh, dw] = pair(attrs!.dilations as number[] | undefined);
  if (dh !== 1 || dw !== 1) throw new Error('Conv2DBackpropFilter: dilated convolutions are not supported');
  const info = tf.backend_util.computeConv2DInfo(x.shape, filterShape, [sh, sw], 1, attrs!.pad as Pad, attrs!.dimRoundingMode as Rounding, false, 'channelsLast');
  const [kh, kw, ci, co] = filterShape;
  return tf.tidy(() => {
    const xp = paddedInput(x, info, kh, kw, sh, sw, 1, 1);
    if (sh === 1 && sw === 1 && (kh * kw === 1 || kh * kw * ci <= IM2COL_MAX_ROWS)) {
      // A 1x1 kernel, or few input channels (a first layer): one matmul over the P = b*oh*ow output pixels,
      // dW^T [co, kh*kw*ci] = dy^T [co, P] x cols [P, kh*kw*ci]. XNNPACK packs a matmul's second operand on
      // every call (about 6 ns per element, the cost that dominates the conv form below), so the big dy is the
      // first operand, transposed in 2D (about 1 ns per element), and only the small cols are packed. Measured
      // on the seed CNN's first layer (fresh dy, as in training): 107 ms with dy packed, 58 ms this way.
      const [b, , , c] = xp.shape;
      const P = b * info.outHeight * info.outWidth;
      let cols: tf.Tensor2D;
      if (kh * kw === 1) {
        cols = tf.reshape(xp, [P, c]);
      } else {
        // Rows ordered (kh, kw, ci), each a shifted crop of x over (b, oh, ow): cheap contiguous-run copies.
        const xt = c === 1 ? tf.reshape<tf.Rank.R4>(xp, [1, b, xp.shape[1], xp.shape[2]]) : tf.transpose(xp, [3, 0, 1, 2]);
        const rows: tf.Tensor2D[] = [];
        for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) rows.push(tf.reshape(tf.slice(xt, [0, 0, i, j], [c, b, info.outHeight, info.outWidth]), [c, P]));
        cols = tf.transpose(tf.concat(rows, 0));
      }
      return tf.reshape(tf.transpose(tf.matMul(tf.transpose(tf.reshape(dy, [P, co])), cols)), filterShape);
    }
    const out = tf.conv2d(tf.transpose(xp, [3, 1, 2, 0]), tf.transpose(dy, [1, 2, 0, 3]), 1, 'valid', 'NHWC', [sh, sw]);
    return tf.transpose(out, [1, 2, 0, 3]);
  });
};

export const depthwiseBackpropFilter: KernelImpl = ({ inputs, attrs }) => {
  const x = T(inputs.x!), dy = T(inputs.dy!);
  const filterShape = attrs!.filterShape as [number, number, number, number];
  const [kh, kw, , mult] = filterShape;
  if (mult !== 1) throw new Error('DepthwiseConv2dNativeBackpropFilter: channel multiplier > 1 is not supported');
  const [sh, sw] = pair(attrs!.strides as number[]);
  const [dh, dw] = pair(attrs!.dilations as number[] | undefined);
  const info = tf.backend_util.computeConv2DInfo(x.shape, filterShape, [sh, sw], [dh, dw], attrs!.pad as Pad, attrs!.dimRoundingMode as Rounding, true, 'channelsLast');
  return tf.tidy(() => {
    const xp = paddedInput(x, info, kh, kw, sh, sw, dh, dw);
    const [b, H, W, c] = xp.shape;
    // One depthwise conv over [1, H, W, c*b]: each (channel, example) pair is its own "channel".
    const xT = tf.reshape<tf.Rank.R4>(tf.transpose(xp, [1, 2, 3, 0]), [1, H, W, c * b]);
    const dyT = tf.reshape(tf.transpose(dy, [1, 2, 3, 0]), [dy.shape[1], dy.shape[2], c * b, 1]);
    const out = tf.depthwiseConv2d(xT, dyT as tf.Tensor4D, [dh, dw], 'valid', 'NHWC', [sh, sw]);
    return tf.reshape(tf.sum(tf.reshape(out, [kh, kw, c, b]), 3), [kh, kw, c, 1]);
  });
};

function backpropInputCommon(dy: tf.Tensor4D, filter: tf.Tensor4D, attrs: Record<string, unknown>, depthwise: boolean): tf.Tensor4D {
  const inputShape = attrs.inputShape as [number, number, number, number];
  const [sh, sw] = pair(attrs.strides as number[]);
  const [dh, dw] = pair(attrs.dilations as number[] | undefined);
  if (dh !== 1 || dw !== 1) throw new Error('backprop input: dilated convolutions are not supported');
  const [kh, kw] = filter.shape;
  const info = tf.backend_util.computeConv2DInfo(inputShape, filter.shape, [sh, sw], 1, attrs.pad as Pad, attrs.dimRoundingMode as Rounding, depthwise, 'channelsLast');
  const { top, left } = info.padInfo;
  return tf.tidy(() => {
    const d = dilateZeros(dy, sh, sw);
    const pt = kh - 1 - top, pl = kw - 1 - left;
    const pb = inputShape[1] + kh - 1 - d.shape[1] - pt, pr = inputShape[2] + kw - 1 - d.shape[2] - pl;
    const rotated = tf.reverse(filter, [0, 1]);
    // Crops here; the zero padding is the convolution's own (XNNPACK pads as it reads, no padded copy of dy).
    const src = padOrCrop(d, Math.min(0, pt), Math.min(0, pb), Math.min(0, pl), Math.min(0, pr));
    const pad: tf.backend_util.ExplicitPadding = [[0, 0], [Math.max(0, pt), Math.max(0, pb)], [Math.max(0, pl), Math.max(0, pr)], [0, 0]];
    return depthwise ? tf.depthwiseConv2d(src, rotated, 1, pad) : tf.conv2d(src, tf.transpose(rotated, [0, 1, 3, 2]), 1, pad);
  });
}

function conv2dBackpropInput(orig: tf.KernelConfig | undefined): KernelImpl {
  return (args) => {
    const { dataFormat, pad } = args.attrs as { dataFormat?: string; pad: unknown };
    if (orig && ((dataFormat && dataFormat !== 'NHWC') || typeof pad !== 'string')) return orig.kernelFunc(args as never) as tf.TensorInfo;
    return backpropInputCommon(T(args.inputs.dy!), T(args.inputs.filter!), args.attrs!, false);
  };
}

export const depthwiseBackpropInput: KernelImpl = ({ inputs, attrs }) => {
  const filter = T(inputs.filter!);
  if (filter.shape[3] !== 1) throw new Error('DepthwiseConv2dNativeBackpropInput: channel multiplier > 1 is not supported');
  return backpropInputCommon(T(inputs.dy!), filter, attrs!, true);
};

/**
 * Non-overlapping windows (pool size == stride; 'valid', or 'same' on sizes the stride divides) with XNNPACK
 * element-wise ops only: wasm's Equal, Select and ResizeNearestNeighbor are scalar loops (about 5 ns per
 * element, several times the cost of a Multiply), so the mask is built from Sub and Step. Anything else: the
 * original kernel.
 */
function maxPoolGrad(orig: tf.KernelConfig | undefined): KernelImpl {
  return (args) => {
    const { inputs, attrs } = args;
    const dy = T(inputs.dy!), input = T(inputs.input!), output = T(inputs.output!);
    const [fh, fw] = pair(attrs!.filterSize as number[]);
    const [sh, sw] = pair(attrs!.strides as number[]);
    const [b, H, W, c] = input.shape;
    const [, h, w] = output.shape;
    const fits = attrs!.pad === 'valid' || (attrs!.pad === 'same' && H % sh === 0 && W % sw === 0);
    const simple = fh === sh && fw === sw && fits && h * sh <= H && w * sw <= W && input.dtype === 'float32';
    if (!simple) {
      if (!orig) throw new Error('MaxPoolGrad: only non-overlapping windows are supported on this backend');
      return orig.kernelFunc(args as never) as tf.TensorInfo;
    }
    return tf.tidy(() => {
      // Repeat each pooled value over its window: a broadcasting Multiply (XNNPACK), padded with zeros up to
      // the input's size where a 'valid' pool dropped the last rows or columns (their gradient is zero).
      const ones = tf.ones([1, sh, 1, sw, 1]);
      const up = (t: tf.Tensor4D) => {
        const u = tf.reshape<tf.Rank.R4>(tf.mul(tf.reshape(t, [b * h, 1, w, 1, c]), ones), [b, h * sh, w * sw, c]);
        return h * sh === H && w * sw === W ? u : tf.pad(u, [[0, 0], [0, H - h * sh], [0, W - w * sw], [0, 0]]);
      };
      // step(max - x) is 0 exactly where x is its window's maximum, 1 elsewhere (x <= max; x < max implies
      // max - x > 0 in IEEE arithmetic). Ties all get the gradient; after a ReLU tied values are zeros, whose
      // gradient is zero anyway. In the padding, the gradient is 0 - 0 * step(...) = 0.
      const d = up(dy);
      return tf.sub(d, tf.mul(d, tf.step(tf.sub(up(output), input))));
    });
  };
}

const PATCHED = Symbol('brainTumorGradientKernel');

function setKernel(backendName: string, kernelName: string, make: (orig: tf.KernelConfig | undefined) => KernelImpl): void {
  const orig = tf.getKernelsForBackend(backendName).find((k) => k.kernelName === kernelName);
  if (orig && (orig as unknown as Record<symbol, boolean>)[PATCHED]) return;
  if (orig) tf.unregisterKernel(kernelName, backendName);
  const config = {
    kernelName, backendName, kernelFunc: make(orig) as unknown as tf.KernelFunc,
    ...(orig?.setupFunc ? { setupFunc: orig.setupFunc } : {}), [PATCHED]: true,
  };
  tf.registerKernel(config);
}

/**
 * Registers the kernels for `backendName`: on wasm the three missing ones plus fast Conv2DBackpropInput,
 * MaxPoolGrad, BatchMatMul, Tile, Sum, Mean, Slice, Identity and Cast; on cpu the fast filter gradients. Call before the backend is first used. Idempotent.
 */
export function registerGradientKernels(backendName: 'wasm' | 'cpu'): string[] {
  const done: string[] = [];
  const add = (name: string, make: (orig: tf.KernelConfig | undefined) => KernelImpl) => { setKernel(backendName, name, make); done.push(name); };
  add('Conv2DBackpropFilter', () => conv2dBackpropFilter);
  add('DepthwiseConv2dNativeBackpropFilter', () => depthwiseBackpropFilter);
  if (backendName === 'wasm') {
    add('DepthwiseConv2dNativeBackpropInput', () => depthwiseBackpropInput);
    add('Conv2DBackpropInput', conv2dBackpropInput);
    add('MaxPoolGrad', maxPoolGrad);
    add('BatchMatMul', batchMatMul);
    add('Tile', tile);
    add('Sum', (orig) => reduceToChannels(orig, false));
    add('Mean', (orig) => reduceToChannels(orig, true));
    add('Slice', slice);
    add('Identity', (orig) => shareData(orig, 'Identity'));
    add('Cast', (orig) => shareData(orig, 'Cast'));
  }
  return done;
}
