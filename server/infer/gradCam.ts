/**
 * Grad-CAM (Selvaraju et al., 2017) for our classifiers (chains like seed-cnn, residual networks like resnet):
 * which parts of the last spatial feature map raised the score of a class. The map has the feature map's size (a few cells across); callers upsample it
 * with `upsampleHeatmap` and colour it with `heatmapToRgba`.
 *
 * The model is split once, in `prepareGradCam`, at the last layer whose output is still a spatial map: a
 * feature model (input -> that map) and a head (the layers after it, applied eagerly), so that each `explain`
 * differentiates only the head with respect to the map.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

type Layer = tfl.layers.Layer;

export interface GradCamResult {
  width: number;
  height: number;
  /** Row-major, in 0..1, with a maximum of 1 unless nothing raised the class at all (then all zeros). */
  values: Float32Array;
  /** The layer whose output the map explains. */
  layer: string;
  classIndex: number;
}

export interface GradCam {
  /** The feature layer's name. */
  layer: string;
  /** x: one preprocessed image, [1, H, W, C], as the model takes it. */
  explain(x: tf.Tensor4D, classIndex: number): GradCamResult;
}

/**
 * The layers a class score depends on after the last point every path goes through: walking back from the output
 * while each layer takes one input, made by a layer that feeds nothing else. For a chain (seed-cnn) that is every
 * layer; for a residual network it stops at the last block's merge (its Add), whose output is such a point. The
 * feature layer is chosen among these, so the head is exactly "the layers after it", applied one by one.
 */
function headChain(model: tfl.LayersModel): Layer[] {
  const refuse = (why: string) => new Error(`Grad-CAM cannot explain model "${model.name}": ${why}.`);
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw refuse(`it has ${model.inputs.length} inputs and ${model.outputs.length} outputs`);
  }
  const consumers = (layer: Layer) => (layer as unknown as { outboundNodes: unknown[] }).outboundNodes.length;
  const chain: Layer[] = [];
  let layer: Layer = model.outputs[0]!.sourceLayer;
  for (;;) {
    chain.unshift(layer);
    let input: tfl.SymbolicTensor | tfl.SymbolicTensor[];
    try {
      input = layer.input;
    } catch (e) {
      throw refuse(`layer "${layer.name}": ${e instanceof Error ? e.message : String(e)}`);
    }
    if (Array.isArray(input)) break; // a merge (e.g. a residual Add): its output is the earliest cut point
    const source = input.sourceLayer;
    if (source.getClassName() === 'InputLayer' || consumers(source) > 1) break;
    layer = source;
  }
  return chain;
}

function outputShapeOf(layer: Layer): (number | null)[] {
  const shape = layer.outputShape;
  if (shape.length > 0 && Array.isArray(shape[0])) throw new Error(`Grad-CAM: layer "${layer.name}" has several outputs.`);
  return shape as (number | null)[];
}

/** A 4-D output ([batch, h, w, channels]) with more than one cell: the map is still spatial. */
function isSpatialMap(layer: Layer): boolean {
  const shape = outputShapeOf(layer);
  return shape.length === 4 && (shape[1] ?? 0) * (shape[2] ?? 0) > 1;
}

function isSoftmaxDense(layer: Layer): boolean {
  // getConfig serialises the activation by class name; Dense's own fields are protected.
  return layer.getClassName() === 'Dense' && (layer.getConfig() as { activation?: unknown }).activation === 'softmax';
}

/**
 * Prepares Grad-CAM once per loaded model. Throws an Error naming the reason when the model has several inputs or
 * outputs, no spatial feature map after its last merge, or ends in that map.
 */
export function prepareGradCam(model: tfl.LayersModel): GradCam {
  const chain = headChain(model);
  let featureIndex = chain.length - 1;
  while (featureIndex >= 0 && !isSpatialMap(chain[featureIndex]!)) featureIndex--;
  if (featureIndex < 0) {
    throw new Error(`Grad-CAM: model "${model.name}" has no layer with a 4-D output larger than 1x1 (no convolutional feature map to explain).`);
  }
  if (featureIndex === chain.length - 1) {
    throw new Error(`Grad-CAM: model "${model.name}" ends in the feature map "${chain[featureIndex]!.name}"; it needs a classifier head after it.`);
  }
  // A trailing pooling layer only coarsens the map (seed-cnn at 128 px: 12x12 -> 6x6); the convolution's
  // output before it keeps twice the resolution, and the pooling joins the head.
  while (featureIndex > 0 && /Pooling2D$/.test(chain[featureIndex]!.getClassName()) && isSpatialMap(chain[featureIndex - 1]!)) featureIndex--;
  const featureLayer = chain[featureIndex]!;
  // Grad-CAM on softmax probabilities saturates (a confident class has near-zero gradients), so the last
  // step uses the class's logit: the Dense layer's matMul + bias without its activation.
  const last = chain.at(-1)!;
  const logitsLayer = isSoftmaxDense(last) ? last : null;
  const logitsInputRank = (last.input as tfl.SymbolicTensor).shape.length; // one input: headChain checked
  if (logitsLayer && logitsInputRank !== 2) {
    throw new Error(`Grad-CAM: the last Dense layer "${last.name}" of model "${model.name}" takes a ${logitsInputRank}-D input; expected 2-D.`);
  }
  const body = chain.slice(featureIndex + 1, logitsLayer ? -1 : undefined);
  const classes = outputShapeOf(last).at(-1) ?? 0;
  const inputShape = model.inputs[0]!.shape.slice(1);
  // Shares the classifier's layers and weights. Never dispose it: a LayersModel's dispose() releases the weights
  // of every layer it lists, which would break the classifier. It holds no tensors of its own.
  const featureModel = tfl.model({ inputs: model.inputs, outputs: featureLayer.output });

  const classScore = (features: tf.Tensor, classIndex: number): tf.Scalar => {
    let h: tf.Tensor = features;
    // training: false makes dropout (tf's and StepDropout) the identity and batch norm use its moving statistics.
    for (const layer of body) h = layer.apply(h, { training: false }) as tf.Tensor;
    if (logitsLayer) {
      const [kernel, bias] = logitsLayer.getWeights(); // the variables themselves, not copies
      h = tf.matMul(h, kernel!);
      if (bias) h = tf.add(h, bias);
    }
    return tf.squeeze<tf.Scalar>(tf.slice(h as tf.Tensor2D, [0, classIndex], [1, 1]));
  };

  return {
    layer: featureLayer.name,
    explain(x: tf.Tensor4D, classIndex: number): GradCamResult {
      if (x.rank !== 4 || x.shape[0] !== 1 || x.shape.slice(1).some((d, i) => inputShape[i] !== null && d !== inputShape[i])) {
        throw new Error(`Grad-CAM takes one image shaped [1, ${inputShape.join(', ')}]; got [${x.shape.join(', ')}].`);
      }
      if (!Number.isInteger(classIndex) || classIndex < 0 || classIndex >= classes) {
        throw new Error(`Grad-CAM: class index ${classIndex} is out of range (the model has ${classes} classes).`);
      }
      const cam = tf.tidy(() => {
        const features = featureModel.predict(x) as tf.Tensor4D;
        const grads = tf.grad((a: tf.Tensor) => classScore(a, classIndex))(features);
        const alpha = tf.mean(grads, [1, 2], true); // [1, 1, 1, K]: each channel's importance for the class
        return tf.relu(tf.sum(tf.mul(features, alpha), 3)); // [1, h, w]
      });
      const [, height, width] = cam.shape as [number, number, number];
      // A copy: on the cpu backend dataSync can hand out the tensor's own storage.
      const values = Float32Array.from(cam.dataSync());
      cam.dispose();
      const max = values.reduce((m, v) => Math.max(m, v), 0);
      if (max > 0) for (let i = 0; i < values.length; i++) values[i] = values[i]! / max;
      return { width, height, values, layer: featureLayer.name, classIndex };
    },
  };
}

/**
 * Bilinear upsampling of a w x h map to outW x outH, where each map cell covers an equal tile of the output and
 * its value sits at the tile's centre (half-pixel centres; the border half-tiles take the edge values). That is
 * how a feature-map cell relates to the image area it summarises.
 */
export function upsampleHeatmap(values: Float32Array, w: number, h: number, outW: number, outH: number): Float32Array {
  if (values.length !== w * h) throw new Error(`upsampleHeatmap: ${values.length} values for a ${w}x${h} map.`);
  const out = new Float32Array(outW * outH);
  const axis = (o: number, n: number, outN: number): [number, number, number] => {
    const s = Math.min(Math.max((o + 0.5) * (n / outN) - 0.5, 0), n - 1);
    const i0 = Math.floor(s);
    return [i0, Math.min(i0 + 1, n - 1), s - i0];
  };
  for (let oy = 0; oy < outH; oy++) {
    const [y0, y1, fy] = axis(oy, h, outH);
    for (let ox = 0; ox < outW; ox++) {
      const [x0, x1, fx] = axis(ox, w, outW);
      const top = values[y0 * w + x0]! * (1 - fx) + values[y0 * w + x1]! * fx;
      const bottom = values[y1 * w + x0]! * (1 - fx) + values[y1 * w + x1]! * fx;
      out[oy * outW + ox] = top * (1 - fy) + bottom * fy;
    }
  }
  return out;
}

/**
 * RGBA pixels of a 0..1 map in the "jet" colour ramp (blue, cyan, yellow, red). Alpha grows with the value
 * (opacity x value), so the image stays visible where the model did not look instead of under a blue veil.
 */
export function heatmapToRgba(values: Float32Array, opacity = 0.5): Uint8ClampedArray {
  const rgba = new Uint8ClampedArray(values.length * 4);
  const ramp = (v: number, centre: number) => 255 * Math.min(Math.max(1.5 - Math.abs(4 * v - centre), 0), 1);
  values.forEach((raw, i) => {
    const v = Math.min(Math.max(raw, 0), 1);
    rgba[i * 4] = ramp(v, 3);
    rgba[i * 4 + 1] = ramp(v, 2);
    rgba[i * 4 + 2] = ramp(v, 1);
    rgba[i * 4 + 3] = 255 * opacity * v;
  });
  return rgba;
}
