import * as tf from '@tensorflow/tfjs';
import { targetSelector, withTfxaiKernels, type ImageBatch, type ModelAdapter } from '@tfxai/core';

/**
 * Integrated Gradients through a linear first layer, exactly, with less work.
 *
 * The path points are x_k = b + a_k (x - b). When the model's first layer is a convolution
 * followed by its activation, its pre-activation is linear in its input:
 *   z_k = conv(b) + bias + a_k conv(x - b),
 * so the first layer's forward pass over all points is two convolutions and a per-point scale.
 * And the input gradient through it is linear in the gradient at z (conv's transpose), so the
 * weighted sum over points of the input gradients equals ONE backward pass through the first
 * layer of the weighted sum of the gradients at z:
 *   sum_k w_k dF/dx(x_k) = conv^T( sum_k w_k dF/dz(z_k) ).
 * The rest of the network still runs once per point. Exact up to float rounding; applies to
 * any quadrature rule and baseline. (It does not apply to SmoothGrad: noise enters every input
 * element independently, so there is no shared direction; it applies to any method whose
 * inputs lie on lines through a common point: IG and its multi-baseline variants.)
 * The same holds for a Conv3D first layer on volumes: conv3d is as linear as conv2d.
 */

/** A layers model cut after its first layer's linear part. */
export interface FirstLayerSplit {
  /** The first layer's convolution without bias: (N, H, W, C) -> (N, H', W', F), or (N, D, H, W, C) -> (N, D', H', W', F) for a Conv3D. */
  linear(x: ImageBatch): ImageBatch;
  /** The first layer's bias (F,), or undefined. */
  bias: tf.Tensor1D | undefined;
  /** The first layer's activation, then every later layer: pre-activations in, scores (N, classes) out. */
  rest(z: ImageBatch): tf.Tensor2D;
}

interface LayerInternals {
  getClassName(): string;
  getConfig(): Record<string, unknown>;
  apply(x: tf.Tensor, kwargs?: Record<string, unknown>): tf.Tensor | tf.Tensor[];
  kernel?: { read(): tf.Tensor };
  bias?: { read(): tf.Tensor } | null;
  activation?: { apply(x: tf.Tensor): tf.Tensor };
}

/** The first-layer convolutions the shortcut splits at, with the forward op of their linear part. */
const SPLIT_CONVOLUTIONS: Record<string, (x: ImageBatch, kernel: tf.Tensor, strides: number[], padding: 'same' | 'valid', dilation: number[]) => ImageBatch> = {
  Conv2D: (x, kernel, strides, padding, dilation) => tf.conv2d(x as tf.Tensor4D, kernel as tf.Tensor4D, strides as [number, number], padding, 'NHWC', dilation as [number, number]),
  Conv3D: (x, kernel, strides, padding, dilation) => tf.conv3d(x as tf.Tensor5D, kernel as tf.Tensor5D, strides as [number, number, number], padding, 'NDHWC', dilation as [number, number, number]),
};

/**
 * The split of a `tf.Sequential` whose first layer is a channels-last `Conv2D` or `Conv3D`;
 * undefined for every other model (graph models, functions, functional models, other first
 * layers), which then take the plain path.
 */
export function splitAtFirstLayer(adapter: ModelAdapter): FirstLayerSplit | undefined {
  if (adapter.kind !== 'layers') return undefined;
  const model = adapter.model as tf.LayersModel;
  if (model.getClassName() !== 'Sequential' || model.outputs.length !== 1) return undefined;
  const layers = model.layers as unknown as LayerInternals[];
  const first = layers[0];
  const convolution = first && SPLIT_CONVOLUTIONS[first.getClassName()];
  if (!first || !convolution || !first.kernel || !first.activation) return undefined;
  const config = first.getConfig();
  if (config['dataFormat'] !== 'channelsLast') return undefined;
  const strides = config['strides'] as number[];
  const padding = config['padding'] as 'same' | 'valid';
  // Conv3D's config may hold one dilation number for every axis.
  const dilationRate = config['dilationRate'] as number | number[];
  const dilation = typeof dilationRate === 'number' ? strides.map(() => dilationRate) : dilationRate;
  if (padding !== 'same' && padding !== 'valid') return undefined;
  const kernel = first.kernel.read();
  const bias = first.bias ? (first.bias.read() as tf.Tensor1D) : undefined;
  const activation = first.activation;
  return {
    linear: (x) => convolution(x, kernel, strides, padding, dilation),
    bias,
    rest: (z) => {
      let h: tf.Tensor = activation.apply(z);
      for (const layer of layers.slice(1)) h = layer.apply(h, { training: false }) as tf.Tensor;
      return (h.rank === 1 ? h.reshape([h.shape[0]!, 1]) : h) as tf.Tensor2D;
    },
  };
}

/**
 * For each segment of path points (one baseline's points `alphas` with `weights`), the weighted
 * sum of input gradients of the target score, sum_k w_k dF_target/dx at b + a_k (x - b), as
 * (1, H, W, C) or (1, D, H, W, C) tensors: the same numbers `targetGradients` gives summed over the segment's rows.
 * @param baselines one (1, H, W, C) or (1, D, H, W, C) baseline per segment; @param differences x - baseline per segment
 */
export function firstLayerGradientSums(
  split: FirstLayerSplit,
  segments: readonly { alphas: readonly number[]; weights: readonly number[] }[],
  baselines: readonly tf.Tensor[],
  differences: readonly tf.Tensor[],
  target: number,
  numClasses: number,
): ImageBatch[] {
  // Inside tfxai's kernel scope, as targetGradients runs the plain path.
  return withTfxaiKernels(() => tf.tidy(() => {
    // The pre-activations of every point: z0 + a_k d per segment, stacked as one batch.
    const rows = tf.concat(
      segments.map((segment, s) => {
        const start = split.bias ? tf.add(split.linear(baselines[s] as ImageBatch), split.bias) : split.linear(baselines[s] as ImageBatch);
        const direction = split.linear(differences[s] as ImageBatch);
        const alphas = tf.tensor(segment.alphas as number[], [segment.alphas.length, ...new Array<number>(direction.rank - 1).fill(1)]);
        return tf.add(start, tf.mul(alphas, direction));
      }),
    ) as ImageBatch;
    const weights = segments.flatMap((segment) => segment.weights);
    const selector = targetSelector(new Array<number>(weights.length).fill(target), numClasses, weights);
    const atPreActivation = tf.grad((z) => tf.sum(tf.mul(split.rest(z as ImageBatch), selector)))(rows) as ImageBatch;
    // Per segment: sum the weighted gradients at z, then one transposed convolution back to x.
    let offset = 0;
    return segments.map((segment, s) => {
      const summed = tf.sum(tf.slice(atPreActivation, offset, segment.alphas.length), 0, true);
      offset += segment.alphas.length;
      // conv is linear, so its vector-Jacobian product does not depend on the point it is taken at.
      return tf.grad((x) => split.linear(x as ImageBatch))(differences[s]!, summed) as ImageBatch;
    });
  }));
}
