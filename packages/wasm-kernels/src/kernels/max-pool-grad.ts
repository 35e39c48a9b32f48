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
