import type { DecoderProgress } from '@tfxai/node';
import { printable } from './terminal-text.js';

/** Where progress goes: a terminal gets a redrawn bar, anything else plain lines. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** `m:ss` or `h:mm:ss`. */
export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '--:--';
  const s = Math.round(seconds);
  const [h, m, sec] = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60];
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(sec).padStart(2, '0')}`;
}

/** One status line: counts, percentage, rate and ETA. */
export function progressLine(p: DecoderProgress): string {
  const percent = p.total > 0 ? Math.floor((100 * p.completed) / p.total) : 100;
  const extra = [p.skipped ? `${p.skipped} skipped` : '', p.failed ? `${p.failed} failed` : ''].filter(Boolean).join(', ');
  return `${p.completed}/${p.total} ${percent}% ${p.rate.toFixed(2)} img/s ETA ${formatDuration(p.etaSeconds)}${extra ? ` (${extra})` : ''}`;
}

/**
 * Shows decoder progress: on a terminal a bar redrawn in place (at most ten
 * times a second), elsewhere a plain line at most every `plainInterval`
 * seconds plus the last one, so logs stay short on long runs.
 */
export class ProgressReporter {
  #lastDraw = 0;
  #drawn = false;

  constructor(private readonly stream: ProgressStream, private readonly plainInterval = 5) {}

  update(progress: DecoderProgress): void {
    const now = Date.now();
    const last = progress.completed === progress.total;
    if (this.stream.isTTY) {
      if (!last && now - this.#lastDraw < 100) return;
      const width = Math.max(10, Math.min(30, (this.stream.columns ?? 80) - 60));
      const filled = progress.total > 0 ? Math.round((width * progress.completed) / progress.total) : width;
      const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
      const sample = printable(progress.sample);
      const name = sample.length > 24 ? `...${sample.slice(-21)}` : sample;
      this.stream.write(`\r\x1b[K${bar} ${progressLine(progress)} ${name}`);
      this.#drawn = true;
    } else {
      if (!last && this.#lastDraw !== 0 && now - this.#lastDraw < this.plainInterval * 1000) return;
      this.stream.write(`progress: ${progressLine(progress)}\n`);
    }
    this.#lastDraw = now;
  }

  /** Prints a message on its own line without breaking the bar. */
  message(text: string): void {
    if (this.stream.isTTY && this.#drawn) this.stream.write('\r\x1b[K');
    this.stream.write(`${text}\n`);
  }

  /** Ends the bar's line. */
  finish(): void {
    if (this.stream.isTTY && this.#drawn) this.stream.write('\n');
    this.#drawn = false;
  }
}
