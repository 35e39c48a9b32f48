import os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { InvalidOptionError, type XaiRegistry } from '@tfxai/core';
import type { XaiDecoderOptions } from './decoder-options.js';
import type { InputItem } from './input-collection.js';

/**
 * Fewest images per worker thread that 'auto' starts a thread for: a thread
 * pays about a second or two (TensorFlow.js, the backend and the model load
 * in every thread) before its first image, which 16 images of a gradient
 * method repay; cheaper methods on small folders stay in this thread.
 */
export const MIN_IMAGES_PER_WORKER = 16;

/** Plain data survives the copy to a worker unchanged; class instances (tensors, functions) do not. */
function isPlainData(value: unknown): boolean {
  if (value === null || ['number', 'string', 'boolean', 'undefined'].includes(typeof value)) return true;
  if (ArrayBuffer.isView(value)) return true;
  if (Array.isArray(value)) return value.every(isPlainData);
  if (typeof value !== 'object') return false;
  const prototype = Object.getPrototypeOf(value);
  return (prototype === Object.prototype || prototype === null) && Object.values(value as object).every(isPlainData);
}

/** Why this run cannot be moved to worker threads, or undefined when it can. */
export function workerObstacle(options: XaiDecoderOptions, items: readonly InputItem[], defaultRegistry: XaiRegistry): string | undefined {
  if (items.some((item) => item.kind === 'tensor')) return 'tensor inputs live in this thread; give image files or folders';
  if (typeof options.model !== 'string') return 'a loaded model cannot be moved to another thread; give the model.json path';
  if (typeof options.method !== 'string') return 'a method instance cannot be moved to another thread; give the method by name';
  if (typeof options.standardize === 'function') return 'a standardize function cannot be moved to another thread; use a named mode';
  if (options.methodOptions !== undefined && !isPlainData(options.methodOptions)) {
    return 'methodOptions hold values other than plain data (numbers, strings, booleans, arrays, objects, typed arrays)';
  }
  if (options.registry !== undefined && options.registry !== defaultRegistry) {
    return "workers rebuild the default registry of 'tfxai' plus `plugins`, not a registry of your own; load your methods as plugins";
  }
  // tfjs-node's native binding loads once per process, and TensorFlow already uses every core.
  if (tf.engine().backendName === 'tensorflow') return "the 'tensorflow' backend (tfjs-node) runs in one thread and already uses every core";
  return undefined;
}

/**
 * How many pipelines a run uses: 1 (this thread) or a number of worker
 * threads. 'auto' takes min(os.availableParallelism(), floor(images /
 * {@link MIN_IMAGES_PER_WORKER})) when the run can move to threads, else 1;
 * a number is capped at the image count.
 * @throws InvalidOptionError for a `workers` value that is not 'auto' or an integer >= 1, or a number > 1 for a run that cannot use threads
 */
export function resolveWorkerCount(options: XaiDecoderOptions, items: readonly InputItem[], defaultRegistry: XaiRegistry): number {
  const requested = options.workers ?? 'auto';
  if (requested !== 'auto' && !(Number.isInteger(requested) && requested >= 1)) {
    throw new InvalidOptionError('workers', `got ${String(requested)}; allowed: 'auto' or an integer >= 1 (1 runs in this thread)`);
  }
  const wanted = requested === 'auto' ? Math.min(os.availableParallelism(), Math.floor(items.length / MIN_IMAGES_PER_WORKER)) : Math.min(requested, items.length);
  if (wanted <= 1) return 1;
  const obstacle = workerObstacle(options, items, defaultRegistry);
  if (obstacle === undefined) return wanted;
  if (requested === 'auto') return 1;
  throw new InvalidOptionError('workers', `got ${requested}, but this run cannot use worker threads: ${obstacle}; or set workers to 1`);
}
