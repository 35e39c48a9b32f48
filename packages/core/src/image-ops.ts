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

/**
 * Gaussian blur of a batch of volumes (N, D, H, W, C), channel by channel,
 * with mirrored edges: the 3-D counterpart of {@link gaussianBlur}, with the
 * same kernel along depth, rows and columns. Separable: three 1-D passes, each
 * a depthwise 2-D convolution over a reshaped view (tfjs has no depthwise 3-D
 * convolution).
 * @param sigma standard deviation in voxels; the kernel spans 3 sigma, capped by the smallest of D, H and W (reflection needs radius < size)
 */
export function gaussianBlur3d(volumes: tf.Tensor5D, sigma: number): tf.Tensor5D {
  const [batch, depth, height, width, channels] = volumes.shape;
  const radius = Math.max(0, Math.min(Math.ceil(3 * sigma), depth - 1, height - 1, width - 1));
  if (radius === 0 || sigma <= 0) return volumes.clone();
  const weights = gaussianKernel(sigma, radius);
  return tf.tidy(() => {
    const kernel = (shape: [number, number]) => tf.tile(tf.tensor4d(weights, [...shape, 1, 1]), [1, 1, channels, 1]) as tf.Tensor4D;
    // One 1-D pass along axis 1 or 2 of a 4-D view.
    const pass = (view: tf.Tensor4D, axis: 1 | 2): tf.Tensor4D => {
      const padding: [number, number][] = [[0, 0], [0, 0], [0, 0], [0, 0]];
      padding[axis] = [radius, radius];
      return tf.depthwiseConv2d(tf.mirrorPad(view, padding, 'reflect'), kernel(axis === 1 ? [weights.length, 1] : [1, weights.length]), 1, 'valid');
    };
    const planes = volumes.reshape([batch * depth, height, width, channels]) as tf.Tensor4D;
    const inPlane = pass(pass(planes, 2), 1);
    const alongDepth = pass(inPlane.reshape([batch, depth, height * width, channels]) as tf.Tensor4D, 1);
    return alongDepth.reshape([batch, depth, height, width, channels]) as tf.Tensor5D;
  });
}
