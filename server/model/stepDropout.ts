/** The custom layer of this project's models; a saved model names it, so loading needs it registered first. */
import * as tfc from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-layers';

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
