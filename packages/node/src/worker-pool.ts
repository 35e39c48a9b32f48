import { Worker } from 'node:worker_threads';
import type { SampleResult } from './decoder-options.js';
import type { SampleSink } from './decoder-run.js';
import { WorkerCrashError } from './errors.js';
import type { PlannedItem } from './run-plan.js';
import { fromWireError, fromWireSample, type FromWorker, type ToWorker, type WorkerSetup } from './worker-protocol.js';

/** The compiled worker entry point, beside this file. */
const WORKER_ENTRY = new URL('./decoder-worker.js', import.meta.url);

let liveThreads = 0;

/** Decoder worker threads of this process that have started and not yet exited (0 between runs: none is left behind). */
export function liveWorkerThreads(): number {
  return liveThreads;
}

/** What {@link runWorkerPool} needs besides the planned images. */
export interface PoolOptions {
  /** Worker threads to start (>= 1). */
  size: number;
  /** What every worker builds its pipeline from (`index` is filled in per worker). */
  setup: Omit<WorkerSetup, 'index'>;
  /** Largest number of images handed to a worker at once (its batch). */
  batchSize: number;
  signal?: AbortSignal | undefined;
  /**
   * Called once every worker has set up, with the class count the model
   * declares, before any image is handed out; throwing stops the run there.
   */
  onReady: (declaredClasses: number | undefined) => void;
  /** Receives each image's result as it arrives (any order). */
  sink: SampleSink;
}

/** How a pool run ended. */
export interface PoolOutcome {
  /** True when the signal stopped it before every image was reached. */
  aborted: boolean;
  /** Workers that stopped unexpectedly. */
  crashes: WorkerCrashError[];
}

interface PoolWorker {
  index: number;
  thread: Worker;
  state: 'starting' | 'ready' | 'finished' | 'dead';
  /** Images handed to it and not yet reported: failed if it crashes. */
  inFlight: Map<number, PlannedItem>;
  /** Asked for work before the run began. */
  waiting: boolean;
  /** The last uncaught error it raised, for the crash report. */
  lastError: Error | undefined;
}

function failedResult(planned: PlannedItem, error: WorkerCrashError): SampleResult {
  return { sample: planned.item.sample, source: planned.item.kind === 'file' ? planned.item.path : 'tensor', status: 'failed', classes: [], files: [], error };
}

/**
 * Runs planned images on `size` decoder worker threads. Images go out from
 * one queue in small chunks as workers ask (a worker holds at most two: the
 * one it explains and the one it decodes ahead), so a slow image does not
 * hold up the others. A worker that dies has its unfinished images reported
 * failed with a {@link WorkerCrashError}; the others go on (when none is
 * left, the images still queued fail the same way). An error that would
 * stop an in-thread run (not a per-image one) stops the pool and is thrown.
 * Every worker is terminated before this returns or throws.
 * @throws the first setup error of a worker (ModelLoadError, UnknownMethodError, ...), as its own class
 */
export async function runWorkerPool(planned: readonly PlannedItem[], options: PoolOptions): Promise<PoolOutcome> {
  const pool = new WorkerPool(planned, options);
  try {
    return await pool.run();
  } finally {
    await pool.terminate();
  }
}

class WorkerPool {
  readonly #workers: PoolWorker[] = [];
  readonly #crashes: WorkerCrashError[] = [];
  #next = 0;
  #reached = 0;
  #running = false;
  #aborted = false;
  /** What the first ready worker says the model declares. */
  #declaredClasses: number | undefined;
  /** The first setup error: thrown before any image. */
  #setupError: Error | undefined;
  /** The first error that stops the whole run. */
  #fatal: { error: unknown } | undefined;
  /** The pending wait of {@link #until}: settled when its condition holds or on a fatal error. */
  #settle: { resolve: () => void; reject: (error: unknown) => void } | undefined;
  #condition: (() => boolean) | undefined;

  constructor(
    private readonly planned: readonly PlannedItem[],
    private readonly options: PoolOptions,
  ) {}

  async run(): Promise<PoolOutcome> {
    const onAbort = () => this.#abort();
    this.options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      for (let index = 0; index < this.options.size; index++) this.#start(index);
      await this.#until(() => this.#workers.every((w) => w.state !== 'starting'));
      if (this.#setupError) throw this.#setupError;
      const ready = this.#workers.filter((w) => w.state === 'ready');
      if (ready.length === 0) throw this.#crashes[0]!;
      this.options.onReady(this.#declaredClasses);
      this.#running = true;
      if (this.options.signal?.aborted) this.#abort();
      for (const worker of ready) if (worker.waiting) this.#serve(worker);
      await this.#until(() => this.#workers.every((w) => w.state === 'finished' || w.state === 'dead'));
      return { aborted: this.#aborted && this.#reached < this.planned.length, crashes: this.#crashes };
    } finally {
      this.options.signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Stops every thread at once (also a busy one). */
  async terminate(): Promise<void> {
    await Promise.all(
      this.#workers.map((worker) => {
        if (worker.state !== 'dead') worker.state = 'finished';
        return worker.thread.terminate();
      }),
    );
  }

  #start(index: number): void {
    const thread = new Worker(WORKER_ENTRY, { workerData: { ...this.options.setup, index } satisfies WorkerSetup });
    liveThreads++;
    const worker: PoolWorker = { index, thread, state: 'starting', inFlight: new Map(), waiting: false, lastError: undefined };
    this.#workers.push(worker);
    thread.on('message', (message: FromWorker) => this.#guard(() => this.#onMessage(worker, message)));
    thread.on('error', (error) => (worker.lastError = error));
    thread.on('messageerror', (error) => (worker.lastError = error));
    thread.on('exit', (code) => {
      liveThreads--;
      this.#guard(() => this.#onExit(worker, code));
    });
  }

  #onMessage(worker: PoolWorker, message: FromWorker): void {
    if (this.#fatal) return;
    switch (message.type) {
      case 'ready':
        worker.state = 'ready';
        this.#declaredClasses ??= message.declaredClasses;
        break;
      case 'setup-failed':
        this.#setupError ??= fromWireError(message.error);
        worker.state = 'finished';
        break;
      case 'need-work':
        if (this.#running) this.#serve(worker);
        else worker.waiting = true;
        break;
      case 'sample':
        // Each image is reported once: never again after its worker was declared crashed.
        if (!worker.inFlight.delete(message.position)) break;
        this.#reached++;
        this.options.sink(message.position, fromWireSample(message.result));
        break;
      case 'finished':
        // Images it still held were read ahead when the signal came: not reached, not reported.
        worker.state = 'finished';
        break;
      case 'failed':
        this.#fail(fromWireError(message.error));
        return;
    }
    this.#check();
  }

  #onExit(worker: PoolWorker, code: number): void {
    if (this.#fatal) return;
    if (worker.state === 'finished' || worker.state === 'dead') {
      worker.state = 'dead';
      this.#check();
      return;
    }
    worker.state = 'dead';
    const detail = worker.lastError ? `${worker.lastError.name}: ${worker.lastError.message}` : `exit code ${code}`;
    const crash = new WorkerCrashError(worker.index, code, detail);
    this.#crashes.push(crash);
    for (const [position, planned] of worker.inFlight) {
      this.#reached++;
      this.options.sink(position, failedResult(planned, crash));
    }
    worker.inFlight.clear();
    if (this.#running && !this.#aborted && !this.#workers.some((w) => w.state === 'ready')) {
      // Nobody is left to take the queue.
      const orphan = new WorkerCrashError(worker.index, code, `${detail}; no worker was left to process this image`);
      for (; this.#next < this.planned.length; this.#next++) {
        this.#reached++;
        this.options.sink(this.planned[this.#next]!.position, failedResult(this.planned[this.#next]!, orphan));
      }
    }
    this.#check();
  }

  /** Hands the worker its next chunk: an empty one when the queue is done or the run was aborted. */
  #serve(worker: PoolWorker): void {
    worker.waiting = false;
    const remaining = this.planned.length - this.#next;
    const live = this.#workers.filter((w) => w.state === 'ready').length;
    // Smaller chunks near the end keep every worker busy until the queue is empty.
    const size = this.#aborted ? 0 : Math.min(remaining, this.options.batchSize, Math.max(1, Math.ceil(remaining / (2 * live))));
    const items = this.planned.slice(this.#next, this.#next + size);
    this.#next += size;
    for (const item of items) worker.inFlight.set(item.position, item);
    worker.thread.postMessage({ type: 'work', items: [...items] } satisfies ToWorker);
  }

  #abort(): void {
    this.#aborted = true;
    for (const worker of this.#workers) if (worker.state === 'ready') worker.thread.postMessage({ type: 'abort' } satisfies ToWorker);
  }

  /** Runs a handler; an exception (from the sink, say) stops the run instead of escaping into the event loop. */
  #guard(handler: () => void): void {
    try {
      handler();
    } catch (error) {
      this.#fail(error);
    }
  }

  #fail(error: unknown): void {
    this.#fatal ??= { error };
    this.#check();
  }

  /** Resolves when `condition` holds (checked after every event), rejects on a fatal error. */
  #until(condition: () => boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#settle = { resolve, reject };
      this.#condition = condition;
      this.#check();
    });
  }

  #check(): void {
    if (!this.#settle) return;
    if (this.#fatal) this.#settle.reject(this.#fatal.error);
    else if (this.#condition?.()) this.#settle.resolve();
    else return;
    this.#settle = undefined;
  }
}
