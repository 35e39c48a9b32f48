import * as tf from '@tensorflow/tfjs';

/**
 * Small tfjs-layers models with the structure of Keras applications users convert with
 * tensorflowjs_converter, random (seeded) weights: the same layer types, activations and
 * options at toy sizes. Each takes (inputSize, numClasses, seed) and returns a softmax
 * classifier over [inputSize, inputSize, 3] images. Batch-norm layers get random moving
 * statistics (not the identity) so that their gradients are exercised.
 */
export interface KerasLikeOptions {
  /**
   * InceptionV3-like only: BatchNormalization with `scale: true` and the scale set to ones, the
   * same function as the default `scale: false` (a twin stock tfjs can differentiate). Default false.
   */
  unitScaleTwin?: boolean;
  /** Height and width of the square input; default 32. */
  inputSize?: number;
  /** Default 5. */
  numClasses?: number;
  /** Seeds every initialiser; default 1. */
  seed?: number;
}

class Seeds {
  constructor(private next: number) {}
  get kernel(): tf.serialization.Serializable {
    return tf.initializers.glorotUniform({ seed: this.next++ });
  }
  get bias(): tf.serialization.Serializable {
    return tf.initializers.randomUniform({ minval: -0.1, maxval: 0.1, seed: this.next++ });
  }
  /** Batch normalisation with random moving statistics and (when present) offset and scale (all ones with `unitScale`). */
  batchNorm(options: { scale?: boolean; center?: boolean; unitScale?: boolean } = {}): tf.layers.Layer {
    const { unitScale, ...layerOptions } = options;
    const gammaSeed = (this.next += 4) - 2;
    return tf.layers.batchNormalization({
      epsilon: 1e-3,
      ...layerOptions,
      movingMeanInitializer: tf.initializers.randomUniform({ minval: -0.2, maxval: 0.2, seed: gammaSeed - 2 }) as never,
      movingVarianceInitializer: tf.initializers.randomUniform({ minval: 0.5, maxval: 1.5, seed: gammaSeed - 1 }) as never,
      gammaInitializer: (unitScale ? tf.initializers.ones() : tf.initializers.randomUniform({ minval: 0.5, maxval: 1.5, seed: gammaSeed })) as never,
      betaInitializer: tf.initializers.randomUniform({ minval: -0.1, maxval: 0.1, seed: gammaSeed + 1 }) as never,
    });
  }
}

function resolve(options: KerasLikeOptions): Required<KerasLikeOptions> {
  return { inputSize: options.inputSize ?? 32, numClasses: options.numClasses ?? 5, seed: options.seed ?? 1, unitScaleTwin: options.unitScaleTwin ?? false };
}

function classifierHead(features: tf.SymbolicTensor, numClasses: number, seeds: Seeds): tf.SymbolicTensor {
  return tf.layers
    .dense({ units: numClasses, activation: 'softmax', kernelInitializer: seeds.kernel as never, biasInitializer: seeds.bias as never })
    .apply(features) as tf.SymbolicTensor;
}

/**
 * MobileNetV2-like: conv (stride 2) + BN + ReLU6, an inverted residual block (1x1 expand, depthwise
 * 3x3, 1x1 project, residual add), and Keras's old head `AveragePooling2D(final size)` ->
 * flatten -> dense, whose pooling output is 1x1.
 */
export function mobileNetV2Like(options: KerasLikeOptions = {}): tf.LayersModel {
  const { inputSize, numClasses, seed } = resolve(options);
  const s = new Seeds(seed);
  const input = tf.input({ shape: [inputSize, inputSize, 3] });
  const conv = (x: tf.SymbolicTensor, filters: number, kernelSize: number, strides = 1) =>
    tf.layers.conv2d({ filters, kernelSize, strides, padding: 'same', useBias: false, kernelInitializer: s.kernel as never }).apply(x) as tf.SymbolicTensor;
  const bnRelu6 = (x: tf.SymbolicTensor) => tf.layers.reLU({ maxValue: 6 }).apply(s.batchNorm().apply(x)) as tf.SymbolicTensor;
  const stem = bnRelu6(conv(input, 8, 3, 2));
  const expanded = bnRelu6(conv(stem, 16, 1));
  const depthwise = bnRelu6(
    tf.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', useBias: false, depthwiseInitializer: s.kernel as never }).apply(expanded) as tf.SymbolicTensor,
  );
  const projected = s.batchNorm().apply(conv(depthwise, 8, 1)) as tf.SymbolicTensor;
  const residual = tf.layers.add().apply([stem, projected]) as tf.SymbolicTensor;
  const last = bnRelu6(conv(residual, 12, 1));
  const size = last.shape[1]!;
  const pooled = tf.layers.averagePooling2d({ poolSize: size }).apply(last) as tf.SymbolicTensor;
  const output = classifierHead(tf.layers.flatten().apply(pooled) as tf.SymbolicTensor, numClasses, s);
  return tf.model({ inputs: input, outputs: output, name: 'mobilenet_v2_like' });
}

/**
 * InceptionV3-like: Keras's `conv2d_bn` blocks (conv without bias + BatchNormalization with
 * `scale: false` + ReLU), a max-pool, a mixed block of parallel branches (1x1; 1x1 -> 3x3; 3x3
 * average pool -> 1x1) concatenated on channels, global average pooling and a dense softmax.
 */
export function inceptionV3Like(options: KerasLikeOptions = {}): tf.LayersModel {
  const { inputSize, numClasses, seed, unitScaleTwin } = resolve(options);
  const s = new Seeds(seed);
  const input = tf.input({ shape: [inputSize, inputSize, 3] });
  const convBn = (x: tf.SymbolicTensor, filters: number, kernelSize: number, strides = 1, padding: 'same' | 'valid' = 'same') => {
    const conv = tf.layers.conv2d({ filters, kernelSize, strides, padding, useBias: false, kernelInitializer: s.kernel as never }).apply(x) as tf.SymbolicTensor;
    return tf.layers.activation({ activation: 'relu' }).apply(s.batchNorm(unitScaleTwin ? { scale: true, unitScale: true } : { scale: false }).apply(conv)) as tf.SymbolicTensor;
  };
  const stem = convBn(convBn(input, 8, 3, 2, 'valid'), 8, 3);
  const pooled = tf.layers.maxPooling2d({ poolSize: 3, strides: 2 }).apply(stem) as tf.SymbolicTensor;
  const branch1 = convBn(pooled, 6, 1);
  const branch3 = convBn(convBn(pooled, 4, 1), 6, 3);
  const branchPool = convBn(tf.layers.averagePooling2d({ poolSize: 3, strides: 1, padding: 'same' }).apply(pooled) as tf.SymbolicTensor, 4, 1);
  const mixed = tf.layers.concatenate({ axis: -1 }).apply([branch1, branch3, branchPool]) as tf.SymbolicTensor;
  const features = tf.layers.globalAveragePooling2d({}).apply(mixed) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: classifierHead(features, numClasses, s), name: 'inception_v3_like' });
}

/**
 * U-Net-like classifier: conv -> max-pool -> conv -> `UpSampling2D` (nearest) -> concatenate with the
 * skip connection -> conv -> global average pooling -> dense softmax.
 */
export function uNetLike(options: KerasLikeOptions = {}): tf.LayersModel {
  const { inputSize, numClasses, seed } = resolve(options);
  const s = new Seeds(seed);
  const input = tf.input({ shape: [inputSize, inputSize, 3] });
  const conv = (x: tf.SymbolicTensor, filters: number) =>
    tf.layers.conv2d({ filters, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: s.kernel as never, biasInitializer: s.bias as never }).apply(x) as tf.SymbolicTensor;
  const skip = conv(input, 6);
  const down = conv(tf.layers.maxPooling2d({ poolSize: 2 }).apply(skip) as tf.SymbolicTensor, 8);
  const up = tf.layers.upSampling2d({ size: [2, 2] }).apply(down) as tf.SymbolicTensor;
  const merged = conv(tf.layers.concatenate({ axis: -1 }).apply([skip, up]) as tf.SymbolicTensor, 6);
  const features = tf.layers.globalAveragePooling2d({}).apply(merged) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: classifierHead(features, numClasses, s), name: 'u_net_like' });
}

/**
 * Squeeze-and-excitation block: conv -> (global average pooling -> dense relu -> dense sigmoid ->
 * reshape to 1x1xC) -> multiply with the conv output -> global average pooling -> dense softmax.
 */
export function squeezeExciteLike(options: KerasLikeOptions = {}): tf.LayersModel {
  const { inputSize, numClasses, seed } = resolve(options);
  const s = new Seeds(seed);
  const input = tf.input({ shape: [inputSize, inputSize, 3] });
  const channels = 8;
  const conv = tf.layers
    .conv2d({ filters: channels, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: s.kernel as never, biasInitializer: s.bias as never })
    .apply(input) as tf.SymbolicTensor;
  const squeezed = tf.layers.globalAveragePooling2d({}).apply(conv) as tf.SymbolicTensor;
  const reduced = tf.layers.dense({ units: 4, activation: 'relu', kernelInitializer: s.kernel as never, biasInitializer: s.bias as never }).apply(squeezed) as tf.SymbolicTensor;
  const gates = tf.layers.dense({ units: channels, activation: 'sigmoid', kernelInitializer: s.kernel as never, biasInitializer: s.bias as never }).apply(reduced) as tf.SymbolicTensor;
  const excited = tf.layers.multiply().apply([conv, tf.layers.reshape({ targetShape: [1, 1, channels] }).apply(gates) as tf.SymbolicTensor]) as tf.SymbolicTensor;
  const features = tf.layers.globalAveragePooling2d({}).apply(excited) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: classifierHead(features, numClasses, s), name: 'squeeze_excite_like' });
}

/** Every builder by name (for tests that run each method on each structure). */
export const KERAS_LIKE_MODELS: Readonly<Record<string, (options?: KerasLikeOptions) => tf.LayersModel>> = {
  'MobileNetV2-like (AveragePooling2D head)': mobileNetV2Like,
  'InceptionV3-like (BatchNormalization scale: false)': inceptionV3Like,
  'U-Net-like (UpSampling2D)': uNetLike,
  'squeeze-excite block': squeezeExciteLike,
};
