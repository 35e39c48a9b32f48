import path from 'node:path';
import { MANIFEST_FOLDER, RunManifestError, mergeRunManifests, readRunManifests } from '@tfxai/node';
import type { CliIo } from './cli-io.js';
import { UsageError } from './errors.js';
import { SUMMARY_HELP } from './help-text.js';
import { parseFlags } from './parse-flags.js';
import { summaryLines } from './run-report.js';
import { printable } from './terminal-text.js';

/**
 * `tfxai summary OUT`: merges the run manifests every shard wrote into
 * OUT/.tfxai/ into one report. Returns the exit code: 0 every input done,
 * 1 something failed, was not reached or a shard is missing, 2 no manifests.
 */
export async function summaryCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags('summary', args, { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } });
  if (values.help) {
    io.stdout.write(SUMMARY_HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(`give exactly one output folder (got ${positionals.length}; see 'tfxai summary --help')`, 'summary');
  const outDir = path.resolve(io.cwd ?? process.cwd(), positionals[0]!);
  const found = await readRunManifests(outDir);
  if (found.length === 0) throw new RunManifestError(path.join(outDir, MANIFEST_FOLDER), "no run manifests found; 'tfxai explain --out <folder>' writes one per run or shard");
  const summary = mergeRunManifests(found);
  if (values.json) io.stdout.write(`${JSON.stringify({ outDir, ...summary, manifests: found.map(({ file }) => file) }, null, 2)}\n`);
  // Sample names in failure lines: control characters shown escaped.
  else io.stdout.write(`${summaryLines(summary, outDir).map(printable).join('\n')}\n`);
  return summary.complete ? 0 : 1;
}
