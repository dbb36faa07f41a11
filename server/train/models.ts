/**
 * The model zoo behind one factory. Models are built on demand, never at import time.
 *  - `seed-cnn`: a faithful port of the original Keras notebook's network (four Conv2D + MaxPool stages,
 *    Flatten, Dense 512, Dropout 0.5, softmax), the baseline that reached about 86% on the Kaggle Testing split.
 *  - `compact`: designed for this task on a CPU budget: a plain stem, then depthwise-separable blocks with batch
 *    normalisation, global average pooling and a small head (about 60k parameters).
 */
import * as tf from '@tensorflow/tfjs-layers';

export interface ModelConfig {
  name: 'seed-cnn' | 'compact';
  inputSize: number;
  channels: 1 | 3;
  classes: number;
  seed?: number;
}

export const MODEL_NAMES = ['seed-cnn', 'compact'] as const;

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
    x = tf.layers.dropout({ rate: 0.5, seed }).apply(x) as tf.SymbolicTensor;
  } else {
    x = tf.layers.conv2d({ filters: 24, kernelSize: 3, strides: 2, padding: 'same', useBias: false, kernelInitializer: init(0) }).apply(input) as tf.SymbolicTensor;
    x = tf.layers.batchNormalization().apply(x) as tf.SymbolicTensor;
    x = tf.layers.reLU().apply(x) as tf.SymbolicTensor;
    [48, 96, 128, 192].forEach((filters, i) => {
      x = tf.layers.separableConv2d({ filters, kernelSize: 3, padding: 'same', useBias: false,
        depthwiseInitializer: init(20 + i), pointwiseInitializer: init(40 + i) }).apply(x) as tf.SymbolicTensor;
      x = tf.layers.batchNormalization().apply(x) as tf.SymbolicTensor;
      x = tf.layers.reLU().apply(x) as tf.SymbolicTensor;
      x = tf.layers.maxPooling2d({ poolSize: 2 }).apply(x) as tf.SymbolicTensor;
    });
    x = tf.layers.globalAveragePooling2d({}).apply(x) as tf.SymbolicTensor;
    x = tf.layers.dropout({ rate: 0.3, seed }).apply(x) as tf.SymbolicTensor;
  }
  const out = tf.layers.dense({ units: config.classes, activation: 'softmax', kernelInitializer: init(99) }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out, name: config.name });
}
