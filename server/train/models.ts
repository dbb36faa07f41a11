/**
 * The model zoo behind one factory. Models are built on demand, never at import time.
 *  - `seed-cnn`: a faithful port of the original Keras notebook's network (four Conv2D + MaxPool stages,
 *    Flatten, Dense 512, Dropout 0.5, softmax), the baseline that reached about 86% on the Kaggle Testing split.
 *  - `resnet`: the default, chosen by measurement (docs/training-recipe.md): a small residual network with batch
 *    normalisation. A strided stem and a max-pool take the input to a quarter of its side, then four stages of one
 *    basic block each (two 3x3 convolutions and a shortcut, projected where the shape changes), widths
 *    32-64-128-256, the last three halving the side; global average pooling and a dense softmax head. About a
 *    third of seed-cnn's multiply-adds at the same input size, so it trains faster per image at 128 px.
 *  - `compact`: an earlier default, kept so its runs still resume: a plain stem, then depthwise-separable blocks
 *    with batch normalisation, global average pooling and a small head (about 60k parameters).
 */
import * as tf from '@tensorflow/tfjs-layers';
import { MODEL_NAMES, type ModelName } from '../protocol';
import { StepDropout } from '../model/stepDropout';

export { MODEL_NAMES };


export interface ModelConfig {
  name: ModelName;
  inputSize: number;
  channels: 1 | 3;
  classes: number;
  seed?: number;
}


const RESNET_WIDTHS = [32, 64, 128, 256];

function convBn(x: tf.SymbolicTensor, filters: number, kernelSize: number, strides: number, init: ReturnType<typeof tf.initializers.heNormal>, relu: boolean): tf.SymbolicTensor {
  x = tf.layers.conv2d({ filters, kernelSize, strides, padding: 'same', useBias: false, kernelInitializer: init }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.batchNormalization({ momentum: 0.9 }).apply(x) as tf.SymbolicTensor;
  return relu ? tf.layers.reLU().apply(x) as tf.SymbolicTensor : x;
}

/** Stem, four basic blocks, global average pooling: the feature vector of `resnet`. */
function residualTrunk(input: tf.SymbolicTensor, seed: number): tf.SymbolicTensor {
  // He-normal suits ReLU stacks; seeded per layer so a run is reproducible.
  const he = (k: number) => tf.initializers.heNormal({ seed: seed + k });
  let x = convBn(input, 24, 3, 2, he(0), true);
  x = tf.layers.maxPooling2d({ poolSize: 2 }).apply(x) as tf.SymbolicTensor;
  let width = 24;
  RESNET_WIDTHS.forEach((filters, stage) => {
    const strides = stage === 0 ? 1 : 2;
    const a = convBn(x, filters, 3, strides, he(10 + stage * 3), true);
    const b = convBn(a, filters, 3, 1, he(11 + stage * 3), false);
    const shortcut = filters === width && strides === 1 ? x : convBn(x, filters, 1, strides, he(12 + stage * 3), false);
    x = tf.layers.add().apply([b, shortcut]) as tf.SymbolicTensor;
    x = tf.layers.reLU().apply(x) as tf.SymbolicTensor;
    width = filters;
  });
  return tf.layers.globalAveragePooling2d({}).apply(x) as tf.SymbolicTensor;
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
  if (config.name === 'resnet') {
    x = residualTrunk(input, seed);
    x = new StepDropout({ rate: 0.2, seed }).apply(x) as tf.SymbolicTensor;
  } else if (config.name === 'seed-cnn') {
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
