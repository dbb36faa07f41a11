/**
 * The model zoo behind one factory. Models are built on demand, never at import time.
 *  - `seed-cnn`: a faithful port of the original Keras notebook's network (four Conv2D + MaxPool stages,
 *    Flatten, Dense 512, Dropout 0.5, softmax), the baseline that reached about 86% on the Kaggle Testing split.
 *  - `compact`: designed for this task on a CPU budget: a plain stem, then depthwise-separable blocks with batch
 *    normalisation, global average pooling and a small head (about 60k parameters).
 */
import * as tfc from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-layers';
import { MODEL_NAMES, type ModelName } from '../protocol';

export { MODEL_NAMES };

/**
 * Dropout whose mask is seeded by (seed, training step). tfjs's own Dropout with a seed draws the SAME mask at
 * every step (it reseeds each call), and without one it is not reproducible; the trainer sets the step before
 * each batch (`setDropoutStep`), so a run and its resumption draw identical masks. Identity at inference.
 */
let dropoutStep = 0;
export function setDropoutStep(step: number): void { dropoutStep = step; }

export class StepDropout extends tf.layers.Layer {
  static readonly className = 'StepDropout';
  readonly rate: number;
  readonly seed: number;
  constructor(config: { rate: number; seed: number; name?: string }) {
    super({ name: config.name });
    this.rate = config.rate;
    this.seed = config.seed;
  }
  override call(inputs: tfc.Tensor | tfc.Tensor[], kwargs: Record<string, unknown>): tfc.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    if (kwargs.training !== true || this.rate <= 0) return tfc.clone(x);
    return tfc.dropout(x, this.rate, undefined, this.seed * 1_000_003 + dropoutStep);
  }
  override getConfig(): tfc.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed };
  }
}
tfc.serialization.registerClass(StepDropout);

export interface ModelConfig {
  name: ModelName;
  inputSize: number;
  channels: 1 | 3;
  classes: number;
  seed?: number;
}


export function buildModel(config: ModelConfig): tf.LayersModel {
  if (!(MODEL_NAMES as readonly string[]).includes(config.name)) {
    throw new Error(`Unknown model "${String(config.name)}": choose one of ${MODEL_NAMES.join(', ')}`);
  }
  if (!Number.isInteger(config.inputSize) || config.inputSize < 32 || config.inputSize > 512) {
    throw new Error(`Input size ${config.inputSize} is out of range (32..512)`);
  }
  const seed = config.seed ?? 42;
  const init = (k: number) => tf.initializers.glorotUniform({ seed: seed + k });
  const input = tf.input({ shape: [config.inputSize, config.inputSize, config.channels] });
  let x: tf.SymbolicTensor;
  if (config.name === 'seed-cnn') {
    x = input;
    [32, 64, 128, 128].forEach((filters, i) => {
      x = tf.layers.conv2d({ filters, kernelSize: 3, activation: 'relu', kernelInitializer: init(i) }).apply(x) as tf.SymbolicTensor;
      x = tf.layers.maxPooling2d({ poolSize: 2 }).apply(x) as tf.SymbolicTensor;
    });
    x = tf.layers.flatten().apply(x) as tf.SymbolicTensor;
    x = tf.layers.dense({ units: 512, activation: 'relu', kernelInitializer: init(10) }).apply(x) as tf.SymbolicTensor;
    x = new StepDropout({ rate: 0.5, seed }).apply(x) as tf.SymbolicTensor;
  } else {
    x = tf.layers.conv2d({ filters: 24, kernelSize: 3, strides: 2, padding: 'same', useBias: false, kernelInitializer: init(0) }).apply(input) as tf.SymbolicTensor;
    x = tf.layers.batchNormalization({ momentum: 0.9 }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.reLU().apply(x) as tf.SymbolicTensor;
    [48, 96, 128, 192].forEach((filters, i) => {
      x = tf.layers.separableConv2d({ filters, kernelSize: 3, padding: 'same', useBias: false,
        depthwiseInitializer: init(20 + i), pointwiseInitializer: init(40 + i) }).apply(x) as tf.SymbolicTensor;
      x = tf.layers.batchNormalization({ momentum: 0.9 }).apply(x) as tf.SymbolicTensor;
      x = tf.layers.reLU().apply(x) as tf.SymbolicTensor;
      x = tf.layers.maxPooling2d({ poolSize: 2 }).apply(x) as tf.SymbolicTensor;
    });
    x = tf.layers.globalAveragePooling2d({}).apply(x) as tf.SymbolicTensor;
    x = new StepDropout({ rate: 0.3, seed }).apply(x) as tf.SymbolicTensor;
  }
  const out = tf.layers.dense({ units: config.classes, activation: 'softmax', kernelInitializer: init(99) }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out, name: config.name });
}
