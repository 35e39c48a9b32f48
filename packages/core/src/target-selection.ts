import * as tf from '@tensorflow/tfjs';
import { ClassIndexError, InvalidInputError } from './errors.js';

/**
 * Expands `targets` to one class index per example and checks each against
 * the model's class count.
 * @param targets one class index for the whole batch, or one per example
 */
export function resolveTargets(targets: number | readonly number[], batchSize: number, numClasses: number): number[] {
  const list = typeof targets === 'number' ? new Array<number>(batchSize).fill(targets) : [...targets];
  if (list.length !== batchSize) {
    throw new InvalidInputError(`got ${list.length} targets for a batch of ${batchSize}; give one number, or one per example`);
  }
  for (const t of list) {
    if (!Number.isInteger(t) || t < 0 || t >= numClasses) throw new ClassIndexError(t, numClasses);
  }
  return list;
}

/**
 * A (rows, classes) matrix with `rowWeights[r]` at column `targets[r]` and 0
 * elsewhere. Multiplying scores by it and summing selects (and weights) each
 * row's target score. Built on the host rather than with `gather`/`oneHot`,
 * whose gradients some backends (wasm) lack.
 */
export function targetSelector(targets: readonly number[], numClasses: number, rowWeights?: readonly number[]): tf.Tensor2D {
  const values = new Float32Array(targets.length * numClasses);
  targets.forEach((t, r) => {
    values[r * numClasses + t] = rowWeights ? rowWeights[r]! : 1;
  });
  return tf.tensor2d(values, [targets.length, numClasses]);
}

/** Each row's target score, (rows,), differentiable. */
export function selectTargetScores(scores: tf.Tensor2D, targets: readonly number[]): tf.Tensor1D {
  return tf.tidy(() => tf.sum(tf.mul(scores, targetSelector(targets, scores.shape[1])), 1));
}
