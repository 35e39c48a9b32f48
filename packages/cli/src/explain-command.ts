import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { BACKEND_PREFERENCE, type BackendName, type TfxaiError } from '@tfxai/core';
import {
  AUCMEDI_OVERLAY_ALPHA,
  parseShard,
  resolvePluginSpecifier,
  runManifest,
  shardFromEnvironment,
  writeRunManifest,
  xaiDecoder,
  type ColormapName,
  type DecoderResult,
  type ShardSpec,
  type StandardizeMode,
  type XaiDecoderOptions,
} from '@tfxai/node';
import { defaultRegistry } from 'tfxai';
import { startBackend } from './backend-line.js';
import type { CliIo } from './cli-io.js';
import { UsageError } from './errors.js';
import { EXPLAIN_HELP } from './help-text.js';
import { declaredOptionsOf, parseMethodOptions } from './method-options.js';
import { numberFlag, parseFlags } from './parse-flags.js';
import { medicalExplainCommand, medicalRun } from './medical-explain-command.js';
import { loadPlugin } from './plugin-loader.js';
import { ProgressReporter, formatDuration } from './progress-reporter.js';
import { explainReportLines } from './run-report.js';
import { printable } from './terminal-text.js';

/** Every flag `tfxai explain` accepts (util.parseArgs config). */
export const EXPLAIN_FLAGS = {
  model: { type: 'string', short: 'm' },
  method: { type: 'string' },
  out: { type: 'string', short: 'o' },
  'method-option': { type: 'string', short: 'O', multiple: true },
  layer: { type: 'string' },
  plugin: { type: 'string', multiple: true },
  class: { type: 'string', multiple: true },
  'all-classes': { type: 'boolean' },
  preds: { type: 'string' },
  standardize: { type: 'string' },
  'input-size': { type: 'string' },
  channels: { type: 'string' },
  alpha: { type: 'string' },
  colormap: { type: 'string' },
  'save-maps': { type: 'boolean' },
  resume: { type: 'boolean' },
  glob: { type: 'string' },
  'batch-size': { type: 'string' },
  workers: { type: 'string' },
  shard: { type: 'string' },
  backend: { type: 'string' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
  // NIfTI and DICOM inputs (see medical-explain-command.ts).
  'slice-axis': { type: 'string' },
  'volume-index': { type: 'string' },
  'series-uid': { type: 'string' },
  window: { type: 'string' },
  'clip-percentiles': { type: 'string' },
  'dicom-out': { type: 'boolean' },
} as const;

function parseWorkers(value: string | undefined): number | 'auto' | undefined {
  if (value === undefined || value === 'auto') return value;
  return numberFlag('explain', 'workers', value, (n) => Number.isInteger(n) && n >= 1, "'auto' or an integer >= 1 (1: no worker threads)");
}

function parseInputSize(value: string | undefined): [number, number] | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d+)\s*[x,]\s*(\d+)$/i.exec(value.trim());
  if (!match || Number(match[1]) < 1 || Number(match[2]) < 1) throw new UsageError(`--input-size ${value}: allowed HxW, e.g. 224x224`, 'explain');
  return [Number(match[1]), Number(match[2])];
}

async function readPreds(file: string | undefined, cwd: string): Promise<number[][] | undefined> {
  if (file === undefined) return undefined;
  let rows: unknown;
  try {
    rows = JSON.parse(await readFile(path.resolve(cwd, file), 'utf8'));
  } catch (error) {
    throw new UsageError(`--preds ${file}: cannot read it as JSON (${(error as Error).message})`, 'explain');
  }
  if (!Array.isArray(rows) || !rows.every((row) => Array.isArray(row) && row.every((v) => typeof v === 'number'))) {
    throw new UsageError(`--preds ${file}: expected a JSON array of rows of numbers (N x classes)`, 'explain');
  }
  return rows as number[][];
}

/** `--alpha`: a number from 0 to 1, or 'aucmedi' for AUCMEDI's 0.25. */
function parseAlpha(value: string | undefined): number | undefined {
  if (value?.trim().toLowerCase() === 'aucmedi') return AUCMEDI_OVERLAY_ALPHA;
  return numberFlag('explain', 'alpha', value, (n) => n >= 0 && n <= 1, "a number from 0 to 1, or 'aucmedi' (0.25)");
}

/** `--shard i/n` (1-based) or `auto` (Kubernetes Indexed Job or Slurm array index from the environment). */
function parseShardFlag(value: string | undefined, io: CliIo): (ShardSpec & { source?: string }) | undefined {
  if (value === undefined) return undefined;
  return value.trim() === 'auto' ? shardFromEnvironment(io.env ?? process.env) : parseShard(value);
}

const errorJson = (error: TfxaiError) => ({ name: error.name, code: error.code, message: error.message });

/** The result as JSON: errors as {name, code, message}. */
function resultJson(result: DecoderResult, outDir: string, backend: string): unknown {
  return {
    ...result,
    backend,
    workerCrashes: result.workerCrashes.map(errorJson),
    outDir,
    samples: result.samples.map(({ error, image: _image, maps: _maps, ...rest }) => ({
      ...rest,
      ...(error ? { error: errorJson(error) } : {}),
    })),
  };
}

/** The summary's second line: what the folder walk left out (nothing is silently missing), or '' when nothing was. */
export function leftOutLine(ignored: DecoderResult['ignored']): string {
  const parts = [
    ignored.hidden ? `${ignored.hidden} hidden (name starts with '.')` : '',
    ignored.symlinks ? `${ignored.symlinks} symbolic link${ignored.symlinks > 1 ? 's' : ''} not followed (to a folder, broken, or not to a regular file)` : '',
    ignored.special ? `${ignored.special} FIFO/socket/device file${ignored.special > 1 ? 's' : ''} refused` : '',
    ignored.excluded ? 'the output folder inside the input folder' : '',
  ].filter(Boolean);
  return parts.length ? `left out of the inputs: ${parts.join(', ')}` : '';
}

/** `tfxai explain`. Returns the exit code: 0 all done, 1 some images failed, 130 interrupted. */
export async function explainCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags('explain', args, EXPLAIN_FLAGS);
  if (values.help) {
    io.stdout.write(EXPLAIN_HELP);
    return 0;
  }
  const cwd = io.cwd ?? process.cwd();
  for (const required of ['model', 'method', 'out'] as const) {
    if (!values[required]) throw new UsageError(`--${required} is required (see 'tfxai explain --help')`, 'explain');
  }
  if (positionals.length === 0) throw new UsageError(`no inputs: give image files or folders after the options (see 'tfxai explain --help')`, 'explain');
  const classes = values.class?.map((c) => numberFlag('explain', 'class', c, (n) => Number.isInteger(n) && n >= 0, 'a class index 0, 1, ...')!);
  const outDir = path.resolve(cwd, values.out!);
  const registry = defaultRegistry();
  for (const plugin of values.plugin ?? []) await loadPlugin(plugin, registry, cwd);
  if (values.backend !== undefined && !BACKEND_PREFERENCE.includes(values.backend as BackendName)) {
    throw new UsageError(`--backend ${values.backend}: allowed ${BACKEND_PREFERENCE.join(', ')}`, 'explain');
  }
  const shard = parseShardFlag(values.shard, io);
  // Chosen here, said once in plain words (the library's own log line stays silent).
  const backend = await startBackend(values.backend as BackendName | undefined, io.env ?? process.env);
  if (!values.quiet) io.stderr.write(`${backend}
`);
  if (shard?.source && !values.quiet) io.stderr.write(`shard: ${shard.index}/${shard.count} (${shard.source})
`);

  const inputs = positionals.map((input) => path.resolve(cwd, input));
  if (await medicalRun(inputs, values)) {
    const methodOptions = values['method-option'] ? parseMethodOptions(values['method-option']) : undefined;
    const context = { values, inputs, outDir, registry, cwd, classes, methodOptions, inputSize: parseInputSize(values['input-size']), alpha: parseAlpha(values.alpha) };
    return medicalExplainCommand(context, io);
  }
  const options: XaiDecoderOptions = {
    inputs: positionals.map((input) => path.resolve(cwd, input)),
    model: path.resolve(cwd, values.model!),
    method: values.method!,
    registry,
    // Already loaded above; the worker threads load them again by these names.
    plugins: values.plugin?.map((plugin) => resolvePluginSpecifier(plugin, cwd)),
    methodOptions: values['method-option'] ? parseMethodOptions(values['method-option'], declaredOptionsOf(registry, values.method!)) : undefined,
    layerName: values.layer,
    classes,
    allClasses: values['all-classes'],
    preds: await readPreds(values.preds, cwd),
    standardize: values.standardize as StandardizeMode | undefined,
    inputSize: parseInputSize(values['input-size']),
    channels: numberFlag('explain', 'channels', values.channels, (n) => n === 1 || n === 3, '1 or 3') as 1 | 3 | undefined,
    alpha: parseAlpha(values.alpha),
    colormap: values.colormap as ColormapName | undefined,
    saveMaps: values['save-maps'],
    resume: values.resume,
    glob: values.glob,
    batchSize: numberFlag('explain', 'batch-size', values['batch-size'], (n) => Number.isInteger(n) && n >= 1, 'an integer >= 1'),
    workers: parseWorkers(values.workers),
    ...(shard ? { shard: { index: shard.index, count: shard.count } } : {}),
    outDir,
    signal: io.signal,
  };
  const reporter = values.quiet ? undefined : new ProgressReporter(io.stderr);
  options.onProgress = (progress) => {
    if (progress.status === 'failed' && progress.error) reporter?.message(printable(`failed: ${progress.sample}: ${progress.error.message}`));
    reporter?.update(progress);
  };
  const result = await xaiDecoder(options);
  reporter?.finish();
  // The shard's record, merged with the other shards' by `tfxai summary`.
  await writeRunManifest(outDir, runManifest(result, { outDir, method: values.method!, model: options.model as string }));
  if (values.json) io.stdout.write(`${JSON.stringify(resultJson(result, outDir, backend), null, 2)}\n`);
  if (!values.quiet) {
    const notReached = result.total - result.samples.length;
    io.stderr.write(
      `${result.aborted ? 'interrupted' : 'finished'}: ${result.done} done, ${result.skipped} skipped, ${result.failed} failed` +
        `${notReached ? `, ${notReached} not reached` : ''} of ${result.total} images in ${formatDuration(result.seconds)} (${result.seconds.toFixed(1)} s)` +
        `${result.workers > 1 ? ` on ${result.workers} worker threads` : ''}${result.workerCrashes.length ? ` (${result.workerCrashes.length} crashed)` : ''}; output: ${printable(outDir)}` +
        `${result.shard ? ` (shard ${result.shard.index}/${result.shard.count} of ${result.inputsTotal} inputs)` : ''}\n`,
    );
    const leftOut = leftOutLine(result.ignored);
    if (leftOut) io.stderr.write(`${leftOut}\n`);
  }
  // Said even with -q: an assumed preprocessing or a flat map can mean wrong pictures.
  for (const line of explainReportLines(result)) if (!values.quiet || line.startsWith('warning:')) io.stderr.write(`${printable(line)}\n`);
  if (result.aborted) return 130;
  return result.failed > 0 ? 1 : 0;
}
