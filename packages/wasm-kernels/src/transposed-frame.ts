import * as tf from '@tensorflow/tfjs';
import type { ConvGeometry } from './conv-geometry.js';

/** Explicit NHWC padding as tfjs's convolution ops take it. */
export type ExplicitPadding = [[number, number], [number, number], [number, number], [number, number]];

/**
 * Lays out the upstream gradient `dy` (N, outH, outW, C) so that a forward,
 * stride-1 convolution with the 180-degree-rotated filter (same dilation)
 * yields the input gradient (N, inH, inW, ...):
 *
 *   dx[i] = sum_k dy[(i + padTop - k * dilation) / stride] * w[k]
 *
 * which is a correlation of dy, spread out by the stride (stride - 1 zeros
 * between rows and between columns), with the rotated filter, after padding
 * it by (effectiveFilter - 1 - padTop) above and by whatever makes the
 * output inH tall below. Where that padding comes out negative (explicit
 * paddings larger than the filter, or input rows no window reaches) the rows
 * are cropped instead.
 * @returns the spread, cropped gradient and the explicit padding for the forward convolution
 */
export function transposedFrame(dy: tf.Tensor4D, g: ConvGeometry): { frame: tf.Tensor4D; padding: ExplicitPadding } {
  const spread = spreadByStride(dy, g.strideHeight, g.strideWidth);
  // Rows of `spread` past the last real one (stride - 1 trailing zeros) count as padding already.
  const [rows, cols] = [spread.shape[1], spread.shape[2]];
  const top = g.effectiveFilterHeight - 1 - g.padTop;
  const left = g.effectiveFilterWidth - 1 - g.padLeft;
  const bottom = g.inHeight - 1 + g.effectiveFilterHeight - top - rows;
  const right = g.inWidth - 1 + g.effectiveFilterWidth - left - cols;
  const cropTop = Math.max(0, -top);
  const cropLeft = Math.max(0, -left);
  const cropBottom = Math.max(0, -bottom);
  const cropRight = Math.max(0, -right);
  const frame =
    cropTop || cropLeft || cropBottom || cropRight
      ? (tf.slice(spread, [0, cropTop, cropLeft, 0], [-1, rows - cropTop - cropBottom, cols - cropLeft - cropRight, -1]) as tf.Tensor4D)
      : spread;
  return {
    frame,
    padding: [
      [0, 0],
      [Math.max(0, top), Math.max(0, bottom)],
      [Math.max(0, left), Math.max(0, right)],
      [0, 0],
    ],
  };
}

/**
 * (N, H, W, C) -> (N, H * sh, W * sw, C) with each value followed by sh - 1
 * zero rows and sw - 1 zero columns: a reshape, a pad and a reshape, no scatter.
 */
export function spreadByStride(x: tf.Tensor4D, strideHeight: number, strideWidth: number): tf.Tensor4D {
  if (strideHeight === 1 && strideWidth === 1) return x;
  const [n, h, w, c] = x.shape;
  const expanded = tf.reshape(x, [n, h, 1, w, 1, c]);
  const padded = tf.pad(expanded, [
    [0, 0],
    [0, 0],
    [0, strideHeight - 1],
    [0, 0],
    [0, strideWidth - 1],
    [0, 0],
  ]);
  return tf.reshape(padded, [n, h * strideHeight, w * strideWidth, c]);
}
