import * as tf from '@tensorflow/tfjs';

/** Normalised 1-D Gaussian weights over [-radius, radius]. */
function gaussianKernel(sigma: number, radius: number): number[] {
  const weights = Array.from({ length: 2 * radius + 1 }, (_, i) => Math.exp(-((i - radius) ** 2) / (2 * sigma * sigma)));
  const total = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => w / total);
}

/**
 * Gaussian blur of a batch (N, H, W, C), channel by channel, with mirrored
 * edges (zero padding would darken the border). Separable: a row pass, then
 * a column pass, both plain forward depthwise convolutions.
 * @param sigma standard deviation in pixels; the kernel spans 3 sigma, capped by the image size
 */
export function gaussianBlur(images: tf.Tensor4D, sigma: number): tf.Tensor4D {
  const [, height, width, channels] = images.shape;
  const radius = Math.max(0, Math.min(Math.ceil(3 * sigma), height - 1, width - 1));
  if (radius === 0 || sigma <= 0) return images.clone();
  const weights = gaussianKernel(sigma, radius);
  return tf.tidy(() => {
    const padded = tf.mirrorPad(images, [[0, 0], [radius, radius], [radius, radius], [0, 0]], 'reflect');
    const tile = (shape: [number, number]) => tf.tile(tf.tensor4d(weights, [...shape, 1, 1]), [1, 1, channels, 1]) as tf.Tensor4D;
    const rows = tf.depthwiseConv2d(padded, tile([1, weights.length]), 1, 'valid');
    return tf.depthwiseConv2d(rows, tile([weights.length, 1]), 1, 'valid');
  });
}
