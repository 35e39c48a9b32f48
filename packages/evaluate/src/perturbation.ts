import * as tf from '@tensorflow/tfjs';
import { InvalidInputError } from '@tfxai/core';

/**
 * A user's perturbation: for example `example` and draw `sample`, a tensor of
 * the shape of one input (...spatial, C). The metric disposes it. Tests use it
 * to compute the metrics by hand; the default draws seeded noise.
 */
export type PerturbationFunction = (example: number, sample: number) => tf.Tensor;

/** Calls a perturbation function and checks its result's shape. */
export function userPerturbation(perturb: PerturbationFunction, example: number, sample: number, shape: readonly number[]): tf.Tensor {
  const value = perturb(example, sample);
  if (!(value instanceof tf.Tensor) || value.shape.join() !== shape.join()) {
    if (value instanceof tf.Tensor) value.dispose();
    throw new InvalidInputError(`perturbation(${example}, ${sample}) must return a tf.Tensor of shape [${shape}] (one input); got ${value instanceof tf.Tensor ? `shape [${value.shape}]` : typeof value}`);
  }
  return value;
}
