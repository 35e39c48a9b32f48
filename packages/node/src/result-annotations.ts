import type { DecoderResult, SampleResult } from './decoder-options.js';
import type { ResolvedModelInput } from './model-metadata.js';
import type { ShardSpec } from './shard.js';

/** What a run adds to the counts {@link RunTally} keeps: class names, preprocessing, warnings, shard, why this many workers. */
export type ResultAnnotations = Pick<DecoderResult, 'classNames' | 'preprocessing' | 'preprocessingAssumed' | 'warnings' | 'shard' | 'inputsTotal' | 'workersReason'>;

/** A sample with the names of its classes (when the model's metadata names them). */
function namedSample(sample: SampleResult, classNames: readonly string[] | undefined): SampleResult {
  if (!classNames || sample.classes.length === 0) return sample;
  return { ...sample, classNames: sample.classes.map((c) => classNames[c] ?? `class ${c}`) };
}

/**
 * The decoder's result with class names on every sample, the preprocessing
 * note, every constant-map warning (with its sample) and the shard.
 */
export function annotateResult(
  counts: Omit<DecoderResult, keyof ResultAnnotations>,
  input: ResolvedModelInput,
  run: { shard: ShardSpec | undefined; inputsTotal: number; workersReason: string },
): DecoderResult {
  const samples = counts.samples.map((sample) => namedSample(sample, input.classNames));
  const warnings = samples.flatMap((sample) => (sample.warnings ?? []).map((warning) => ({ ...warning, sample: sample.sample })));
  return {
    ...counts,
    samples,
    ...(input.classNames ? { classNames: [...input.classNames] } : {}),
    preprocessing: input.preprocessingNote,
    preprocessingAssumed: input.assumed,
    warnings,
    ...(run.shard ? { shard: run.shard } : {}),
    inputsTotal: run.inputsTotal,
    workersReason: run.workersReason,
  };
}
