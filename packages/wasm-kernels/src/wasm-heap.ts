import type * as tf from '@tensorflow/tfjs';

/**
 * The two BackendWasm methods a heap kernel uses. Typed structurally, so
 * that this package compiles against tfjs-backend-wasm's public API only.
 */
export interface WasmHeap {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

/**
 * Allocates the output first, then takes views of the inputs and output on
 * the wasm heap. (Allocating can grow the heap, which detaches views taken
 * earlier.) The views are valid until the next allocation.
 */
export function heapViews(
  backend: unknown,
  inputs: readonly tf.TensorInfo[],
  outputShape: number[],
  outputDtype: tf.DataType,
): { output: tf.TensorInfo; outputView: Float32Array | Int32Array | Uint8Array; inputViews: (Float32Array | Int32Array | Uint8Array)[] } {
  const heap = backend as unknown as WasmHeap;
  const output = heap.makeOutput(outputShape, outputDtype);
  return { output, outputView: heap.typedArrayFromHeap(output), inputViews: inputs.map((info) => heap.typedArrayFromHeap(info)) };
}
