import * as tf from '@tensorflow/tfjs';
import type { ConvGeometry } from './conv-geometry.js';
import { transposedFrame } from './transposed-frame.js';

/**
 * The input gradient of a depthwise conv2d (NHWC; any stride, dilation,
 * padding and channel multiplier M) as ONE forward depthwise conv2d: every
 * upstream channel c*M + m correlated with its own rotated filter w[:, :, c, m],
 * then the M results of each input channel summed.
 * @param dy (N, outH, outW, C * M)
 * @param filter (kh, kw, C, M)
 */
export function depthwiseInputGradient(dy: tf.Tensor4D, filter: tf.Tensor4D, g: ConvGeometry): tf.Tensor4D {
  return tf.tidy(() => {
    const [kh, kw, channels, multiplier] = filter.shape;
    const { frame, padding } = transposedFrame(dy, g);
    // Channel c*M + m of dy pairs with filter[:, :, c, m]: the same order as a (kh, kw, C*M, 1) reshape.
    const rotated = tf.reshape(tf.reverse(filter, [0, 1]), [kh, kw, channels * multiplier, 1]) as tf.Tensor4D;
    const perProduct = tf.depthwiseConv2d(frame, rotated, 1, padding, 'NHWC', [g.dilationHeight, g.dilationWidth]);
    if (multiplier === 1) return perProduct;
    const [n, h, w] = perProduct.shape;
    return tf.sum(tf.reshape(perProduct, [n, h, w, channels, multiplier]), 4) as tf.Tensor4D;
  });
}
