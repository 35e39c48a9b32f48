import type { DecoderResult, RunSummary } from '@tfxai/node';

/** `plus 3, ring 3, x 3`: maps per class, by name when the model names its classes. */
export function classCountsText(counts: Record<string, number>): string {
  return Object.entries(counts)
    .map(([name, n]) => `${name} ${n}`)
    .join(', ');
}

/** Maps per class of a decoder result (done images only). */
export function resultClassCounts(result: DecoderResult): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const sample of result.samples) {
    if (sample.status !== 'done') continue;
    sample.classes.forEach((c, i) => {
      const key = sample.classNames?.[i] ?? String(c);
      counts[key] = (counts[key] ?? 0) + 1;
    });
  }
  return counts;
}

const SHOWN = 5;

/** The warning lines of constant maps: a count, then at most five examples. */
export function constantMapLines(
  warnings: readonly { sample: string; classIndex: number; className?: string }[],
  classNames: readonly string[] | undefined,
): string[] {
  if (warnings.length === 0) return [];
  const examples = warnings
    .slice(0, SHOWN)
    .map((w) => `${w.sample} (${w.className ?? classNames?.[w.classIndex] ?? `class ${w.classIndex}`})`)
    .join(', ');
  return [
    `warning: ${warnings.length} map${warnings.length === 1 ? ' is' : 's are'} constant (one flat colour, no evidence anywhere): ${examples}${warnings.length > SHOWN ? `, and ${warnings.length - SHOWN} more` : ''}; ` +
      "check the preprocessing and the method's options (the JSON lists them all)",
  ];
}

/** The lines `tfxai explain` prints after its 'finished' line. */
export function explainReportLines(result: DecoderResult): string[] {
  const lines = [result.preprocessingAssumed ? `warning: ${result.preprocessing}` : result.preprocessing];
  // How many threads, and why (for 'auto': the method's cost and the image count).
  if (result.workersReason) lines.push(result.workersReason);
  const counts = resultClassCounts(result);
  if (Object.keys(counts).length) lines.push(`explained classes: ${classCountsText(counts)}`);
  lines.push(...constantMapLines(result.warnings, result.classNames));
  return lines;
}

/** The report of `tfxai summary`. */
export function summaryLines(summary: RunSummary, outDir: string): string[] {
  const lines = [
    `${outDir}: ${summary.reported.length} of ${summary.shardCount} shard${summary.shardCount === 1 ? '' : 's'} reported, ${summary.inputsTotal} inputs`,
    `${summary.done} done, ${summary.skipped} skipped, ${summary.failed} failed, ${summary.notReached} not reached (interrupted), ${summary.missing} missing` +
      (summary.missingShards.length ? ` (shard${summary.missingShards.length === 1 ? '' : 's'} ${summary.missingShards.map((i) => `${i}/${summary.shardCount}`).join(', ')} never reported)` : ''),
  ];
  if (summary.inputsDisagree) lines.push('warning: the shards saw different numbers of inputs (files added or removed between shard runs); rerun every shard on the same input');
  for (const failure of summary.failures) lines.push(`failed: ${failure.sample} (shard ${failure.shard}): ${failure.error ? `${failure.error.code}: ${failure.error.message}` : 'no reason recorded'}`);
  if (Object.keys(summary.classCounts).length) lines.push(`explained classes: ${classCountsText(summary.classCounts)}`);
  lines.push(...constantMapLines(summary.warnings, undefined));
  lines.push(summary.complete ? 'complete: every input is done' : 'incomplete: see above');
  return lines;
}
