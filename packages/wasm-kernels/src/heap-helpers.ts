import { TfxaiError } from '@tfxai/core';
import { HELPER_FAILED, HELPER_PENDING } from './heap-helper-states.js';
import { runHeapTask, type HeapTask } from './heap-tasks.js';

/**
 * Helper threads for tfxai's JavaScript heap kernels, on tfjs's threaded wasm build in Node.
 *
 * Why: XNNPACK spreads the convolutions over the wasm thread pool, but tfxai's heap kernels
 * (MaxPoolGrad) are JavaScript on the calling thread; with two threads they were about a sixth
 * of an Integrated Gradients map on the bench model, with the second core idle. In the threaded
 * build the wasm memory is shared, so Node worker threads can run other batch examples of the
 * same call on the same memory: the caller posts their ranges, runs its own, and waits for them
 * (Atomics.wait). Each range writes only its own examples' part of the output, so the result is
 * the same bits as one thread's. One helper per extra wasm thread (`initBackend({ wasmThreads })`);
 * tfjs's own single-thread build, a browser (whose main thread may not block) and a call with one
 * example run on the calling thread alone.
 */

/** How long the caller waits for a helper's range before giving up with an error. */
const HELPER_TIMEOUT_MS = 60_000;

interface WasmModule {
  wasmMemory?: WebAssembly.Memory;
  HEAPU8: Uint8Array;
  tfjs?: { getThreadsCount?: () => number };
}

interface HelperWorker {
  postMessage(message: unknown): void;
  on(event: 'online' | 'error' | 'exit', listener: (detail: unknown) => void): void;
  unref(): void;
  terminate(): Promise<number>;
}

interface HelperPool {
  memory: WebAssembly.Memory;
  workers: HelperWorker[];
  /** A worker takes tasks once it is online (until then the caller runs every range). */
  online: boolean[];
  /** Set when a helper failed, exited or timed out: no more tasks for this pool. */
  broken: boolean;
  /** What broke it, for {@link heapHelperStatus}. */
  reason?: string;
  /** One slot per helper: HELPER_PENDING while its range runs. */
  control: Int32Array;
}

let pool: HelperPool | undefined;
let rangesByHelpers = 0;

type WorkerConstructor = new (url: URL, options: { execArgv: string[] }) => HelperWorker;

/** Node's Worker class, read synchronously (kernels cannot await); undefined outside Node. */
function workerClass(): WorkerConstructor | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => { Worker?: WorkerConstructor } | undefined } }).process;
  return proc?.getBuiltinModule?.('node:worker_threads')?.Worker;
}

/** The helpers ready for `module`'s memory: none unless the memory is shared and the pool has more than one thread. */
function readyHelpers(module: WasmModule): HelperWorker[] {
  const memory = module.wasmMemory;
  const threads = module.tfjs?.getThreadsCount?.() ?? 1;
  if (!memory || !(memory.buffer instanceof SharedArrayBuffer) || threads < 2) return [];
  if (pool?.memory !== memory) startPool(memory, threads - 1);
  const current = pool!; // startPool always sets one
  return current.broken ? [] : current.workers.filter((_, i) => current.online[i]);
}

/** Starts `count` helpers for `memory` (a new backend replaces the previous pool). */
function startPool(memory: WebAssembly.Memory, count: number): void {
  if (pool) void Promise.all(pool.workers.map((w) => w.terminate()));
  const started: HelperPool = { memory, workers: [], online: [], broken: false, control: new Int32Array(new SharedArrayBuffer(4 * count)) };
  pool = started;
  const Worker = workerClass();
  // Recorded as broken, so that later calls on this memory do not try again.
  if (!Worker) return breakPool(started, 'no Node worker_threads here');
  try {
    for (let i = 0; i < count; i++) {
      // No inherited Node flags: a parent run as `node --input-type=module -e` would pass a flag a file worker refuses.
      const worker = new Worker(new URL('./heap-helper-worker.js', import.meta.url), { execArgv: [] });
      worker.unref(); // idle helpers must not keep the process alive
      worker.on('online', () => (started.online[i] = true));
      worker.on('error', (error) => breakPool(started, `helper ${i + 1} failed: ${String(error)}`));
      worker.on('exit', (code) => breakPool(started, `helper ${i + 1} exited (code ${String(code)})`));
      started.workers.push(worker);
      started.online.push(false);
    }
  } catch (error) {
    breakPool(started, `helpers could not start: ${String(error)}`);
  }
}

/** No more tasks for `broken`'s helpers (the first reason is kept). */
function breakPool(broken: HelperPool, reason: string): void {
  broken.reason ??= reason;
  broken.broken = true;
}

/**
 * Runs `task` over all its examples: split between the calling thread and the ready helper
 * threads when there are any, else on the calling thread alone.
 * @throws TfxaiError 'BACKEND_UNAVAILABLE' when a helper does not finish its range within a minute
 */
export function runSplitHeapTask(backend: unknown, task: HeapTask): void {
  const module = (backend as { wasm: WasmModule }).wasm; // heap kernels run on the wasm backend only
  const buffer = module.HEAPU8.buffer;
  const helpers = readyHelpers(module);
  const parts = Math.min(task.examples, helpers.length + 1);
  if (parts <= 1 || !pool) {
    runHeapTask(task, buffer, 0, task.examples);
    return;
  }
  const current = pool;
  const bound = (i: number) => Math.round((i * task.examples) / parts);
  for (let i = 1; i < parts; i++) {
    Atomics.store(current.control, i - 1, HELPER_PENDING);
    helpers[i - 1]!.postMessage({ memory: current.memory, control: current.control, slot: i - 1, task, from: bound(i), to: bound(i + 1) });
  }
  runHeapTask(task, buffer, bound(0), bound(1));
  for (let i = 1; i < parts; i++) {
    const slot = i - 1;
    const deadline = Date.now() + HELPER_TIMEOUT_MS;
    while (Atomics.load(current.control, slot) === HELPER_PENDING) {
      const left = deadline - Date.now();
      if (left <= 0) {
        breakPool(current, `helper ${slot + 1} timed out`);
        throw new TfxaiError('BACKEND_UNAVAILABLE', `tfxai's heap helper thread ${slot + 1} did not finish its share of ${task.name} within ${HELPER_TIMEOUT_MS / 1000} s; helper threads are now off for this backend`);
      }
      Atomics.wait(current.control, slot, HELPER_PENDING, left);
    }
    if (Atomics.load(current.control, slot) === HELPER_FAILED) {
      // The helper stopped (it writes nothing more): its range again, here. Ranges may run twice.
      breakPool(current, `helper ${slot + 1} failed a ${task.name} range`);
      runHeapTask(task, buffer, bound(i), bound(i + 1));
    } else {
      rangesByHelpers++;
    }
  }
}

/** Helper threads started for the current wasm memory, how many are online, and how many ranges helpers have run so far. */
export function heapHelperStatus(): { helpers: number; online: number; rangesByHelpers: number; broken: boolean; reason?: string } {
  return { helpers: pool?.workers.length ?? 0, online: pool?.online.filter(Boolean).length ?? 0, rangesByHelpers, broken: pool?.broken ?? false, ...(pool?.reason ? { reason: pool.reason } : {}) };
}
