/**
 * MaxPoolGrad's loops over plain arrays, for a range of batch examples: the kernel runs them on
 * the wasm heap, and helper threads (heap-helpers.ts) run other ranges of the same call. Each
 * range writes only its own examples' part of dx, and writes all of it, so ranges can run in
 * any order, in parallel, or again.
 */

import type * as tf from '@tensorflow/tfjs';

/** The pooling geometry the loops need (from tfjs's Conv2DInfo; plain numbers, so it can be posted to a thread). */
export interface PoolGradGeometry {
  batchSize: number;
  inHeight: number;
  inWidth: number;
  channels: number;
  outHeight: number;
  outWidth: number;
  strideHeight: number;
  strideWidth: number;
  filterHeight: number;
  filterWidth: number;
  /** Padding before the first row and column. */
  top: number;
  left: number;
}

/** The loops' geometry of a pool tfjs described (`tf.backend_util.computePool2DInfo`). */
export function poolGradGeometry(info: tf.backend_util.Conv2DInfo): PoolGradGeometry {
  return {
    batchSize: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    channels: info.inChannels,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    top: info.padInfo.top,
    left: info.padInfo.left,
  };
}

/**
 * dx for examples `from` to `to - 1` with the cpu backend's algorithm: each window sends its
 * upstream gradient to the FIRST position (row-major) holding a value strictly greater than
 * everything before it, starting from -Infinity (ties go to the earliest position; NaN,
 * -Infinity and padding are never chosen), accumulating where windows overlap.
 */
export function maxPoolGradRange(g: PoolGradGeometry, x: Float32Array, upstream: Float32Array, dx: Float32Array, from: number, to: number): void {
  if (isUnpadded2x2(g)) {
    maxPoolGrad2x2(g, x, upstream, dx, from, to);
    return;
  }
  const { inHeight, inWidth, channels, outHeight, outWidth, strideHeight, strideWidth, filterHeight, filterWidth, top, left } = g;
  const exampleSize = inHeight * inWidth * channels;
  dx.fill(0, from * exampleSize, to * exampleSize);
  for (let b = from; b < to; b++) {
    const xBatch = b * exampleSize;
    for (let yR = 0; yR < outHeight; yR++) {
      const rStart = yR * strideHeight - top;
      const rFrom = Math.max(0, rStart);
      const rTo = Math.min(inHeight, rStart + filterHeight);
      for (let yC = 0; yC < outWidth; yC++) {
        const cStart = yC * strideWidth - left;
        const cFrom = Math.max(0, cStart);
        const cTo = Math.min(inWidth, cStart + filterWidth);
        const dyBase = ((b * outHeight + yR) * outWidth + yC) * channels;
        for (let d = 0; d < channels; d++) {
          let best = -Infinity;
          let where = -1;
          for (let r = rFrom; r < rTo; r++) {
            for (let c = cFrom; c < cTo; c++) {
              const index = xBatch + (r * inWidth + c) * channels + d;
              const value = x[index]!;
              if (value > best) {
                best = value;
                where = index;
              }
            }
          }
          if (where >= 0) dx[where] = dx[where]! + upstream[dyBase + d]!;
        }
      }
    }
  }
}

/** The common pool (2x2, stride 2, every window inside the input): windows do not overlap. */
function isUnpadded2x2(g: PoolGradGeometry): boolean {
  return (
    g.filterHeight === 2 &&
    g.filterWidth === 2 &&
    g.strideHeight === 2 &&
    g.strideWidth === 2 &&
    g.top === 0 &&
    g.left === 0 &&
    2 * g.outHeight <= g.inHeight &&
    2 * g.outWidth <= g.inWidth
  );
}

/**
 * The same algorithm for {@link isUnpadded2x2} pools, about 3x faster: each input position lies in
 * at most one window, so every output value is written once (no zero fill, no accumulation) and
 * the four positions of a window are compared channel by channel. `0 + g` keeps the general
 * loop's bits (it adds g to a zero, which turns -0 into +0).
 */
function maxPoolGrad2x2(g: PoolGradGeometry, x: Float32Array, upstream: Float32Array, dx: Float32Array, from: number, to: number): void {
  const { inHeight, inWidth, channels, outHeight, outWidth } = g;
  const rowStride = inWidth * channels;
  // Rows and columns no window reaches (an odd size under 'valid') get no gradient.
  if (2 * outHeight !== inHeight || 2 * outWidth !== inWidth) dx.fill(0, from * inHeight * rowStride, to * inHeight * rowStride);
  for (let b = from; b < to; b++) {
    for (let yR = 0; yR < outHeight; yR++) {
      const top = (b * inHeight + 2 * yR) * rowStride;
      let dyIndex = (b * outHeight + yR) * outWidth * channels;
      for (let yC = 0; yC < outWidth; yC++) {
        const p0 = top + 2 * yC * channels;
        const p1 = p0 + channels;
        const p2 = p0 + rowStride;
        const p3 = p2 + channels;
        for (let d = 0; d < channels; d++, dyIndex++) {
          const v0 = x[p0 + d]!;
          const v1 = x[p1 + d]!;
          const v2 = x[p2 + d]!;
          const v3 = x[p3 + d]!;
          // The first strict maximum from -Infinity (NaN and -Infinity never win).
          let best = -Infinity;
          let where = -1;
          if (v0 > best) (best = v0), (where = 0);
          if (v1 > best) (best = v1), (where = 1);
          if (v2 > best) (best = v2), (where = 2);
          if (v3 > best) where = 3;
          const gradient = 0 + upstream[dyIndex]!;
          dx[p0 + d] = where === 0 ? gradient : 0;
          dx[p1 + d] = where === 1 ? gradient : 0;
          dx[p2 + d] = where === 2 ? gradient : 0;
          dx[p3 + d] = where === 3 ? gradient : 0;
        }
      }
    }
  }
}
