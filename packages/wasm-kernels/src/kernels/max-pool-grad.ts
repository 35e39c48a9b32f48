import * as tf from '@tensorflow/tfjs';
import { heapViews } from '../wasm-heap.js';
import type { TfxaiKernel } from '../tfxai-kernel.js';

interface MaxPoolGradAttrs {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: 'valid' | 'same' | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/**
 * maxPool's input gradient, computed in place on the wasm heap with the cpu
 * backend's algorithm: each window sends its upstream gradient to the FIRST
 * position (row-major) holding a value strictly greater than everything
 * before it, starting from -Infinity; so ties go to the earliest position,
 * NaN and -Infinity are never chosen, padding never is. One pass over the
 * windows (the stock wasm kernel revisits every window once per input
 * position), accumulating where windows overlap.
 */
export const maxPoolGradKernel: TfxaiKernel = {
  kernelName: 'MaxPoolGrad',
  role: 'replaces-stock',
  formulation: "the cpu backend's MaxPoolGrad algorithm (first strict maximum per window) run in JavaScript directly on the wasm heap",
  kernelFunc({ inputs, backend, attrs }) {
    const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as MaxPoolGradAttrs;
    const { dy, input } = inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
    const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
    const { output, outputView, inputViews } = heapViews(backend, [input, dy], [...input.shape], 'float32');
    const [x, upstream] = inputViews as [Float32Array, Float32Array];
    const dx = outputView as Float32Array;
    if (isUnpadded2x2(info)) {
      maxPoolGrad2x2(info, x, upstream, dx);
      return output;
    }
    dx.fill(0);
    const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth, strideHeight, strideWidth, filterHeight, filterWidth } = info;
    const { top, left } = info.padInfo;
    for (let b = 0; b < batchSize; b++) {
      const xBatch = b * inHeight * inWidth * channels;
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
    return output;
  },
};

/** The common pool (2x2, stride 2, every window inside the input): windows do not overlap. */
function isUnpadded2x2(info: tf.backend_util.Conv2DInfo): boolean {
  return (
    info.filterHeight === 2 &&
    info.filterWidth === 2 &&
    info.strideHeight === 2 &&
    info.strideWidth === 2 &&
    info.dilationHeight === 1 &&
    info.dilationWidth === 1 &&
    info.padInfo.top === 0 &&
    info.padInfo.left === 0 &&
    2 * info.outHeight <= info.inHeight &&
    2 * info.outWidth <= info.inWidth
  );
}

/**
 * The same algorithm for {@link isUnpadded2x2} pools, about 3x faster: each input position lies in
 * at most one window, so every output value is written once (no zero fill, no accumulation) and
 * the four positions of a window are compared channel by channel. `0 + g` keeps the general
 * loop's bits (it adds g to a zero, which turns -0 into +0).
 */
function maxPoolGrad2x2(info: tf.backend_util.Conv2DInfo, x: Float32Array, upstream: Float32Array, dx: Float32Array): void {
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth } = info;
  // Rows and columns no window reaches (an odd size under 'valid') get no gradient.
  if (2 * outHeight !== inHeight || 2 * outWidth !== inWidth) dx.fill(0);
  const rowStride = inWidth * channels;
  for (let b = 0; b < batchSize; b++) {
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
          const g = 0 + upstream[dyIndex]!;
          dx[p0 + d] = where === 0 ? g : 0;
          dx[p1 + d] = where === 1 ? g : 0;
          dx[p2 + d] = where === 2 ? g : 0;
          dx[p3 + d] = where === 3 ? g : 0;
        }
      }
    }
  }
}
