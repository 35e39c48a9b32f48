import * as tf from '@tensorflow/tfjs';
import { defineMethod, minMaxNormalize, type XaiMethod } from '@tfxai/core';

/**
 * A "method" that ignores the model: the Sobel edge magnitude of the image,
 * summed over channels. It is what Adebayo et al. warn about: maps that look
 * plausible but do not depend on the weights. Registered as a plugin.
 */
export const edgeDetectorModule = defineMethod({
  name: 'edge-detector',
  description: 'Sobel edges of the input; independent of the model (a test plugin)',
  create: (): XaiMethod => ({
    name: 'edge-detector',
    async computeHeatmap(image: tf.Tensor, _classIndex: number, eps = 1e-8): Promise<tf.Tensor2D> {
      return tf.tidy(() => {
        const batch = (image.rank === 3 ? image.expandDims(0) : image) as tf.Tensor4D;
        const gray = tf.sum(batch, -1, true) as tf.Tensor4D;
        const sobelX = tf.tensor4d([-1, 0, 1, -2, 0, 2, -1, 0, 1], [3, 3, 1, 1]);
        const sobelY = tf.tensor4d([-1, -2, -1, 0, 0, 0, 1, 2, 1], [3, 3, 1, 1]);
        const gx = tf.conv2d(gray, sobelX, 1, 'same');
        const gy = tf.conv2d(gray, sobelY, 1, 'same');
        const magnitude = tf.sqrt(tf.add(tf.square(gx), tf.square(gy))).squeeze([0, 3]) as tf.Tensor2D;
        return minMaxNormalize(magnitude, eps);
      });
    },
  }),
});
