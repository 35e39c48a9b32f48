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
  /** Images handed to it and not yet reported: if it crashes, the one it was explaining fails, the others go back to the queue. */
  inFlight: Map<number, PlannedItem>;
  /** The image it is explaining (position), if any. */
  explaining: number | undefined;
  /** Asked for work before the run began. */
  waiting: boolean;
  /** The last uncaught error it raised, for the crash report. */
  lastError: Error | undefined;
}

function failedResult(planned: PlannedItem, error: WorkerCrashError): SampleResult {
  return { sample: planned.item.sample, source: planned.item.kind === 'file' ? planned.item.path : 'tensor', status: 'failed', classes: [], files: [], error };
}

/** What killed a worker, in words: running out of memory is said plainly, with what to change. */
function crashDetail(error: Error | undefined, code: number): string {
  if ((error as NodeJS.ErrnoException | undefined)?.code === 'ERR_WORKER_OUT_OF_MEMORY') {
    return `it ran out of memory (${error!.message}); lower the method's steps or samples, the batch size, or the number of workers`;
  }
  return error ? `${error.name}: ${error.message}` : `exit code ${code}`;
}

/**
 * Runs planned images on `size` decoder worker threads. Images go out from
 * one queue in small chunks as workers ask (a worker holds at most two: the
 * one it explains and the one it decodes ahead), so a slow image does not
 * hold up the others. A worker that dies (it exits, throws outside the
 * pipeline, runs out of memory) has the image it was explaining reported
 * failed with a {@link WorkerCrashError}; the images it had only read ahead
 * go back to the queue for the other workers (when none is left, the images
 * still queued fail the same way). An error that would
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
  /** Images a crashed worker held but had not started: handed out again before the rest of the queue. */
  readonly #requeued: PlannedItem[] = [];
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
    const worker: PoolWorker = { index, thread, state: 'starting', inFlight: new Map(), explaining: undefined, waiting: false, lastError: undefined };
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
      case 'explaining':
        worker.explaining = message.position;
        break;
      case 'sample':
        // Each image is reported once: never again after its worker was declared crashed.
        if (!worker.inFlight.delete(message.position)) break;
        if (worker.explaining === message.position) worker.explaining = undefined;
        this.#reached++;
        this.options.sink(message.position, fromWireSample(message.result));
        this.#releaseIdle();
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
    const detail = crashDetail(worker.lastError, code);
    const crash = new WorkerCrashError(worker.index, code, detail);
    this.#crashes.push(crash);
    // The image it was explaining is the one that failed; the ones it had only read ahead are not to blame.
    // (Dying outside any explanation, e.g. while decoding, fails every image it held.)
    const culprit = worker.explaining;
    for (const [position, planned] of worker.inFlight) {
      if (culprit !== undefined && position !== culprit) {
        this.#requeued.push(planned);
        continue;
      }
      this.#reached++;
      this.options.sink(position, failedResult(planned, crash));
    }
    worker.inFlight.clear();
    this.#requeued.sort((a, b) => a.position - b.position);
    if (this.#running && !this.#aborted && !this.#workers.some((w) => w.state === 'ready')) {
      // Nobody is left to take the queue.
      const orphan = new WorkerCrashError(worker.index, code, `${detail}; no worker was left to process this image`);
      for (const planned of [...this.#requeued.splice(0), ...this.planned.slice(this.#next)]) {
        this.#reached++;
        this.options.sink(planned.position, failedResult(planned, orphan));
      }
      this.#next = this.planned.length;
    } else {
      this.#releaseIdle();
    }
    this.#check();
  }

  /** Hands the worker its next chunk: an empty one when the queue is done or the run was aborted. */
  #serve(worker: PoolWorker): void {
    worker.waiting = false;
    const remaining = this.#requeued.length + this.planned.length - this.#next;
    const live = this.#workers.filter((w) => w.state === 'ready').length;
    // Smaller chunks near the end keep every worker busy until the queue is empty.
    const size = this.#aborted ? 0 : Math.min(remaining, this.options.batchSize, Math.max(1, Math.ceil(remaining / (2 * live))));
    if (size === 0 && !this.#aborted && this.#workers.some((w) => w !== worker && w.state === 'ready' && w.inFlight.size > 0)) {
      // Not finished yet: another worker may still die and leave images to requeue. Asked again by #releaseIdle.
      worker.waiting = true;
      return;
    }
    const items = this.#requeued.splice(0, size);
    const fresh = size - items.length;
    items.push(...this.planned.slice(this.#next, this.#next + fresh));
    this.#next += fresh;
    for (const item of items) worker.inFlight.set(item.position, item);
    worker.thread.postMessage({ type: 'work', items: [...items] } satisfies ToWorker);
  }

  /** Serves workers that wait for work (requeued images, or the end once no other worker holds any). */
  #releaseIdle(): void {
    if (!this.#running) return;
    for (const idle of this.#workers) if (idle.state === 'ready' && idle.waiting) this.#serve(idle);
  }

  #abort(): void {
    this.#aborted = true;
    for (const worker of this.#workers) if (worker.state === 'ready') worker.thread.postMessage({ type: 'abort' } satisfies ToWorker);
    // A worker kept waiting for requeued images is told there are none.
    this.#releaseIdle();
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
