import * as tf from '@tensorflow/tfjs';
import { heapViews } from '../wasm-heap.js';
import type { TfxaiKernel } from '../tfxai-kernel.js';

/**
 * unsortedSegmentSum (the gradient of gather; absent from tfjs-backend-wasm
 * 4.22), summed in JavaScript directly on the wasm heap: no forward
 * formulation is exact here (a one-hot matrix product turns 0 * Infinity
 * into NaN in other segments). Ids outside [0, numSegments) are dropped,
 * as on cpu.
 */
export const unsortedSegmentSumKernel: TfxaiKernel = {
  kernelName: 'UnsortedSegmentSum',
  role: 'fills-gap',
  formulation: 'a JavaScript accumulation loop directly on the wasm heap (no exact forward formulation)',
  kernelFunc({ inputs, backend, attrs }) {
    const { numSegments } = attrs as unknown as { numSegments: number };
    const { x, segmentIds } = inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
    const idCount = tf.util.sizeFromShape(segmentIds.shape);
    const inner = tf.util.sizeFromShape(x.shape.slice(segmentIds.shape.length));
    const { output, outputView, inputViews } = heapViews(backend, [x, segmentIds], [numSegments, ...x.shape.slice(segmentIds.shape.length)], x.dtype);
    const [values, ids] = inputViews as [Float32Array | Int32Array, Int32Array | Float32Array];
    outputView.fill(0);
    for (let i = 0; i < idCount; i++) {
      const segment = ids[i]!;
      if (segment < 0 || segment >= numSegments) continue;
      const from = i * inner;
      const to = segment * inner;
      for (let j = 0; j < inner; j++) outputView[to + j] = outputView[to + j]! + values[from + j]!;
    }
    return output;
  },
};
