/**
 * Training throughput: img/s of one optimiser step on synthetic greyscale batches of 32 (128 px, or $BENCH_SIZE),
 * median after warm-up, for every model of the zoo (or $BENCH_MODELS, comma-separated), on the engine the backend
 * would choose (or --backend). Targets: >= 40 img/s for the seed-style 4-conv net on wasm with two threads (issue
 * 4); the default model at least as fast as seed-cnn at 128 px (issue 12).
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { resolvePreference } from '../../server/engine/chooseBackend';
import { startEngine } from '../../server/engine/startEngine';
import { buildModel, MODEL_NAMES } from '../../server/train/models';

export async function run(args: { runs: number; wasmDir: string }): Promise<unknown> {
  const backend = await startEngine({ preference: resolvePreference({ env: process.env.BRAIN_TUMOR_BACKEND }), threads: 0, wasmDir: args.wasmDir });
  const results: Record<string, unknown>[] = [];
  for (const name of (process.env.BENCH_MODELS?.split(',') ?? MODEL_NAMES) as typeof MODEL_NAMES) {
    const size = Number(process.env.BENCH_SIZE ?? 128);
    const model = buildModel({ name, inputSize: size, channels: 1, classes: 4 });
    model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const xs = tf.randomUniform([32, size, size, 1]);
    const ys = tf.oneHot(tf.randomUniform([32], 0, 4, 'int32'), 4);
    const times: number[] = [];
    const steps = Math.max(4, args.runs);
    let tensorsAfterWarmup = 0;
    for (let i = 0; i < steps + 2; i++) {
      const t0 = performance.now();
      await model.trainOnBatch(xs, ys);
      if (i >= 2) times.push(performance.now() - t0); // two warm-up steps (the optimiser creates its state)
      if (i === 1) tensorsAfterWarmup = tf.memory().numTensors;
    }
    const leakedPerStep = (tf.memory().numTensors - tensorsAfterWarmup) / steps;
    const t1 = performance.now();
    const p = model.predict(xs) as tf.Tensor;
    await p.data();
    const inferMs = performance.now() - t1;
    p.dispose();
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)]!;
    results.push({ model: name, params: model.countParams(), trainImgPerSec: Math.round((32 / median) * 1000 * 10) / 10,
      stepMsMedian: Math.round(median), inferImgPerSec: Math.round((32 / inferMs) * 1000), tensorsLeakedPerStep: leakedPerStep });
    tf.dispose([xs, ys]);
    model.dispose();
  }
  return { bench: 'train', backend: `${backend.kind} x${backend.threads}${backend.simd ? ' SIMD' : ''}`, batch: 32, input: `${process.env.BENCH_SIZE ?? 128}x${process.env.BENCH_SIZE ?? 128}x1`, tfjsLayers: tfl.version_layers, results, target: { seedCnnImgPerSec: 40 } };
}
