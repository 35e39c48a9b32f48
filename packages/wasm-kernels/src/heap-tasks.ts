import { maxPoolGradRange, type PoolGradGeometry } from './kernels/max-pool-grad-loops.js';

/**
 * The heap kernels' loops that can be split over batch examples, by name: what a helper thread
 * (heap-helper-worker.ts) can be asked to run. Plain functions of plain data and float32 views.
 */
export const HEAP_TASKS = {
  maxPoolGrad: (geometry: PoolGradGeometry, arrays: Record<string, Float32Array>, from: number, to: number) =>
    maxPoolGradRange(geometry, arrays['x']!, arrays['upstream']!, arrays['dx']!, from, to),
};

export type HeapTaskName = keyof typeof HEAP_TASKS;

/** Where a float32 array lies on the wasm heap (a view's byteOffset and length). */
export interface HeapArray {
  byteOffset: number;
  length: number;
}

/** One call of a heap kernel: its loop, its geometry, its arrays on the heap, and how many examples it covers. */
export interface HeapTask {
  name: HeapTaskName;
  geometry: PoolGradGeometry;
  arrays: Record<string, HeapArray>;
  examples: number;
}

/** Float32 views of `arrays` on `buffer` (the wasm heap). */
export function heapArrays(buffer: ArrayBufferLike, arrays: Record<string, HeapArray>): Record<string, Float32Array> {
  return Object.fromEntries(Object.entries(arrays).map(([name, { byteOffset, length }]) => [name, new Float32Array(buffer, byteOffset, length)]));
}

/** Runs examples `from` to `to - 1` of `task` on the heap `buffer`. */
export function runHeapTask(task: HeapTask, buffer: ArrayBufferLike, from: number, to: number): void {
  HEAP_TASKS[task.name](task.geometry, heapArrays(buffer, task.arrays), from, to);
}
