import * as tf from '@tensorflow/tfjs';
import type { SmoothGradMode } from './smooth-grad-options.js';

/**
 * Mean and sum of squared deviations of a set of samples, element-wise: what
 * SmoothGrad keeps while it sees the samples chunk by chunk. Merging chunks is
 * exact (Chan et al. 1979), so the result does not depend on the chunk size,
 * and the variance stays accurate without storing every sample.
 */
export interface SampleMoments {
  /** Number of samples seen. */
  count: number;
  /** Their element-wise mean, with a leading axis of 1. */
  mean: tf.Tensor;
  /**
   * Their element-wise sum of squared deviations from `mean`, same shape; undefined when not
   * tracked (the `'plain'` mean needs none: three passes over the samples saved per chunk).
   */
  squaredDeviations?: tf.Tensor;
}

/** Whether `mode` needs the squared deviations (its statistic involves the variance). */
export function needsDeviations(mode: SmoothGradMode): boolean {
  return mode !== 'plain';
}

/** The moments of `samples` along axis 0 (the caller keeps `samples`); the deviations only when `withDeviations`. */
export function sampleMoments(samples: tf.Tensor, withDeviations = true): SampleMoments {
  return tf.tidy(() => {
    const mean = tf.mean(samples, 0, true);
    const squaredDeviations = withDeviations ? tf.sum(tf.square(tf.sub(samples, mean)), 0, true) : undefined;
    return { count: samples.shape[0]!, mean, squaredDeviations };
  });
}

/** Chan et al.'s pairwise merge of two sets of moments; disposes both inputs. `total` undefined: `chunk` itself. */
export function mergeMoments(total: SampleMoments | undefined, chunk: SampleMoments): SampleMoments {
  if (!total) return chunk;
  const count = total.count + chunk.count;
  const merged = tf.tidy(() => {
    const delta = tf.sub(chunk.mean, total.mean);
    const mean = tf.add(total.mean, tf.mul(delta, chunk.count / count));
    if (!total.squaredDeviations || !chunk.squaredDeviations) return { mean };
    const squaredDeviations = tf.addN([total.squaredDeviations, chunk.squaredDeviations, tf.mul(tf.square(delta), (total.count * chunk.count) / count)]);
    return { mean, squaredDeviations };
  });
  disposeMoments(total);
  disposeMoments(chunk);
  return { count, ...merged };
}

/**
 * The SmoothGrad statistic of the samples (a new tensor): `'plain'` the mean,
 * `'squared'` the mean square, `'vargrad'` the (population) variance.
 */
export function combineMoments(moments: SampleMoments, mode: SmoothGradMode): tf.Tensor {
  return tf.tidy(() => {
    if (mode === 'plain') return moments.mean.clone();
    if (!moments.squaredDeviations) throw new Error(`SmoothGrad mode '${mode}' needs the squared deviations; these moments were taken without them`);
    const variance = tf.div(moments.squaredDeviations, moments.count);
    return mode === 'squared' ? tf.add(variance, tf.square(moments.mean)) : variance;
  });
}

/** Disposes the tensors of `moments` (undefined: nothing). */
export function disposeMoments(moments: SampleMoments | undefined): void {
  if (moments) tf.dispose([moments.mean, ...(moments.squaredDeviations ? [moments.squaredDeviations] : [])]);
}
