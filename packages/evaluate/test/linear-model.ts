import * as tf from '@tensorflow/tfjs';
import { seededRandom } from '@tfxai/core';

/** Seeded uniform values in [lo, hi), drawn on the host. */
export function seededValues(count: number, seed: number, lo = 0, hi = 1): Float32Array {
  const random = seededRandom(seed);
  return Float32Array.from({ length: count }, () => lo + (hi - lo) * random());
}

/**
 * A model linear in its inputs: class 0 scores `sum(w * x) + bias`, class 1
 * the negative, so every score change is exactly the sum of `w * dx`.
 */
export function linearModel(weights: tf.Tensor, bias = 0): (x: tf.Tensor4D) => tf.Tensor {
  return (x) =>
    tf.tidy(() => {
      const axes = x.shape.slice(1).map((_, a) => a + 1);
      const score = tf.add(tf.sum(tf.mul(x, weights), axes), bias);
      return tf.stack([score, tf.neg(score)], 1);
    });
}

/** Host copy of a tensor's values in double precision. */
export function hostValues(t: tf.Tensor): Float64Array {
  return Float64Array.from(t.dataSync());
}
