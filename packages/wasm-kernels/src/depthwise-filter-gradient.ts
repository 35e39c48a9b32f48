import * as tf from '@tensorflow/tfjs';
import type { ConvGeometry } from './conv-geometry.js';
import { padAsForward, tapView } from './conv2d-filter-gradient.js';

/**
 * The filter gradient of a depthwise conv2d (NHWC; any stride, dilation,
 * padding, channel multiplier M): for each filter tap, the tap's view of the
 * input times the upstream gradient, summed over batch and positions.
 * @param x (N, inH, inW, C)
 * @param dy (N, outH, outW, C * M)
 * @returns (kh, kw, C, M)
 */
export function depthwiseFilterGradient(x: tf.Tensor4D, dy: tf.Tensor4D, g: ConvGeometry, multiplier: number): tf.Tensor4D {
  return tf.tidy(() => {
    const channels = x.shape[3];
    const dyPerChannel = tf.reshape(dy, [g.batch, g.outHeight, g.outWidth, channels, multiplier]);
    const padded = padAsForward(x, g);
    const taps: tf.Tensor[] = [];
    for (let row = 0; row < g.filterHeight; row++) {
      for (let col = 0; col < g.filterWidth; col++) {
        const view = tf.expandDims(tapView(padded, g, row, col), 4);
        taps.push(tf.sum(tf.mul(view, dyPerChannel), [0, 1, 2]));
      }
    }
    return tf.reshape(tf.stack(taps), [g.filterHeight, g.filterWidth, channels, multiplier]) as tf.Tensor4D;
  });
}
