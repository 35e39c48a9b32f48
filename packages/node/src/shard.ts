// Splitting one run across the tasks of a batch scheduler (Kubernetes Indexed
// Jobs, Slurm job arrays): each task takes the inputs whose name hashes to it.
import { createHash } from 'node:crypto';
import { TfxaiError } from '@tfxai/core';

/**
 * One shard of a run: `index` of `count`, **1-based** (`{ index: 1, count: 4 }`
 * is the first of four; `--shard 1/4` on the command line). Scheduler
 * indices, which are 0-based, are converted by {@link shardFromEnvironment}.
 */
export interface ShardSpec {
  /** 1 to `count`. */
  index: number;
  /** Number of shards, >= 1. */
  count: number;
}

/** A shard given as text or read from the environment is not valid; the message says what is allowed. */
export class ShardSpecError extends TfxaiError {
  constructor(detail: string) {
    super('SHARD_INVALID', `${detail} (see docs/pipeline.md#sharding-across-a-batch-scheduler)`);
  }
}

/** The most shards a run may be split into (far above any scheduler's array size, low enough to catch a typo). */
export const MAX_SHARDS = 100_000;

/** Checks a shard spec. @throws ShardSpecError */
export function checkShard(shard: ShardSpec): ShardSpec {
  const { index, count } = shard;
  if (!Number.isInteger(count) || count < 1 || count > MAX_SHARDS) throw new ShardSpecError(`shard count ${String(count)}: allowed an integer from 1 to ${MAX_SHARDS}`);
  if (!Number.isInteger(index) || index < 1 || index > count) {
    throw new ShardSpecError(`shard ${String(index)}/${count}: shards are numbered 1 to ${count} (1-based; a 0-based scheduler index i is shard i+1, or use 'auto')`);
  }
  return { index, count };
}

/** Parses `i/n` (1-based, e.g. `2/5`). @throws ShardSpecError */
export function parseShard(text: string): ShardSpec {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!match) throw new ShardSpecError(`shard '${text}': allowed 'i/n' with 1 <= i <= n (e.g. 1/4), or 'auto'`);
  return checkShard({ index: Number(match[1]), count: Number(match[2]) });
}

function integerVariable(env: Record<string, string | undefined>, name: string, hint: string): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') throw new ShardSpecError(`--shard auto: ${name} is not set; ${hint}`);
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new ShardSpecError(`--shard auto: ${name}='${raw}' is not an integer >= 0`);
  return value;
}

/**
 * The shard of this task, from the scheduler's environment:
 *
 * - Kubernetes Indexed Job: `JOB_COMPLETION_INDEX` (0-based, set by
 *   Kubernetes) and `JOB_COMPLETIONS`, which Kubernetes does NOT set: put
 *   the Job's `spec.completions` into the container's env yourself (see
 *   docs/pipeline.md).
 * - Slurm job array: `SLURM_ARRAY_TASK_ID`, `SLURM_ARRAY_TASK_COUNT`,
 *   `SLURM_ARRAY_TASK_MIN` and `SLURM_ARRAY_TASK_STEP` (all set by Slurm);
 *   shard = (id - min) / step + 1, so `--array=1-8` and `--array=0-7` both
 *   give shards 1..8. A `%` limit is fine; ids with gaps (`--array=1,5,9`)
 *   are refused, since they do not map onto 1..count.
 *
 * @throws ShardSpecError when neither (or both) is present, or the values do not fit
 */
export function shardFromEnvironment(env: Record<string, string | undefined> = process.env): ShardSpec & { source: string } {
  const kubernetes = env['JOB_COMPLETION_INDEX'] !== undefined;
  const slurm = env['SLURM_ARRAY_TASK_ID'] !== undefined;
  if (kubernetes && slurm) throw new ShardSpecError('--shard auto: both JOB_COMPLETION_INDEX (Kubernetes) and SLURM_ARRAY_TASK_ID (Slurm) are set; give --shard i/n');
  if (kubernetes) {
    const index = integerVariable(env, 'JOB_COMPLETION_INDEX', 'it is set by Kubernetes in Indexed Jobs (completionMode: Indexed)');
    const count = integerVariable(env, 'JOB_COMPLETIONS', "Kubernetes does not set it: add `env: [{name: JOB_COMPLETIONS, value: \"<spec.completions>\"}]` to the container");
    if (index >= count) throw new ShardSpecError(`--shard auto: JOB_COMPLETION_INDEX=${index} is not below JOB_COMPLETIONS=${count}; JOB_COMPLETIONS must equal the Job's spec.completions`);
    return { ...checkShard({ index: index + 1, count }), source: `Kubernetes JOB_COMPLETION_INDEX=${index} of JOB_COMPLETIONS=${count}` };
  }
  if (slurm) {
    const id = integerVariable(env, 'SLURM_ARRAY_TASK_ID', 'it is set by Slurm in job arrays (sbatch --array)');
    const count = integerVariable(env, 'SLURM_ARRAY_TASK_COUNT', 'it is set by Slurm in job arrays');
    const min = env['SLURM_ARRAY_TASK_MIN'] === undefined ? 0 : integerVariable(env, 'SLURM_ARRAY_TASK_MIN', '');
    const step = env['SLURM_ARRAY_TASK_STEP'] === undefined ? 1 : integerVariable(env, 'SLURM_ARRAY_TASK_STEP', '');
    const offset = (id - min) / Math.max(step, 1);
    if (!Number.isInteger(offset) || offset < 0 || offset >= count) {
      throw new ShardSpecError(
        `--shard auto: SLURM_ARRAY_TASK_ID=${id} is not on the array min ${min} + k * step ${step}, k < SLURM_ARRAY_TASK_COUNT=${count}; ` +
          'use a contiguous array such as --array=0-7 (or with a step, 0-14:2)',
      );
    }
    return { ...checkShard({ index: offset + 1, count }), source: `Slurm SLURM_ARRAY_TASK_ID=${id} (min ${min}, step ${step}) of SLURM_ARRAY_TASK_COUNT=${count}` };
  }
  throw new ShardSpecError('--shard auto: no scheduler index found; set JOB_COMPLETION_INDEX and JOB_COMPLETIONS (Kubernetes) or run as a Slurm array (SLURM_ARRAY_TASK_ID)');
}

/**
 * Which shard (1-based) an input belongs to: the first 48 bits of the SHA-1
 * of its name, modulo `count`. The name alone decides, so shards never
 * overlap, their union is the whole input, the order inputs are listed in
 * does not matter, and adding or removing a file moves no other file.
 * @param name the sample name: the path relative to its input folder, with '/' separators
 */
export function shardOf(name: string, count: number): number {
  const digest = createHash('sha1').update(name, 'utf8').digest();
  // 48 bits fit a double exactly; SHA-1's bits are uniform, so the shards are even in expectation.
  return (digest.readUIntBE(0, 6) % count) + 1;
}

/** Keeps the items whose name falls in `shard`, in their order. */
export function selectShard<T>(items: readonly T[], shard: ShardSpec, nameOf: (item: T) => string): T[] {
  checkShard(shard);
  return items.filter((item) => shardOf(nameOf(item), shard.count) === shard.index);
}

/** `2-of-5`: the shard in file names. */
export function shardLabel(shard: ShardSpec): string {
  return `${shard.index}-of-${shard.count}`;
}
