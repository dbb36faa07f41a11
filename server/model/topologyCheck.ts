/**
 * A model.json checked against its weights manifest BEFORE tfjs builds it. Building a layers model allocates every
 * weight its topology asks for (initialised, then overwritten by the file's values), so a model.json whose layers
 * claim, say, a 100000-unit dense layer over a small manifest would make the backend allocate gigabytes before the
 * mismatch shows. Here the layer shapes are inferred from the topology alone (plain arithmetic on the configs) and
 * every weight a layer will create must be in the manifest with exactly that shape; nothing else may be there.
 *
 * Only the layer types this product's models use are known; any other is refused (a model from elsewhere should be
 * converted and checked by whoever supplies it, not built blindly).
 */
import * as l10n from '@vscode/l10n';
import type * as tf from '@tensorflow/tfjs-core';

export class TopologyError extends Error {}

type Shape = number[]; // without the batch dimension
interface LayerJson { class_name: string; name: string; config: Record<string, unknown>; inbound_nodes: unknown[] }

/** Largest input side and channel count a model may take. */
const MAX_SIDE = 1024, MAX_CHANNELS = 4;

const PASS_THROUGH = new Set(['ReLU', 'Activation', 'Dropout', 'StepDropout', 'Softmax', 'LeakyReLU']);

function pair(v: unknown, what: string): [number, number] {
  const a = Array.isArray(v) ? v : [v, v];
  if (a.length !== 2 || !a.every((x) => Number.isInteger(x) && (x as number) > 0 && (x as number) <= MAX_SIDE)) throw new TopologyError(l10n.t('{0} must be two positive whole numbers, got {1}', what, String(JSON.stringify(v))));
  return a as [number, number];
}

function positive(v: unknown, what: string, max = 1 << 16): number {
  if (!Number.isInteger(v) || (v as number) <= 0 || (v as number) > max) throw new TopologyError(l10n.t('{0} must be a whole number from 1 to {1}, got {2}', what, String(max), String(JSON.stringify(v))));
  return v as number;
}

function spatial(inShape: Shape, kernel: [number, number], strides: [number, number], padding: unknown, dilation: [number, number] = [1, 1]): [number, number] {
  return [0, 1].map((i) => {
    const n = inShape[i]!, k = (kernel[i]! - 1) * dilation[i]! + 1, s = strides[i]!;
    const out = padding === 'same' ? Math.ceil(n / s) : Math.floor((n - k) / s) + 1;
    if (out < 1) throw new TopologyError(l10n.t('a {0} window does not fit a {1}-pixel side', kernel.join('x'), String(n)));
    return out;
  }) as [number, number];
}

function inboundNames(layer: LayerJson): string[] {
  const nodes = layer.inbound_nodes as unknown[][][];
  if (!Array.isArray(nodes)) return [];
  return nodes.flatMap((node) => (Array.isArray(node) ? node.map((edge) => (Array.isArray(edge) ? String(edge[0]) : '')) : []));
}

/**
 * Throws a TopologyError naming the first layer whose weights do not match the manifest (or whose type is unknown).
 * Returns the number of weight values the topology needs.
 */
export function checkTopology(topology: unknown, specs: readonly tf.io.WeightsManifestEntry[]): number {
  const t = topology as { class_name?: string; config?: { layers?: unknown }; model_config?: unknown };
  const model = (t.model_config ?? t) as { class_name?: string; config?: { layers?: unknown } };
  const layers = model.config?.layers;
  if (model.class_name !== 'Model' && model.class_name !== 'Functional') throw new TopologyError(l10n.t('the topology is a {0}, not a functional model', String(model.class_name)));
  if (!Array.isArray(layers)) throw new TopologyError(l10n.t('the topology has no layer list'));
  const manifest = new Map(specs.map((s) => [s.name, s.shape]));
  const used = new Set<string>();
  const shapes = new Map<string, Shape>();
  let values = 0;
  const expect = (layer: string, weight: string, shape: Shape) => {
    const name = `${layer}/${weight}`;
    const have = manifest.get(name);
    if (!have) throw new TopologyError(l10n.t('layer {0} needs the weight {1} {2}, which the weights manifest does not have', layer, name, JSON.stringify(shape)));
    if (have.length !== shape.length || have.some((d, i) => d !== shape[i])) {
      throw new TopologyError(l10n.t('layer {0} needs {1} of shape {2}; the weights manifest has {3}', layer, name, JSON.stringify(shape), JSON.stringify(have)));
    }
    used.add(name);
    values += shape.reduce((a, b) => a * b, 1);
  };
  for (const raw of layers as LayerJson[]) {
    const { class_name: kind, name, config: c } = raw;
    if (typeof name !== 'string' || typeof c !== 'object' || c === null) throw new TopologyError(l10n.t('a layer without a name or config'));
    const ins = inboundNames(raw).map((n) => {
      const s = shapes.get(n);
      if (!s) throw new TopologyError(l10n.t('layer {0} reads {1}, which comes later or does not exist', name, n));
      return s;
    });
    const x = ins[0]!;
    const needsInput = () => { if (!ins.length) throw new TopologyError(l10n.t('layer {0} has no input', name)); };
    let out: Shape;
    const useBias = c.use_bias !== false;
    switch (kind) {
      case 'InputLayer': {
        const b = c.batch_input_shape as unknown[];
        if (!Array.isArray(b) || b.length !== 4) throw new TopologyError(l10n.t('input {0} must be [batch, height, width, channels], got {1}', name, String(JSON.stringify(b))));
        out = [positive(b[1], l10n.t('input height'), MAX_SIDE), positive(b[2], l10n.t('input width'), MAX_SIDE), positive(b[3], l10n.t('input channels'), MAX_CHANNELS)];
        break;
      }
      case 'Conv2D': case 'SeparableConv2D': case 'DepthwiseConv2D': {
        needsInput();
        const k = pair(c.kernel_size, `${name} kernel_size`), s = pair(c.strides ?? 1, `${name} strides`), d = pair(c.dilation_rate ?? 1, `${name} dilation_rate`);
        const [h, w] = spatial(x, k, s, c.padding, d);
        const cin = x[2]!;
        if (kind === 'Conv2D') {
          const f = positive(c.filters, `${name} filters`);
          expect(name, 'kernel', [k[0], k[1], cin, f]);
          if (useBias) expect(name, 'bias', [f]);
          out = [h, w, f];
        } else {
          const dm = positive(c.depth_multiplier ?? 1, `${name} depth_multiplier`, 64);
          expect(name, 'depthwise_kernel', [k[0], k[1], cin, dm]);
          if (kind === 'SeparableConv2D') {
            const f = positive(c.filters, `${name} filters`);
            expect(name, 'pointwise_kernel', [1, 1, cin * dm, f]);
            if (useBias) expect(name, 'bias', [f]);
            out = [h, w, f];
          } else {
            if (useBias) expect(name, 'bias', [cin * dm]);
            out = [h, w, cin * dm];
          }
        }
        break;
      }
      case 'BatchNormalization': {
        needsInput();
        const ch = x[x.length - 1]!;
        if (c.scale !== false) expect(name, 'gamma', [ch]);
        if (c.center !== false) expect(name, 'beta', [ch]);
        expect(name, 'moving_mean', [ch]);
        expect(name, 'moving_variance', [ch]);
        out = x;
        break;
      }
      case 'Dense': {
        needsInput();
        const units = positive(c.units, `${name} units`);
        expect(name, 'kernel', [x[x.length - 1]!, units]);
        if (useBias) expect(name, 'bias', [units]);
        out = [...x.slice(0, -1), units];
        break;
      }
      case 'MaxPooling2D': case 'AveragePooling2D': {
        needsInput();
        const p = pair(c.pool_size, `${name} pool_size`);
        const [h, w] = spatial(x, p, pair(c.strides ?? c.pool_size, `${name} strides`), c.padding);
        out = [h, w, x[2]!];
        break;
      }
      case 'GlobalAveragePooling2D': case 'GlobalMaxPooling2D': needsInput(); out = [x[2]!]; break;
      case 'Flatten': needsInput(); out = [x.reduce((a, b) => a * b, 1)]; break;
      case 'Add': {
        if (ins.length < 2) throw new TopologyError(l10n.t('layer {0} adds fewer than two inputs', name));
        if (ins.some((s) => s.length !== x.length || s.some((d, i) => d !== x[i]))) {
          throw new TopologyError(l10n.t('layer {0} adds inputs of different shapes: {1}', name, JSON.stringify(ins)));
        }
        out = x;
        break;
      }
      default:
        if (!PASS_THROUGH.has(kind)) throw new TopologyError(l10n.t('layer {0} is a {1}, a layer type this product\'s models do not use', name, String(kind)));
        needsInput();
        out = x;
    }
    shapes.set(name, out);
  }
  const extra = specs.filter((s) => !used.has(s.name)).map((s) => s.name);
  if (extra.length) throw new TopologyError(l10n.t('the weights manifest has weights no layer uses: {0}', `${extra.slice(0, 5).join(', ')}${extra.length > 5 ? ', ...' : ''}`));
  return values;
}
