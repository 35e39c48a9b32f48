import * as tf from '@tensorflow/tfjs';

/**
 * Trilinear resize of volume maps with half-voxel centres (voxel i of n spans
 * [i, i + 1) and its value sits at i + 0.5; the same convention as
 * {@link resizeMap} for 2-D maps and as OpenCV/TensorFlow's
 * `half_pixel_centers`). Linear interpolation is separable, so it is two
 * bilinear passes: height and width with depth as the batch, then depth
 * (a bilinear resize that keeps the other axis at its size is the identity
 * on it). Differentiable on every backend.
 * @param maps (D, H, W) or a batch (N, D, H, W)
 * @param size the target [depth, height, width]
 * @returns maps of shape (D', H', W') or (N, D', H', W'); the caller owns it
 */
export function resizeVolume<T extends tf.Tensor3D | tf.Tensor4D>(maps: T, size: readonly [number, number, number]): T {
  return tf.tidy(() => {
    const batch = (maps.rank === 3 ? maps.expandDims(0) : maps) as tf.Tensor4D;
    const [n, d, h, w] = batch.shape;
    const [outD, outH, outW] = size;
    let out = batch as tf.Tensor;
    if (outH !== h || outW !== w) {
      out = tf.image.resizeBilinear(batch.reshape([n * d, h, w, 1]) as tf.Tensor4D, [outH, outW], false, true).reshape([n, d, outH, outW]);
    }
    if (outD !== d) {
      out = tf.image.resizeBilinear(out.reshape([n, d, outH * outW, 1]) as tf.Tensor4D, [outD, outH * outW], false, true).reshape([n, outD, outH, outW]);
    }
    return (maps.rank === 3 ? out.squeeze([0]) : out) as T;
  });
}
