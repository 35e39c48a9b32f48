import * as tf from '@tensorflow/tfjs';
import type { ModelFunction } from '@tfxai/core';
import { seededPixels, segmentMeans } from './fixtures.js';

/** One seeded volume (1, D, H, W, C) with values in [0.2, 1), from the fixtures' own generator. */
export function seededVolume(depth: number, height: number, width: number, channels = 1, seed = 3): tf.Tensor5D {
  return tf.tensor5d(seededPixels(depth * height, width, channels, seed), [1, depth, height, width, channels]);
}

/** A label volume of boxes: slices split at `depthCuts`, rows at `rowCuts`, columns at `colCuts` (row-major box ids). */
export function boxLabels(depth: number, height: number, width: number, depthCuts: number[], rowCuts: number[], colCuts: number[]): Int32Array {
  const band = (v: number, cuts: number[]) => cuts.filter((cut) => v >= cut).length;
  return Int32Array.from({ length: depth * height * width }, (_, p) => {
    const [d, r, c] = [Math.floor(p / (height * width)), Math.floor(p / width) % height, p % width];
    return (band(d, depthCuts) * (rowCuts.length + 1) + band(r, rowCuts)) * (colCuts.length + 1) + band(c, colCuts);
  });
}

/** The label volume as nested arrays: D slices of H rows of W labels. */
export function labelSlices(labels: Int32Array, depth: number, height: number, width: number): number[][][] {
  return Array.from({ length: depth }, (_, d) => Array.from({ length: height }, (_, r) => Array.from(labels.subarray((d * height + r) * width, (d * height + r + 1) * width))));
}

/** Per-volume segment means (N, K) of (N, D, H, W, C): a (D * H, W) view has the same row-major voxel order. */
export function volumeSegmentMeans(x: tf.Tensor, labels: Int32Array, count: number): tf.Tensor2D {
  return tf.tidy(() => {
    const [n, d, h, w, c] = x.shape as [number, number, number, number, number];
    return segmentMeans(x.reshape([n, d * h, w, c]) as tf.Tensor4D, labels, count);
  });
}

/** Linear in its supervoxels: class 0 = b + sum_k w_k * mean of segment k; class 1 = -class 0. */
export function supervoxelLinearModel(labels: Int32Array, weights: readonly number[], bias: number): ModelFunction {
  return (x) =>
    tf.tidy(() => {
      const score = tf.matMul(volumeSegmentMeans(x, labels, weights.length), tf.tensor2d([...weights], [weights.length, 1])).add(bias);
      return tf.concat([score, tf.neg(score)], 1);
    });
}
