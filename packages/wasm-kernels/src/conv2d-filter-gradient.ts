import * as tf from '@tensorflow/tfjs';
import type { ConvGeometry } from './conv-geometry.js';

/**
 * The window of `x` that filter tap (row, col) sees at every output position:
 * (N, outH, outW, C), a strided slice of the zero-padded input.
 */
export function tapView(paddedX: tf.Tensor4D, g: ConvGeometry, row: number, col: number): tf.Tensor4D {
  const top = row * g.dilationHeight;
  const left = col * g.dilationWidth;
  if (g.strideHeight === 1 && g.strideWidth === 1) {
    // A plain slice copies whole channel runs; the strided one walks element by element.
    return tf.slice(paddedX, [0, top, left, 0], [-1, g.outHeight, g.outWidth, -1]);
  }
  return tf.stridedSlice(
    paddedX,
    [0, top, left, 0],
    [paddedX.shape[0], top + (g.outHeight - 1) * g.strideHeight + 1, left + (g.outWidth - 1) * g.strideWidth + 1, paddedX.shape[3]],
    [1, g.strideHeight, g.strideWidth, 1],
  ) as tf.Tensor4D;
}

/** `x` zero-padded as the forward convolution padded it. */
export function padAsForward(x: tf.Tensor4D, g: ConvGeometry): tf.Tensor4D {
  if (!(g.padTop || g.padBottom || g.padLeft || g.padRight)) return x;
  return tf.pad(x, [
    [0, 0],
    [g.padTop, g.padBottom],
    [g.padLeft, g.padRight],
    [0, 0],
  ]);
}

/**
 * The filter gradient of a conv2d (NHWC; any stride, dilation, padding):
 * for each filter tap, the (inC, outC) matrix product of the tap's view of
 * the input with the upstream gradient, both flattened over batch and
 * positions. kh * kw matrix products, each the backend's forward MatMul.
 * @param x (N, inH, inW, inC)
 * @param dy (N, outH, outW, outC)
 * @returns (kh, kw, inC, outC)
 */
export function conv2dFilterGradient(x: tf.Tensor4D, dy: tf.Tensor4D, g: ConvGeometry): tf.Tensor4D {
  return tf.tidy(() => {
    const inChannels = x.shape[3];
    const outChannels = dy.shape[3];
    const rows = g.batch * g.outHeight * g.outWidth;
    const dyMatrix = tf.reshape(dy, [rows, outChannels]) as tf.Tensor2D;
    const padded = padAsForward(x, g);
    const taps: tf.Tensor2D[] = [];
    for (let row = 0; row < g.filterHeight; row++) {
      for (let col = 0; col < g.filterWidth; col++) {
        const view = tf.reshape(tapView(padded, g, row, col), [rows, inChannels]) as tf.Tensor2D;
        taps.push(tf.matMul(view, dyMatrix, true, false));
      }
    }
    return tf.reshape(tf.stack(taps), [g.filterHeight, g.filterWidth, inChannels, outChannels]) as tf.Tensor4D;
  });
}
