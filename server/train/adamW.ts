/**
 * AdamW (Loshchilov and Hutter, "Decoupled weight decay regularization", ICLR 2019): Adam whose weight decay
 * shrinks the weights directly, w <- w * (1 - lr * decay), before the Adam step, instead of adding decay * w to the
 * gradient (where Adam's per-weight scaling would weaken it for exactly the weights that move most). tfjs has no
 * AdamW; this extends its Adam so the moments, the step count and their checkpoint format (getWeights/setWeights:
 * step count, first moments, second moments) stay Adam's: a checkpoint of either resumes in the other, and at
 * decay 0 the two take identical steps.
 *
 * Only kernels decay (conv and dense weights, named ".../kernel"): decaying batch-norm scales and biases is known
 * to hurt (He et al. 2019, "Bag of tricks").
 */
import * as tf from '@tensorflow/tfjs-core';
import type { NamedTensor, NamedVariableMap } from '@tensorflow/tfjs-core/dist/tensor_types';

export function decays(variableName: string): boolean {
  return /\/(kernel|depthwise_kernel|pointwise_kernel)(_\d+)?$/.test(variableName);
}

export class AdamW extends tf.AdamOptimizer {
  static override get className(): string { return 'AdamW'; }

  constructor(learningRate: number, readonly weightDecay: number, beta1 = 0.9, beta2 = 0.999, epsilon?: number) {
    super(learningRate, beta1, beta2, epsilon);
  }

  /** The rate of the next step; the trainer sets it per step from its schedule. */
  setLearningRate(lr: number): void { this.learningRate = lr; }
  getLearningRate(): number { return this.learningRate; }

  override applyGradients(variableGradients: NamedVariableMap | NamedTensor[]): void {
    if (this.weightDecay > 0) {
      const names = Array.isArray(variableGradients) ? variableGradients.map((v) => v.name) : Object.keys(variableGradients);
      const shrink = 1 - this.learningRate * this.weightDecay;
      tf.tidy(() => {
        for (const name of names) {
          if (!decays(name)) continue;
          const v = tf.engine().registeredVariables[name];
          if (v) v.assign(tf.mul(v, shrink));
        }
      });
    }
    super.applyGradients(variableGradients);
  }

  /**
   * Adam's own setWeights sets its running beta powers to pow(beta, step + 1), which differs in the last bit from
   * the product the uninterrupted run accumulated step by step; recomputed here the same way (float32 multiplies),
   * a resumed run takes bit-identical steps.
   */
  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    await super.setWeights(weightValues);
    const self = this as unknown as { accBeta1: tf.Variable; accBeta2: tf.Variable; beta1: number; beta2: number };
    const steps = this.iterations;
    tf.tidy(() => {
      let b1: tf.Tensor = tf.scalar(self.beta1), b2: tf.Tensor = tf.scalar(self.beta2);
      for (let i = 0; i < steps; i++) { b1 = tf.mul(b1, self.beta1); b2 = tf.mul(b2, self.beta2); }
      self.accBeta1.assign(b1);
      self.accBeta2.assign(b2);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), weightDecay: this.weightDecay };
  }
}
