import { mkdir, realpath, unlink } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { InvalidOptionError, UnknownMethodError, adaptModel, initBackend, type ModelLike, type XaiMethod, type XaiRegistry } from '@tfxai/core';
import { defaultRegistry } from 'tfxai';
import { removeStaleTempFiles, writeFileAtomic } from './atomic-write.js';
import { COLORMAP_NAMES, colormapLut, type ColormapName } from './colormaps.js';
import { DecoderRun } from './decoder-run.js';
import { DEFAULT_OVERLAY_ALPHA, type DecoderResult, type XaiDecoderOptions } from './decoder-options.js';
import { OutputNotWritableError } from './errors.js';
import { gatherInputs } from './input-collection.js';
import { checkModelTakesImages } from './model-input-check.js';
import { loadModelFromFile } from './model-loader.js';
import { ModelMetadataError, parseModelMetadata, readModelMetadata, resolveModelInput, type ModelMetadataSource, type ResolvedModelInput } from './model-metadata.js';
import { declaredClassCount, modelInputSpec } from './model-spec.js';
import { insideFolder } from './output-naming.js';
import { loadPluginModule, resolvePluginSpecifier } from './plugin-modules.js';
import { checkStandardize, type StandardizeMode } from './preprocessing.js';
import { modelIdentity, runRecord, type RunRecord } from './run-record.js';
import { annotateResult } from './result-annotations.js';
import { checkClassChoice, planRun, type PlannedItem } from './run-plan.js';
import { RunTally } from './run-tally.js';
import { checkShard, selectShard } from './shard.js';
import { resolveWorkerChoice } from './worker-count.js';
import { runWorkerPool } from './worker-pool.js';

function positiveInteger(value: number | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw new InvalidOptionError(name, `got ${String(value)}; allowed: an integer >= 1`);
  return value;
}

async function prepareOutputFolder(outDir: string): Promise<void> {
  try {
    await mkdir(outDir, { recursive: true });
    // A real write (and rename) proves the folder writable, whatever the permission bits say.
    const probe = insideFolder(outDir, `.tfxai-write-probe-${process.pid}`);
    await writeFileAtomic(probe, new Uint8Array([1]));
    await unlink(probe);
    await removeStaleTempFiles(outDir);
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    throw new OutputNotWritableError(outDir, e.code ? `${e.code} (${e.message})` : e.message);
  }
}

/**
 * AUCMEDI's `xai_decoder`, batch-wise: explains every input image with one
 * method and writes heatmap overlays (and optionally the raw maps), or
 * returns the images and maps when no `outDir` is given.
 *
 * Images stream through in batches of `batchSize`: the next batch is decoded
 * while the current one is explained, so memory stays bounded by two batches
 * whatever the number of images. A bad image (corrupt, unsupported) is
 * reported in its {@link SampleResult} and the run goes on; problems that
 * would hit every image (an unwritable output folder, a missing model, an
 * unknown method, bad options) throw before the first image.
 *
 * Output names follow AUCMEDI: `<sample>.png` for one map per image (the
 * argmax class of `preds` or of the model's own prediction), and
 * `<sample>.class_<c>.png` with `classes` or `allClasses`; path separators
 * in sample names become '.', and no name can leave the output folder.
 * Every file is written atomically (temporary file, then rename).
 *
 * With `workers` (default 'auto'), large runs over files are shared by
 * worker threads, each with its own backend, model and method; output
 * names are decided here before any thread starts, so results, files and
 * progress are those of a run in this thread (see docs/pipeline.md).
 */
export async function xaiDecoder(options: XaiDecoderOptions): Promise<DecoderResult> {
  const started = Date.now();
  const batchSize = positiveInteger(options.batchSize, 'batchSize', 8);
  const alpha = options.alpha ?? DEFAULT_OVERLAY_ALPHA;
  if (!(typeof alpha === 'number' && alpha >= 0 && alpha <= 1)) throw new InvalidOptionError('alpha', `got ${String(alpha)}; allowed: a number from 0 to 1`);
  if (options.colormap !== undefined) colormapLut(options.colormap);
  const colormap = options.colormap ?? COLORMAP_NAMES[0]!;
  if (options.classes !== undefined && options.allClasses) throw new InvalidOptionError('classes', 'give either classes or allClasses, not both');
  if (options.preds !== undefined && (options.classes !== undefined || options.allClasses)) {
    throw new InvalidOptionError('preds', 'preds choose one class per image; they cannot be combined with classes or allClasses');
  }
  if (options.classes !== undefined && (!Array.isArray(options.classes) || options.classes.length === 0)) {
    throw new InvalidOptionError('classes', `got ${JSON.stringify(options.classes)}; allowed: a non-empty list of class indices`);
  }
  if (options.inputSize !== undefined && !(options.inputSize.length === 2 && options.inputSize.every((d) => Number.isInteger(d) && d > 0))) {
    throw new InvalidOptionError('inputSize', `got ${JSON.stringify(options.inputSize)}; allowed: [height, width], positive integers`);
  }
  if (options.channels !== undefined && options.channels !== 1 && options.channels !== 3) {
    throw new InvalidOptionError('channels', `got ${String(options.channels)}; allowed: 1 or 3`);
  }
  if (typeof options.method !== 'string' && options.methodOptions !== undefined) {
    throw new InvalidOptionError('methodOptions', 'a method instance is already configured; pass methodOptions with a method name instead');
  }
  if (options.resume && !options.outDir) throw new InvalidOptionError('resume', 'resume needs an outDir to look for finished outputs in');
  if (options.saveMaps && !options.outDir) throw new InvalidOptionError('saveMaps', 'saveMaps needs an outDir (without one, maps are returned)');

  if (options.shard !== undefined) checkShard(options.shard);
  const metadataSource = await modelMetadataOf(options);
  // Explicit options win over the model's metadata; the result says which applied.
  const input = resolveModelInput({ standardize: options.standardize, channels: options.channels }, metadataSource);
  const resolved: XaiDecoderOptions = { ...options, standardize: input.standardize, channels: input.channels };

  await initBackend();
  if (options.outDir) await refuseOutputAsInput(options.inputs, options.outDir);
  // An output folder inside an input folder is not walked: a second run must not explain the first one's overlays.
  const { items, ignored } = await gatherInputs(options.inputs, { glob: options.glob, names: options.names, exclude: options.outDir ? [options.outDir] : [] });
  const predsRows = options.preds === undefined ? undefined : Array.isArray(options.preds) ? (options.preds as number[][]) : ((options.preds as tf.Tensor2D).arraySync() as number[][]);
  if (predsRows && predsRows.length !== items.length) {
    throw new InvalidOptionError('preds', `got ${predsRows.length} rows for ${items.length} input images; give one row of class scores per image, in input order`);
  }
  const registry = options.registry ?? defaultRegistry();
  const plugins = (options.plugins ?? []).map((plugin) => resolvePluginSpecifier(plugin));
  for (const plugin of plugins) await loadPluginModule(plugin, registry);
  // An unknown method name is found before the model is loaded.
  if (typeof options.method === 'string') registry.registration(options.method);
  // Output names are planned over every input, then the shard is taken: a file's name does not depend on the shard it falls in.
  const planned = options.shard ? selectShard(planRun(items, predsRows), options.shard, (p) => p.item.sample) : planRun(items, predsRows);
  const { workers, reason: workersReason } = resolveWorkerChoice(resolved, planned.map((p) => p.item), defaultRegistry());
  if (options.outDir) await prepareOutputFolder(options.outDir);

  const tally = new RunTally(planned.length, started, options.onProgress);
  const annotate = (counts: Parameters<typeof annotateResult>[0]) => annotateResult(counts, input, { shard: options.shard, inputsTotal: items.length, workersReason });
  const overlay = { alpha, colormap };
  // The mode's name is checked here so a typo fails before any thread starts; each thread checks it against the model's channels.
  if (workers > 1) checkStandardize(input.standardize, input.channels);
  if (workers > 1) return annotate({ ...(await runInWorkers(resolved, planned, { workers, batchSize, plugins, overlay, predsRows, tally, input })), ignored });

  const ownsModel = typeof options.model === 'string';
  const model: ModelLike = typeof options.model === 'string' ? (await loadModelFromFile(options.model)).model : options.model;
  try {
    checkModelTakesImages(model, input.channels);
    const adapter = adaptModel(model);
    const spec = { ...modelInputSpec(adapter, options.inputSize, input.channels), reverseChannels: input.reverseChannels };
    const standardize = checkStandardize(input.standardize, spec.channels ?? undefined);
    const method = createMethod(options, model, registry);
    const record = options.outDir ? recordOf(resolved, await modelIdentity(options.model), overlay, input.reverseChannels) : undefined;
    const run = new DecoderRun({ ...options, record }, adapter, method, spec, standardize, declaredClassCount(model), overlay, (numClasses) => {
      checkClassChoice(numClasses, undefined, predsRows);
      checkClassNames(input, numClasses, metadataSource);
    });
    tally.startClock();
    const { aborted } = await run.process(batchesOf(planned, batchSize), (position, result) => tally.add(position, result));
    return annotate({ ...tally.result(aborted, 1, []), ignored });
  } finally {
    if (ownsModel) (model as tf.LayersModel | tf.GraphModel).dispose();
  }
}

/** The run's record for resume (see run-record.ts). */
function recordOf(options: XaiDecoderOptions, model: string, overlay: { alpha: number; colormap: ColormapName }, reverseChannels: boolean): RunRecord {
  const standardize = typeof options.standardize === 'function' ? 'function' : (options.standardize ?? 'none');
  // Channel order from the model's metadata changes what the model sees: part of the preprocessing recorded.
  return runRecord({ ...options, model, standardize: reverseChannels ? `${standardize}+bgr` : standardize, ...overlay });
}

/** An input folder that is the output folder itself: its overlays would replace its images. */
async function refuseOutputAsInput(inputs: XaiDecoderOptions['inputs'], outDir: string): Promise<void> {
  const out = await realpath(outDir).catch(() => path.resolve(outDir));
  for (const input of Array.isArray(inputs) ? inputs : [inputs]) {
    if (typeof input !== 'string') continue;
    if ((await realpath(input).catch(() => path.resolve(input))) === out) {
      throw new InvalidOptionError('outDir', `'${outDir}' is also an input folder; its overlays would overwrite its images. Choose another output folder (one inside the input folder is fine: it is left out of the inputs)`);
    }
  }
}

function* batchesOf(planned: readonly PlannedItem[], batchSize: number): Generator<PlannedItem[]> {
  for (let start = 0; start < planned.length; start += batchSize) yield planned.slice(start, start + batchSize);
}

/** The run on worker threads (see worker-pool.ts); the checks and names are this thread's, made before. */
async function runInWorkers(
  options: XaiDecoderOptions,
  planned: readonly PlannedItem[],
  run: {
    workers: number;
    batchSize: number;
    plugins: string[];
    overlay: { alpha: number; colormap: ColormapName };
    predsRows: number[][] | undefined;
    tally: RunTally;
    input: ResolvedModelInput;
  },
): Promise<ReturnType<RunTally['result']>> {
  const setup = {
    modelPath: path.resolve(options.model as string),
    method: options.method as string,
    methodOptions: options.methodOptions,
    layerName: options.layerName,
    plugins: run.plugins,
    backend: tf.getBackend(),
    inputSize: options.inputSize,
    channels: options.channels,
    standardize: (options.standardize ?? 'none') as StandardizeMode,
    reverseChannels: run.input.reverseChannels,
    settings: {
      outDir: options.outDir,
      saveMaps: options.saveMaps,
      resume: options.resume,
      classes: options.classes,
      allClasses: options.allClasses,
      eps: options.eps,
      // A model that cannot be read fails each worker's setup with its own error; this record is then never used.
      record: options.outDir ? recordOf(options, await modelIdentity(options.model as string).catch(() => 'unreadable'), run.overlay, run.input.reverseChannels) : undefined,
    },
    overlay: run.overlay,
  };
  try {
    const outcome = await runWorkerPool(planned, {
      size: run.workers,
      setup,
      batchSize: run.batchSize,
      signal: options.signal,
      onReady: (declaredClasses) => {
        // What the in-thread run checks before its first image; undeclared counts are checked by each worker after predicting.
        if (declaredClasses !== undefined) checkClassChoice(declaredClasses, options.classes, run.predsRows);
        if (declaredClasses !== undefined) checkClassNames(run.input, declaredClasses, undefined);
        run.tally.startClock();
      },
      sink: (position, result) => run.tally.add(position, result),
    });
    return run.tally.result(outcome.aborted, run.workers, outcome.crashes);
  } catch (error) {
    if (error instanceof UnknownMethodError) {
      // Known here (checked above) but not in the workers: it was loaded into the registry some other way than `plugins`.
      throw new InvalidOptionError(
        'plugins',
        `method '${String(options.method)}' is registered in this thread but not by the default registry or a plugin module the worker threads load; pass its module in \`plugins\`, or set workers to 1`,
      );
    }
    throw error;
  }
}

function createMethod(options: XaiDecoderOptions, model: ModelLike, registry: XaiRegistry): XaiMethod {
  if (typeof options.method !== 'string') {
    if (typeof options.method?.computeHeatmap !== 'function') {
      throw new InvalidOptionError('method', 'expected a method name or an object with computeHeatmap(image, classIndex)');
    }
    return options.method;
  }
  const methodOptions = { ...(options.methodOptions ?? {}), ...(options.layerName !== undefined ? { layerName: options.layerName } : {}) };
  return registry.decoder(options.method)(model, methodOptions);
}

/** The metadata a run uses: given, read beside a model path, or none. */
async function modelMetadataOf(options: XaiDecoderOptions): Promise<ModelMetadataSource | undefined> {
  if (options.metadata === false) return undefined;
  if (options.metadata !== undefined) return { metadata: parseModelMetadata(options.metadata, 'options.metadata'), file: 'options.metadata', kind: 'sidecar' };
  return typeof options.model === 'string' ? readModelMetadata(options.model) : undefined;
}

/** Class names must name every class the model has, no more, no fewer. @throws ModelMetadataError */
function checkClassNames(input: ResolvedModelInput, numClasses: number, source: ModelMetadataSource | undefined): void {
  if (input.classNames && input.classNames.length !== numClasses) {
    throw new ModelMetadataError(source?.file ?? 'model metadata', 'classNames', `${input.classNames.length} names for a model with ${numClasses} output classes; give one name per class`);
  }
}
