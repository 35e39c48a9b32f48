import type { DecoderProgress, DecoderResult, SampleResult, XaiDecoderOptions } from './decoder-options.js';
import type { WorkerCrashError } from './errors.js';
import type { ResultAnnotations } from './result-annotations.js';

/**
 * Counts a run's results as they arrive (from this thread or from workers,
 * in any order), reports progress after each, and lists them in input order
 * at the end.
 */
export class RunTally {
  readonly #samples = new Map<number, SampleResult>();
  readonly #counts = { done: 0, skipped: 0, failed: 0 };
  /** When images started flowing: the rate leaves out model loading and setup. */
  #clock = Date.now();

  /**
   * @param total images in the run
   * @param started when the run started (for the result's `seconds`)
   */
  constructor(
    private readonly total: number,
    private readonly started: number,
    private readonly onProgress: XaiDecoderOptions['onProgress'],
  ) {}

  /** Restarts the rate clock: call when the first image is about to be processed. */
  startClock(): void {
    this.#clock = Date.now();
  }

  /** Records one image's result and reports progress. */
  add(position: number, result: SampleResult): void {
    this.#samples.set(position, result);
    this.#counts[result.status]++;
    if (!this.onProgress) return;
    const completed = this.#samples.size;
    const seconds = (Date.now() - this.#clock) / 1000;
    const computed = this.#counts.done + this.#counts.failed;
    const rate = seconds > 0 ? computed / seconds : 0;
    const etaSeconds = rate > 0 ? (this.total - completed) / rate : undefined;
    this.onProgress({ completed, total: this.total, ...this.#counts, rate, etaSeconds, sample: result.sample, status: result.status, error: result.error } satisfies DecoderProgress);
  }

  /** The run's result: every recorded image, in input order. */
  result(aborted: boolean, workers: number, workerCrashes: WorkerCrashError[]): Omit<DecoderResult, keyof ResultAnnotations | 'ignored'> {
    const samples = [...this.#samples.entries()].sort((a, b) => a[0] - b[0]).map(([, result]) => result);
    return { total: this.total, ...this.#counts, seconds: (Date.now() - this.started) / 1000, aborted, workers, workerCrashes, samples };
  }
}
