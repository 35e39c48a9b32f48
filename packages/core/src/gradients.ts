import * as tf from '@tensorflow/tfjs';
import type { ImageBatch } from './image-batch.js';
import type { ModelAdapter } from './model-adapter.js';
import { withTfxaiKernels } from './kernel-scope.js';
import { targetSelector } from './target-selection.js';

/**
 * Gradient of each row's target score with respect to the input rows,
 * scaled by `rowWeights` (default 1): row r of the result is
 * `rowWeights[r] * d F(x_r)[targets[r]] / d x_r`. One backward pass for the
 * whole batch; rows do not interact because inference is per example.
 * Runs inside {@link withTfxaiKernels} (tfxai's scoped kernels and gradients).
 */
export function targetGradients<T extends ImageBatch>(
  adapter: ModelAdapter,
  inputs: T,
  targets: readonly number[],
  numClasses: number,
  rowWeights?: readonly number[],
): T {
  return tf.tidy(() => {
    const selector = targetSelector(targets, numClasses, rowWeights);
    const objective = (x: tf.Tensor) => tf.sum(tf.mul(adapter.predict(x as ImageBatch), selector));
    return withTfxaiKernels(() => tf.grad(objective)(inputs)) as T;
  });
}
