import * as tf from '@tensorflow/tfjs';

/**
 * tfjs-core 4.22's FusedBatchNorm input gradient multiplies dy by
 * rsqrt(variance + eps) TILED to the full input shape: on wasm that Tile
 * alone took over half of a MobileNet-style backward pass. Broadcasting the
 * (C) vector scale * rsqrt(variance + eps) computes the same products
 * without the copy (one rounding fewer: within 1 ulp). The other gradients
 * (mean, variance, scale, offset) are tfjs's, unchanged.
 */
export function batchNormGradConfig(stock: tf.GradConfig): tf.GradConfig {
  return {
    kernelName: 'FusedBatchNorm',
    inputsToSave: stock.inputsToSave ?? ['x', 'mean', 'variance', 'scale'],
    gradFunc: (dy, saved, attrs) => {
      const stockGradients = stock.gradFunc(dy, saved, attrs);
      const [x, , variance, scale] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor | undefined];
      const { varianceEpsilon } = attrs as unknown as { varianceEpsilon: number };
      return {
        ...stockGradients,
        x: () => {
          const factor = tf.mul(tf.rsqrt(tf.add(variance, tf.scalar(varianceEpsilon))), scale ?? tf.scalar(1));
          return tf.reshape(tf.mul(dy as tf.Tensor, factor), x.shape);
        },
      };
    },
  };
}
