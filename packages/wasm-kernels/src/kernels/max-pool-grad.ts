import * as tf from '@tensorflow/tfjs';
import { heapViews } from '../wasm-heap.js';
import type { TfxaiKernel } from '../tfxai-kernel.js';
import { runSplitHeapTask } from '../heap-helpers.js';
import { poolGradGeometry } from './max-pool-grad-loops.js';

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
 * position), accumulating where windows overlap; the loops are in
 * max-pool-grad-loops.ts.
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
    const place = (view: Float32Array | Int32Array | Uint8Array) => ({ byteOffset: view.byteOffset, length: view.length });
    const geometry = poolGradGeometry(info);
    // The examples are split with helper threads when the threaded wasm build runs (heap-helpers.ts).
    runSplitHeapTask(backend, { name: 'maxPoolGrad', geometry, arrays: { x: place(x), upstream: place(upstream), dx: place(outputView) }, examples: info.batchSize });
    return output;
  },
};
