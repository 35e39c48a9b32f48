import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { BACKEND_PREFERENCE, initBackend, type BackendName, type XaiRegistry } from '@tfxai/core';
import { FILL_MODES, type FillMode } from '@tfxai/evaluate';
import { evaluateMethods, type EvaluateOptions } from '@tfxai/evaluate/report';
import type { StandardizeMode } from '@tfxai/node';
import { defaultRegistry } from 'tfxai';
import type { CliIo } from './cli-io.js';
import { UsageError } from './errors.js';
import { EVALUATE_HELP } from './evaluate-help.js';
import { numberFlag, parseFlags } from './parse-flags.js';
import { declaredOptionsOf, parseMethodOptions } from './method-options.js';
import { loadPlugin } from './plugin-loader.js';
import { ProgressReporter, formatDuration } from './progress-reporter.js';

/** Every flag `tfxai evaluate` accepts (util.parseArgs config). */
export const EVALUATE_FLAGS = {
  model: { type: 'string', short: 'm' },
  methods: { type: 'string' },
  'method-option': { type: 'string', short: 'O', multiple: true },
  out: { type: 'string', short: 'o' },
  masks: { type: 'string' },
  boxes: { type: 'string' },
  steps: { type: 'string' },
  'deletion-fill': { type: 'string' },
  'insertion-fill': { type: 'string' },
  'mu-samples': { type: 'string' },
  'randomisation-images': { type: 'string' },
  seed: { type: 'string' },
  plugin: { type: 'string', multiple: true },
  standardize: { type: 'string' },
  glob: { type: 'string' },
  'batch-size': { type: 'string' },
  backend: { type: 'string' },
  resume: { type: 'boolean' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
} as const;

const integerFlag = (flag: string, value: string | undefined, min: number) =>
  numberFlag('evaluate', flag, value, (n) => Number.isInteger(n) && n >= min, `an integer >= ${min}`);

function fillFlag(flag: string, value: string | undefined): FillMode | undefined {
  if (value !== undefined && !FILL_MODES.includes(value as FillMode)) throw new UsageError(`--${flag} ${value}: allowed ${FILL_MODES.join(', ')}`, 'evaluate');
  return value as FillMode | undefined;
}

async function readBoxes(file: string | undefined, cwd: string): Promise<EvaluateOptions['boxes']> {
  if (file === undefined) return undefined;
  try {
    const boxes = JSON.parse(await readFile(path.resolve(cwd, file), 'utf8')) as unknown;
    if (typeof boxes !== 'object' || boxes === null || Array.isArray(boxes)) throw new Error('not an object of image name -> box');
    return boxes as EvaluateOptions['boxes'];
  } catch (error) {
    throw new UsageError(`--boxes ${file}: cannot read it as JSON boxes (${(error as Error).message})`, 'evaluate');
  }
}

/**
 * `--method-option <method>:<key>=<value>` flags grouped per method of `methods`
 * (matched by canonical name, so aliases work on either side).
 */
function methodOptionsByMethod(flags: readonly string[] | undefined, methods: readonly string[], registry: XaiRegistry): Record<string, unknown> | undefined {
  if (!flags?.length) return undefined;
  const byMethod: Record<string, string[]> = {};
  for (const flag of flags) {
    const colon = flag.indexOf(':');
    if (colon <= 0) throw new UsageError(`--method-option '${flag}' is not <method>:<key>=<value> (e.g. -O occlusion:patchSize=8)`, 'evaluate');
    const canonical = registry.registration(flag.slice(0, colon)).name;
    const method = methods.find((m) => registry.registration(m).name === canonical);
    if (!method) throw new UsageError(`--method-option '${flag}': '${flag.slice(0, colon)}' is not one of --methods ${methods.join(',')}`, 'evaluate');
    (byMethod[method] ??= []).push(flag.slice(colon + 1));
  }
  return Object.fromEntries(Object.entries(byMethod).map(([method, pairs]) => [method, parseMethodOptions(pairs, declaredOptionsOf(registry, method), 'evaluate')]));
}

/** `tfxai evaluate`. Returns the exit code: 0 all done, 1 some images failed, 130 interrupted. */
export async function evaluateCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags('evaluate', args, EVALUATE_FLAGS);
  if (values.help) {
    io.stdout.write(EVALUATE_HELP);
    return 0;
  }
  const cwd = io.cwd ?? process.cwd();
  for (const required of ['model', 'methods', 'out'] as const) {
    if (!values[required]) throw new UsageError(`--${required} is required (see 'tfxai evaluate --help')`, 'evaluate');
  }
  if (positionals.length === 0) throw new UsageError(`no inputs: give image files or folders after the options (see 'tfxai evaluate --help')`, 'evaluate');
  const methods = values.methods!.split(',').map((m) => m.trim()).filter(Boolean);
  if (methods.length === 0) throw new UsageError(`--methods ${values.methods}: give method names separated by commas, e.g. ig,gradcam`, 'evaluate');
  const registry = defaultRegistry();
  for (const plugin of values.plugin ?? []) await loadPlugin(plugin, registry, cwd);
  if (values.backend !== undefined) {
    if (!BACKEND_PREFERENCE.includes(values.backend as BackendName)) throw new UsageError(`--backend ${values.backend}: allowed ${BACKEND_PREFERENCE.join(', ')}`, 'evaluate');
    await initBackend({ backend: values.backend as BackendName });
  }
  const reporter = values.quiet ? undefined : new ProgressReporter(io.stderr);
  const result = await evaluateMethods({
    model: path.resolve(cwd, values.model!),
    inputs: positionals.map((input) => path.resolve(cwd, input)),
    methods,
    registry,
    methodOptions: methodOptionsByMethod(values['method-option'], methods, registry),
    outDir: path.resolve(cwd, values.out!),
    masksDir: values.masks === undefined ? undefined : path.resolve(cwd, values.masks),
    boxes: await readBoxes(values.boxes, cwd),
    standardize: values.standardize as StandardizeMode | undefined,
    steps: integerFlag('steps', values.steps, 1),
    deletionFill: fillFlag('deletion-fill', values['deletion-fill']),
    insertionFill: fillFlag('insertion-fill', values['insertion-fill']),
    muFidelitySamples: integerFlag('mu-samples', values['mu-samples'], 2),
    randomisationImages: integerFlag('randomisation-images', values['randomisation-images'], 0),
    seed: integerFlag('seed', values.seed, 0),
    batchSize: integerFlag('batch-size', values['batch-size'], 1),
    glob: values.glob,
    resume: values.resume,
    signal: io.signal,
    onProgress: (progress) => {
      if (progress.status === 'failed' && progress.error) reporter?.message(`failed: ${progress.sample}: ${progress.error.message}`);
      reporter?.update(progress);
    },
  });
  reporter?.finish();
  if (values.json) {
    const { evaluations: _perImage, table: _table, ...summary } = result;
    io.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  } else {
    io.stdout.write(result.table);
  }
  if (!values.quiet) {
    io.stderr.write(
      `${result.aborted ? 'interrupted' : 'finished'}: ${result.done} computed, ${result.skipped} resumed, ${result.failed} failed of ${result.total} images ` +
        `in ${formatDuration(result.seconds)} (${result.seconds.toFixed(1)} s); report: ${result.files.report}\n`,
    );
  }
  if (result.aborted) return 130;
  return result.failed > 0 ? 1 : 0;
}
