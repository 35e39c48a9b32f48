import * as tf from '@tensorflow/tfjs';

/**
 * Small seeded stand-ins for two Keras applications as users convert them with
 * tensorflowjs_converter, with the structure that matters to CAM methods (random
 * weights are fine for that):
 * - MobileNetV2 with a user's head `AveragePooling2D(7)` -> Flatten -> Dense: the
 *   last 4-D layer is the pooling layer, whose output is 1x1.
 * - InceptionV3: Conv2D (no bias) -> BatchNormalization(scale: false) -> ReLU
 *   blocks and "mixed" concatenations of parallel branches.
 */

let seed = 0;
function kernel(): { kernelInitializer: ReturnType<typeof tf.initializers.glorotUniform> } {
  seed += 1;
  return { kernelInitializer: tf.initializers.glorotUniform({ seed }) };
}

/** Batch norm with seeded, non-trivial moving statistics (a trained network's are not 0 and 1). */
function batchNorm(name: string, scale: boolean): tf.layers.Layer {
  seed += 1;
  return tf.layers.batchNormalization({
    name,
    scale,
    movingMeanInitializer: tf.initializers.randomUniform({ minval: -0.1, maxval: 0.1, seed }),
    movingVarianceInitializer: tf.initializers.randomUniform({ minval: 0.5, maxval: 1.5, seed: seed + 1000 }),
    betaInitializer: tf.initializers.randomUniform({ minval: -0.1, maxval: 0.1, seed: seed + 2000 }),
  });
}

const relu6 = (name: string) => tf.layers.reLU({ name, maxValue: 6 });

/** MobileNetV2's inverted residual block: expand 1x1, depthwise 3x3, project 1x1 (linear), residual add when shapes match. */
function invertedResidual(x: tf.SymbolicTensor, id: string, expand: number, out: number, stride: number): tf.SymbolicTensor {
  const inChannels = x.shape[3] as number;
  let y = tf.layers.conv2d({ name: `${id}_expand`, filters: inChannels * expand, kernelSize: 1, useBias: false, ...kernel() }).apply(x) as tf.SymbolicTensor;
  y = batchNorm(`${id}_expand_BN`, true).apply(y) as tf.SymbolicTensor;
  y = relu6(`${id}_expand_relu`).apply(y) as tf.SymbolicTensor;
  seed += 1;
  y = tf.layers
    .depthwiseConv2d({ name: `${id}_depthwise`, kernelSize: 3, strides: stride, padding: 'same', useBias: false, depthwiseInitializer: tf.initializers.glorotUniform({ seed }) })
    .apply(y) as tf.SymbolicTensor;
  y = batchNorm(`${id}_depthwise_BN`, true).apply(y) as tf.SymbolicTensor;
  y = relu6(`${id}_depthwise_relu`).apply(y) as tf.SymbolicTensor;
  y = tf.layers.conv2d({ name: `${id}_project`, filters: out, kernelSize: 1, useBias: false, ...kernel() }).apply(y) as tf.SymbolicTensor;
  y = batchNorm(`${id}_project_BN`, true).apply(y) as tf.SymbolicTensor;
  return stride === 1 && inChannels === out ? (tf.layers.add({ name: `${id}_add` }).apply([x, y]) as tf.SymbolicTensor) : y;
}

/** The MobileNetV2 body on a 56x56x3 input: strides 2, 2, 2 down to 7x7, ending in 'out_relu' (7x7x32). */
function mobileNetV2Body(input: tf.SymbolicTensor): tf.SymbolicTensor {
  let x = tf.layers.conv2d({ name: 'Conv1', filters: 8, kernelSize: 3, strides: 2, padding: 'same', useBias: false, ...kernel() }).apply(input) as tf.SymbolicTensor;
  x = batchNorm('bn_Conv1', true).apply(x) as tf.SymbolicTensor;
  x = relu6('Conv1_relu').apply(x) as tf.SymbolicTensor; // 28x28
  x = invertedResidual(x, 'block_1', 2, 8, 1);
  x = invertedResidual(x, 'block_2', 2, 12, 2); // 14x14
  x = invertedResidual(x, 'block_3', 2, 12, 1);
  x = invertedResidual(x, 'block_4', 2, 16, 2); // 7x7
  x = tf.layers.conv2d({ name: 'Conv_1', filters: 32, kernelSize: 1, useBias: false, ...kernel() }).apply(x) as tf.SymbolicTensor;
  x = batchNorm('Conv_1_bn', true).apply(x) as tf.SymbolicTensor;
  return relu6('out_relu').apply(x) as tf.SymbolicTensor;
}

export const MOBILENET_INPUT: [number, number, number] = [56, 56, 3];
export const CLASSES = 3;

/** A model plus the split at its CAM layer: `body` (input -> feature map) and `head` (feature map -> scores, copied layers). */
export interface SplitModel {
  model: tf.LayersModel;
  /** The layer (path) the split is at. */
  layer: string;
  body: tf.LayersModel;
  head: tf.LayersModel;
  dispose(): void;
}

/** The user's head on a 7x7 feature map: AveragePooling2D(7) (a 1x1 output), Flatten, Dense softmax; applied to `x`. */
function poolingHead(): (x: tf.SymbolicTensor) => tf.SymbolicTensor {
  const pool = tf.layers.averagePooling2d({ name: 'head_pool', poolSize: 7 });
  const flatten = tf.layers.flatten({ name: 'head_flatten' });
  const dense = tf.layers.dense({ name: 'predictions', units: CLASSES, activation: 'softmax', ...kernel(), biasInitializer: tf.initializers.randomUniform({ minval: -0.1, maxval: 0.1, seed: 77 }) });
  return (x) => dense.apply(flatten.apply(pool.apply(x))) as tf.SymbolicTensor;
}

/** The same head with new layers and the original's weights (the reference does not go through the model under test). */
function copiedHead(model: tf.LayersModel, featureShape: number[]): tf.LayersModel {
  const input = tf.input({ shape: featureShape });
  const pool = tf.layers.averagePooling2d({ poolSize: 7 });
  const flatten = tf.layers.flatten();
  const original = model.getLayer('predictions');
  const dense = tf.layers.dense({ units: CLASSES, activation: 'softmax' });
  const output = dense.apply(flatten.apply(pool.apply(input))) as tf.SymbolicTensor;
  dense.setWeights(original.getWeights());
  return tf.model({ inputs: input, outputs: output });
}

/**
 * MobileNetV2-like classifier with the head `AveragePooling2D(7)` before the classifier.
 * @param nested the body as a nested model 'mobilenetv2' (transfer learning), else one flat functional model
 */
export function mobileNetV2WithPoolingHead(nested: boolean): SplitModel {
  seed = 500;
  const input = tf.input({ shape: MOBILENET_INPUT });
  let model: tf.LayersModel;
  let body: tf.LayersModel;
  let layer: string;
  if (nested) {
    const baseInput = tf.input({ shape: MOBILENET_INPUT });
    const base = tf.model({ name: 'mobilenetv2', inputs: baseInput, outputs: mobileNetV2Body(baseInput) });
    model = tf.model({ inputs: input, outputs: poolingHead()(base.apply(input) as tf.SymbolicTensor) });
    body = base;
    layer = 'mobilenetv2/out_relu';
  } else {
    const features = mobileNetV2Body(input);
    model = tf.model({ inputs: input, outputs: poolingHead()(features) });
    body = tf.model({ inputs: input, outputs: features });
    layer = 'out_relu';
  }
  const head = copiedHead(model, [7, 7, 32]);
  return { model, layer, body, head, dispose: () => [model, head].forEach((m) => m.dispose()) };
}

export const INCEPTION_INPUT: [number, number, number] = [32, 32, 3];

/** Keras InceptionV3's `conv2d_bn`: Conv2D without bias, BatchNormalization(scale: false), ReLU. */
function conv2dBn(x: tf.SymbolicTensor, name: string, filters: number, size: number, strides = 1, padding: 'same' | 'valid' = 'same'): tf.SymbolicTensor {
  const y = tf.layers.conv2d({ name: `${name}_conv`, filters, kernelSize: size, strides, padding, useBias: false, ...kernel() }).apply(x) as tf.SymbolicTensor;
  return tf.layers.activation({ name, activation: 'relu' }).apply(batchNorm(`${name}_bn`, false).apply(y)) as tf.SymbolicTensor;
}

/** One "mixed" block: 1x1, 1x1 -> 3x3, and 3x3 average pool -> 1x1 branches, concatenated. */
function mixed(x: tf.SymbolicTensor, name: string): tf.SymbolicTensor {
  const b1 = conv2dBn(x, `${name}_b1`, 6, 1);
  const b3 = conv2dBn(conv2dBn(x, `${name}_b3a`, 4, 1), `${name}_b3b`, 6, 3);
  const pooled = tf.layers.averagePooling2d({ name: `${name}_pool`, poolSize: 3, strides: 1, padding: 'same' }).apply(x) as tf.SymbolicTensor;
  const bp = conv2dBn(pooled, `${name}_bp`, 4, 1);
  return tf.layers.concatenate({ name }).apply([b1, b3, bp]) as tf.SymbolicTensor;
}

/**
 * InceptionV3-like: stem (conv 3x3 stride 2 valid, conv 3x3, max pool 3x3 stride 2) to 7x7,
 * 'mixed0' and 'mixed1' (7x7x16 each), global average pooling, Dense softmax. Every batch
 * norm has `scale: false`, as in Keras's InceptionV3 and Xception.
 * Splits: 'mixed1' (the head is pooling and Dense only) and 'mixed0' (the head holds
 * mixed1's scale-less batch norms; its copy uses `scale: true` with gamma = 1, the same function).
 */
export function inceptionV3Like(): { model: tf.LayersModel; splits: Record<'mixed0' | 'mixed1', SplitModel>; dispose(): void } {
  seed = 900;
  const input = tf.input({ shape: INCEPTION_INPUT });
  let x = conv2dBn(input, 'stem1', 8, 3, 2, 'valid'); // 15x15
  x = conv2dBn(x, 'stem2', 8, 3);
  x = tf.layers.maxPooling2d({ name: 'stem_pool', poolSize: 3, strides: 2 }).apply(x) as tf.SymbolicTensor; // 7x7
  const mixed0 = mixed(x, 'mixed0');
  const mixed1 = mixed(mixed0, 'mixed1');
  const gap = tf.layers.globalAveragePooling2d({ name: 'avg_pool' }).apply(mixed1) as tf.SymbolicTensor;
  const output = tf.layers.dense({ name: 'predictions', units: CLASSES, activation: 'softmax', ...kernel() }).apply(gap) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: output });

  const dense = (from: tf.SymbolicTensor) => {
    const copy = tf.layers.dense({ units: CLASSES, activation: 'softmax' });
    const out = copy.apply(tf.layers.globalAveragePooling2d({}).apply(from)) as tf.SymbolicTensor;
    copy.setWeights(model.getLayer('predictions').getWeights());
    return out;
  };
  // Head after mixed0: mixed1 rebuilt from copies, each scale-less batch norm folded into its
  // convolution (kernel / sqrt(var + eps), bias beta - mean / sqrt(var + eps)), ReLU in the layer:
  // the same function, differentiable by stock tfjs on every backend.
  const copyConvBn = (from: tf.SymbolicTensor, name: string) => {
    const conv = model.getLayer(`${name}_conv`);
    const bn = model.getLayer(`${name}_bn`);
    const epsilon = (bn.getConfig()['epsilon'] as number | undefined) ?? 1e-3;
    const [filters] = conv.getWeights();
    const [beta, movingMean, movingVariance] = bn.getWeights();
    const folded = tf.layers.conv2d({ filters: filters!.shape[3]!, kernelSize: [filters!.shape[0]!, filters!.shape[1]!], padding: 'same', activation: 'relu' });
    const y = folded.apply(from) as tf.SymbolicTensor;
    const weights = tf.tidy(() => {
      const inverseStd = tf.rsqrt(tf.add(movingVariance!, epsilon));
      return [tf.mul(filters!, inverseStd), tf.sub(beta!, tf.mul(movingMean!, inverseStd))];
    });
    folded.setWeights(weights);
    tf.dispose(weights);
    return y;
  };
  const after0 = tf.input({ shape: [7, 7, 16] });
  const b1 = copyConvBn(after0, 'mixed1_b1');
  const b3 = copyConvBn(copyConvBn(after0, 'mixed1_b3a'), 'mixed1_b3b');
  const bp = copyConvBn(tf.layers.averagePooling2d({ poolSize: 3, strides: 1, padding: 'same' }).apply(after0) as tf.SymbolicTensor, 'mixed1_bp');
  const head0 = tf.model({ inputs: after0, outputs: dense(tf.layers.concatenate().apply([b1, b3, bp]) as tf.SymbolicTensor) });
  const after1 = tf.input({ shape: [7, 7, 16] });
  const head1 = tf.model({ inputs: after1, outputs: dense(after1) });
  const split = (layer: 'mixed0' | 'mixed1', head: tf.LayersModel, features: tf.SymbolicTensor): SplitModel => ({
    model,
    layer,
    body: tf.model({ inputs: input, outputs: features }),
    head,
    dispose: () => head.dispose(),
  });
  return {
    model,
    splits: { mixed0: split('mixed0', head0, mixed0), mixed1: split('mixed1', head1, mixed1) },
    dispose: () => [model, head0, head1].forEach((m) => m.dispose()),
  };
}

/** Seeded images in [0, 1]. */
export function seededImages(shape: [number, number, number], n = 1, imageSeed = 11): tf.Tensor4D {
  return tf.randomUniform([n, ...shape], 0, 1, 'float32', imageSeed) as tf.Tensor4D;
}
