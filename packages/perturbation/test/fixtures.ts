import * as tf from '@tensorflow/tfjs';
import type { ModelFunction } from '@tfxai/core';

/** Seeded pixel values in [low, high), row-major (H, W, C), from a generator written here. */
export function seededPixels(height: number, width: number, channels: number, seed = 3, low = 0.2, high = 1): Float32Array {
  // A linear congruential generator written here, so the fixtures do not depend on the code under test.
  let state = seed >>> 0 || 1;
  return Float32Array.from({ length: height * width * channels }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return low + ((high - low) * state) / 4294967296;
  });
}

/** One seeded image (1, H, W, C) of {@link seededPixels} in [0.2, 1). */
export function seededImage(height: number, width: number, channels = 3, seed = 3): tf.Tensor4D {
  return tf.tensor4d(seededPixels(height, width, channels, seed), [1, height, width, channels]);
}

/** A rectangle of pixels [r0, r1) x [c0, c1). */
export interface Region {
  r0: number;
  r1: number;
  c0: number;
  c1: number;
}

/**
 * Two classes whose scores depend only on one region: p0 = sigmoid(a * mean(region) + b), p1 = 1 - p0.
 * The mean runs over the region's pixels and all channels.
 */
export function regionModel(region: Region, a = 4, b = -2): { model: ModelFunction; score: (pixels: Float32Array, width: number, channels: number) => number } {
  const model: ModelFunction = (x) =>
    tf.tidy(() => {
      const inside = tf.slice(x, [0, region.r0, region.c0, 0], [-1, region.r1 - region.r0, region.c1 - region.c0, -1]);
      const p0 = tf.sigmoid(tf.mean(inside, [1, 2, 3]).mul(a).add(b));
      return tf.stack([p0, tf.sub(1, p0)], 1);
    });
  // The same score, computed directly on host pixels.
  const score = (pixels: Float32Array, width: number, channels: number) => {
    let sum = 0;
    for (let r = region.r0; r < region.r1; r++) for (let c = region.c0; c < region.c1; c++) for (let j = 0; j < channels; j++) sum += pixels[(r * width + c) * channels + j]!;
    const mean = sum / ((region.r1 - region.r0) * (region.c1 - region.c0) * channels);
    return 1 / (1 + Math.exp(-(a * mean + b)));
  };
  return { model, score };
}

/** Per-image segment means (N, K) of a (N, H, W, C) batch: mean over each segment's pixels and all channels. */
export function segmentMeans(x: tf.Tensor4D, labels: Int32Array, count: number): tf.Tensor2D {
  return tf.tidy(() => {
    const [n, height, width] = x.shape;
    const sizes = new Float32Array(count);
    labels.forEach((l) => sizes[l]!++);
    const averaging = new Float32Array(height * width * count);
    labels.forEach((l, p) => (averaging[p * count + l] = 1 / sizes[l]!));
    const perPixel = tf.mean(x, 3).reshape([n, height * width]);
    return tf.matMul(perPixel, tf.tensor2d(averaging, [height * width, count]));
  });
}

/** Host-side segment means of one image (H, W, C). */
export function hostSegmentMeans(pixels: Float32Array, labels: Int32Array, count: number, channels: number): number[] {
  const sums = new Array<number>(count).fill(0);
  const sizes = new Array<number>(count).fill(0);
  labels.forEach((l, p) => {
    sizes[l]! += channels;
    for (let j = 0; j < channels; j++) sums[l]! += pixels[p * channels + j]!;
  });
  return sums.map((s, k) => s / sizes[k]!);
}

/**
 * Linear in its superpixels: class 0 = b + sum_k w_k * mean of segment k; class 1 = -class 0.
 * With fill 0, hiding segment k removes exactly w_k * mean_k.
 */
export function superpixelLinearModel(labels: Int32Array, weights: readonly number[], bias: number): ModelFunction {
  return (x) =>
    tf.tidy(() => {
      const score = tf.matMul(segmentMeans(x, labels, weights.length), tf.tensor2d([...weights], [weights.length, 1])).add(bias);
      return tf.concat([score, tf.neg(score)], 1);
    });
}

/** A label map of rectangular blocks: rows split at `rowCuts`, columns at `colCuts` (row-major block ids). */
export function blockLabels(height: number, width: number, rowCuts: number[], colCuts: number[]): Int32Array {
  const band = (v: number, cuts: number[]) => cuts.filter((cut) => v >= cut).length;
  return Int32Array.from({ length: height * width }, (_, p) => band(Math.floor(p / width), rowCuts) * (colCuts.length + 1) + band(p % width, colCuts));
}

/** The label map as nested rows, the form users write by hand. */
export function labelRows(labels: Int32Array, width: number): number[][] {
  return Array.from({ length: labels.length / width }, (_, r) => Array.from(labels.subarray(r * width, (r + 1) * width)));
}

/** A tf.GraphModel look-alike (duck-typed as core's adapter recognises one) that runs `model`. */
export function graphModelLike(model: ModelFunction, height: number, width: number, channels: number): tf.GraphModel {
  // `weights: {}`: a real tf.GraphModel has its weights map, which the core lifecycle reads (is any disposed?).
  return { modelVersion: 'test', inputs: [{ shape: [-1, height, width, channels] }], weights: {}, execute: (x: tf.Tensor) => model(x as tf.Tensor4D) } as unknown as tf.GraphModel;
}

