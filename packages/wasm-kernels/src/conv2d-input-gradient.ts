import * as tf from '@tensorflow/tfjs';
import type { ConvGeometry } from './conv-geometry.js';
import { transposedFrame } from './transposed-frame.js';

/**
 * The input gradient of a conv2d (NHWC; any stride, dilation and padding) as
 * ONE forward conv2d: the stride-spread, framed upstream gradient correlated
 * with the filter rotated by 180 degrees and with its in/out channel axes
 * swapped, at the forward pass's dilation. Forward convolutions are the
 * backends' fastest kernels (XNNPACK on wasm), so this beats the direct
 * backprop loops while computing the same sums.
 * @param dy (N, outH, outW, outC)
 * @param filter (kh, kw, inC, outC)
 */
export function conv2dInputGradient(dy: tf.Tensor4D, filter: tf.Tensor4D, g: ConvGeometry): tf.Tensor4D {
  return tf.tidy(() => {
    const { frame, padding } = transposedFrame(dy, g);
    const rotated = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
    return tf.conv2d(frame, rotated, 1, padding, 'NHWC', [g.dilationHeight, g.dilationWidth]);
  });
}
