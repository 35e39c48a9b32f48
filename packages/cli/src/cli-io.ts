import type { ProgressStream } from './progress-reporter.js';

/** The process around a CLI run, injectable for tests. */
export interface CliIo {
  stdout: ProgressStream;
  stderr: ProgressStream;
  /** Folder relative paths are resolved against. Default: process.cwd(). */
  cwd?: string;
  /** Aborted on Ctrl-C: the run stops between images. */
  signal?: AbortSignal;
  /** Environment variables (TFXAI_BACKEND, scheduler indices for --shard auto). Default: process.env. */
  env?: NodeJS.ProcessEnv;
}
