import os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { InvalidOptionError, type XaiRegistry } from '@tfxai/core';
import type { XaiDecoderOptions } from './decoder-options.js';
import type { InputItem } from './input-collection.js';
import { methodCost, type MethodCost } from './method-cost.js';

/**
 * Fewest images per worker thread that 'auto' starts a thread for: a thread
 * pays about a second or two (TensorFlow.js, the backend and the model load
 * in every thread) before its first image, which 16 images of a gradient
 * method repay; cheaper methods on small folders stay in this thread.
 */
export const MIN_IMAGES_PER_WORKER = 16;

/**
 * Fewest model passes (see {@link MethodCost}) per worker thread that 'auto' starts a thread
 * for: the work that repays a thread's start-up, set to the work of {@link MIN_IMAGES_PER_WORKER}
 * images of Integrated Gradients at its default 51 passes (the rule 'auto' had for every method),
 * so IG keeps it while a method of one pass per image (Grad-CAM, saliency) needs 816 images per
 * thread. Measured with bench/pipeline-workers.mjs on the example model (wasm, 2 cores shared
 * with other jobs): Grad-CAM over 256 images ran at 0.69x with 2 threads, saliency at 0.78x,
 * Grad-CAM over 1024 images at 0.55x.
 */
export const MIN_PASSES_PER_WORKER = 816;

/** What `workers` resolved to, and why, in one sentence for the run summary. */
export interface WorkerChoice {
  workers: number;
  reason: string;
}

/**
 * The pure rule of `workers: 'auto'`: one thread per `imagesPerWorker` images, at most
 * `cores`, at least 1 (this thread), where `imagesPerWorker` = max({@link MIN_IMAGES_PER_WORKER},
 * ceil({@link MIN_PASSES_PER_WORKER} / passes per image)), or {@link MIN_IMAGES_PER_WORKER}
 * when the method's cost is unknown.
 */
export function autoWorkerCount(images: number, cost: MethodCost, cores: number): WorkerChoice {
  const imagesPerWorker =
    cost.passesPerImage === undefined ? MIN_IMAGES_PER_WORKER : Math.max(MIN_IMAGES_PER_WORKER, Math.ceil(MIN_PASSES_PER_WORKER / cost.passesPerImage));
  const workers = Math.max(1, Math.min(cores, Math.floor(images / imagesPerWorker)));
  const where = workers === 1 ? 'this thread' : `${workers} worker threads`;
  return { workers, reason: `workers 'auto': ${where} for ${images} image${images === 1 ? '' : 's'} of ${cost.description} (a thread per ${imagesPerWorker} images, at most one per core: ${cores})` };
}

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
 * How many pipelines a run uses, 1 (this thread) or a number of worker threads,
 * and why. 'auto' decides from the method's cost and the image count
 * ({@link autoWorkerCount}, with os.availableParallelism() cores) when the run
 * can move to threads, else 1; a number is capped at the image count.
 * @throws InvalidOptionError for a `workers` value that is not 'auto' or an integer >= 1, or a number > 1 for a run that cannot use threads
 */
export function resolveWorkerChoice(options: XaiDecoderOptions, items: readonly InputItem[], defaultRegistry: XaiRegistry): WorkerChoice {
  const requested = options.workers ?? 'auto';
  if (requested !== 'auto' && !(Number.isInteger(requested) && requested >= 1)) {
    throw new InvalidOptionError('workers', `got ${String(requested)}; allowed: 'auto' or an integer >= 1 (1 runs in this thread)`);
  }
  const registry = options.registry ?? defaultRegistry;
  const auto = requested === 'auto' ? autoWorkerCount(items.length, methodCost(options.method, options.methodOptions as Record<string, unknown> | undefined, registry), os.availableParallelism()) : undefined;
  const wanted = auto ? auto.workers : Math.min(requested as number, items.length);
  const given = auto ? auto.reason : `workers ${requested}: ${wanted === 1 ? 'this thread' : `${wanted} worker threads`}`;
  if (wanted <= 1) return { workers: 1, reason: given };
  const obstacle = workerObstacle(options, items, defaultRegistry);
  if (obstacle === undefined) return { workers: wanted, reason: given };
  if (requested === 'auto') return { workers: 1, reason: `workers 'auto': this thread, because ${obstacle}` };
  throw new InvalidOptionError('workers', `got ${requested}, but this run cannot use worker threads: ${obstacle}; or set workers to 1`);
}

/** The worker count of {@link resolveWorkerChoice}. */
export function resolveWorkerCount(options: XaiDecoderOptions, items: readonly InputItem[], defaultRegistry: XaiRegistry): number {
  return resolveWorkerChoice(options, items, defaultRegistry).workers;
}
