import * as tf from '@tensorflow/tfjs';
import { InvalidOptionError, TfxaiError } from './errors.js';
import { describeOptionValue } from './option-checks.js';

/**
 * Intra-op threads for the wasm backend in Node: XNNPACK's thread pool, in
 * tfjs-backend-wasm's threaded SIMD build (`tfjs-backend-wasm-threaded-simd.wasm`).
 *
 * tfjs 4.22 never picks that build in Node: its flag WASM_HAS_MULTITHREAD_SUPPORT
 * answers false there (tensorflow/tfjs#3830), and setting the flag to true fails
 * anyway, because tfjs hands Emscripten a Blob URL for the pthread worker script and
 * Node's `Worker` takes only file paths (ERR_WORKER_PATH). The C++ side also caps the
 * pool at half the logical cores (it assumes hyper-threading), so a 2-core machine
 * would get one thread. This file registers a replacement factory for the 'wasm'
 * backend that loads the same build with three differences: the pthread script is a
 * file (wasm-pthread-worker.cjs), the core count the C++ side reads is twice the
 * requested thread count (so its halving yields the request), and the thread count is
 * passed through tfjs's own `setThreadsCount`. Kernels, memory layout and every
 * BackendWasm method are tfjs's own: only the module instance differs.
 */

/** Emscripten's pre-created pthread pool in the threaded build (PTHREAD_POOL_SIZE): the most threads it can use. */
export const MAX_WASM_THREADS = 8;

/** tfjs-backend-wasm registers 'wasm' with priority 2; the replacement keeps it. */
const WASM_PRIORITY = 2;

/** The thread count the wasm backend runs with, or will when it initialises. */
let requestedThreads = 1;
/** Whether the replacement factory is registered (it reads `requestedThreads` when it runs). */
let replaced = false;

interface EmscriptenModule {
  cwrap(name: string, returnType: string | null, argTypes: string[]): (...args: number[]) => number;
  tfjs?: Record<string, unknown>;
  PThread?: { runningWorkers: { unref?: () => void }[] };
}
type EmscriptenFactory = (config: Record<string, unknown>) => Promise<EmscriptenModule>;

interface WasmBackendPackage {
  BackendWasm: new (module: EmscriptenModule) => tf.KernelBackend;
  setThreadsCount(threads: number): void;
  getThreadsCount(): number;
}

/** A computed specifier keeps bundlers away from Node-only and optional modules. */
function load<T>(specifier: string): Promise<T> {
  return import(/* webpackIgnore: true */ specifier) as Promise<T>;
}

/** Whether this is Node (worker_threads and the file system are needed). */
function isNode(): boolean {
  const proc = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof proc?.versions?.node === 'string';
}

/** Checks a wasm thread count: an integer from 1 to {@link MAX_WASM_THREADS}. */
export function checkWasmThreads(option: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_WASM_THREADS) {
    throw new InvalidOptionError(option, `must be an integer from 1 to ${MAX_WASM_THREADS} (the threaded wasm build's thread pool); got ${describeOptionValue(value)}`);
  }
  return value;
}

/**
 * Makes the wasm backend, when it next initialises, run the threaded SIMD build with
 * `threads` intra-op threads (Node only). Call it before the wasm backend initialises
 * (before `tf.setBackend('wasm')` or {@link initBackend}); `initBackend({ wasmThreads })`
 * and `TFXAI_WASM_THREADS` call it for you. Until a count above 1 is asked for, tfjs's own
 * single-thread SIMD build stays in place. Calling it again with the same count is a no-op;
 * a later call before initialisation replaces the count.
 * @throws InvalidOptionError when `threads` is not an integer from 1 to 8
 * @throws TfxaiError code 'BACKEND_UNAVAILABLE' outside Node, or when the wasm backend
 *   already initialised with another thread count
 */
export async function useWasmThreads(threads: number): Promise<void> {
  checkWasmThreads('wasmThreads', threads);
  if (threads === requestedThreads) return;
  if (tf.engine().registry['wasm'] !== undefined) {
    throw new TfxaiError(
      'BACKEND_UNAVAILABLE',
      `the wasm backend already runs with ${requestedThreads} thread(s); a thread count (${threads} asked) must be set before it initialises (before tf.setBackend('wasm') or initBackend)`,
    );
  }
  // Without the replacement, 1 thread is tfjs's own build; with it, the factory reads the count when it runs.
  if (replaced || threads === 1) {
    requestedThreads = threads;
    return;
  }
  if (!isNode()) {
    throw new TfxaiError('BACKEND_UNAVAILABLE', 'wasmThreads works in Node only; in a browser, serve the page cross-origin isolated and use setThreadsCount from @tensorflow/tfjs-backend-wasm');
  }
  const wasmPackage = await load<WasmBackendPackage>('@tensorflow/tfjs-backend-wasm');
  const { createRequire } = await load<typeof import('node:module')>('node:module');
  const { readFile } = await load<typeof import('node:fs/promises')>('node:fs/promises');
  const { dirname, join } = await load<typeof import('node:path')>('node:path');
  const { fileURLToPath } = await load<typeof import('node:url')>('node:url');
  const require = createRequire(import.meta.url);
  const glue = require.resolve('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js');
  const binary = join(dirname(glue), 'tfjs-backend-wasm-threaded-simd.wasm');
  const pthreadScript = fileURLToPath(new URL('./wasm-pthread-worker.cjs', import.meta.url));

  const factory = async (): Promise<tf.KernelBackend> => {
    const threads = requestedThreads;
    const createModule = require(glue) as EmscriptenFactory;
    const bytes = await readFile(binary);
    const module = await new Promise<EmscriptenModule>((resolve, reject) => {
      createModule({
        locateFile: (path: string, prefix: string) => (path.endsWith('.worker.js') ? pthreadScript : path.endsWith('.wasm') ? binary : prefix + path),
        // The C++ side sizes its pool as min(requested, logical cores / 2): report 2 x threads cores.
        instantiateWasm: (imports: { env: Record<string, unknown> }, receive: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void) => {
          imports.env['emscripten_num_logical_cores'] = () => 2 * threads;
          WebAssembly.instantiate(bytes, imports as WebAssembly.Imports).then((result) => receive(result.instance, result.module), reject);
          return {};
        },
        onAbort: (what: unknown) => reject(new TfxaiError('BACKEND_UNAVAILABLE', `the threaded wasm build aborted while loading: ${String(what)}`)),
      }).then(resolve, reject);
    });
    // The same bridge tfjs's own init() builds (backend_wasm.ts).
    module.tfjs = {
      init: module.cwrap('init', null, []),
      initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
      getThreadsCount: module.cwrap('get_threads_count', 'number', []),
      registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
      disposeData: module.cwrap('dispose_data', null, ['number']),
      dispose: module.cwrap('dispose', null, []),
    };
    wasmPackage.setThreadsCount(threads);
    const backend = new wasmPackage.BackendWasm(module);
    // The constructor started the pool's pthreads, and Emscripten refs a worker while its pthread
    // runs; pool threads run (idle-waiting) for the process's life, so the process would never
    // exit on its own. Unref them, as Emscripten does for idle workers.
    for (const worker of module.PThread?.runningWorkers ?? []) worker.unref?.();
    return backend;
  };
  tf.removeBackend('wasm');
  tf.registerBackend('wasm', factory, WASM_PRIORITY);
  replaced = true;
  requestedThreads = threads;
}

/**
 * The number of threads the wasm backend's thread pool has (1 for tfjs's own build),
 * or undefined before the wasm backend initialised.
 */
export async function wasmThreadCount(): Promise<number | undefined> {
  if (tf.engine().registry['wasm'] === undefined) return undefined;
  const wasmPackage = await load<WasmBackendPackage>('@tensorflow/tfjs-backend-wasm');
  return wasmPackage.getThreadsCount();
}

/** The thread count `TFXAI_WASM_THREADS` asks for, or undefined when unset. */
export function environmentWasmThreads(): number | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const value = env?.['TFXAI_WASM_THREADS']?.trim();
  if (!value) return undefined;
  return checkWasmThreads('TFXAI_WASM_THREADS', /^\d+$/.test(value) ? Number(value) : value);
}
