import { mkdir, unlink } from 'node:fs/promises';
import type * as tf from '@tensorflow/tfjs';
import { InvalidOptionError, adaptModel, initBackend, isGraphModel, isLayersModel, type ModelLike, type XaiMethod } from '@tfxai/core';
import { defaultRegistry } from 'tfxai';
import { removeStaleTempFiles, writeFileAtomic } from './atomic-write.js';
import { COLORMAP_NAMES, colormapLut } from './colormaps.js';
import { DecoderRun } from './decoder-run.js';
import type { DecoderResult, XaiDecoderOptions } from './decoder-options.js';
import { OutputNotWritableError } from './errors.js';
import { collectInputs } from './input-collection.js';
import { loadModelFromFile } from './model-loader.js';
import { insideFolder } from './output-naming.js';
import { checkStandardize, type ModelInputSpec } from './preprocessing.js';

function positiveInteger(value: number | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw new InvalidOptionError(name, `got ${String(value)}; allowed: an integer >= 1`);
  return value;
}

/** The class count a model declares in its output shape, if it does. */
function declaredClassCount(model: ModelLike): number | undefined {
  const shape = isLayersModel(model) || isGraphModel(model) ? model.outputs[0]?.shape : undefined;
  const classes = shape?.[shape.length - 1];
  return typeof classes === 'number' && classes > 0 && shape!.length === 2 ? classes : undefined;
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
 */
export async function xaiDecoder(options: XaiDecoderOptions): Promise<DecoderResult> {
  const started = Date.now();
  const batchSize = positiveInteger(options.batchSize, 'batchSize', 8);
  const alpha = options.alpha ?? 0.25;
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

  await initBackend();
  const items = await collectInputs(options.inputs, { glob: options.glob, names: options.names });
  const predsRows = options.preds === undefined ? undefined : Array.isArray(options.preds) ? (options.preds as number[][]) : ((options.preds as tf.Tensor2D).arraySync() as number[][]);
  if (predsRows && predsRows.length !== items.length) {
    throw new InvalidOptionError('preds', `got ${predsRows.length} rows for ${items.length} input images; give one row of class scores per image, in input order`);
  }
  // An unknown method name is found before the model is loaded.
  if (typeof options.method === 'string') (options.registry ?? defaultRegistry()).registration(options.method);
  if (options.outDir) await prepareOutputFolder(options.outDir);

  const ownsModel = typeof options.model === 'string';
  const model: ModelLike = typeof options.model === 'string' ? (await loadModelFromFile(options.model)).model : options.model;
  try {
    const adapter = adaptModel(model);
    const shape = adapter.inputShape;
    const spec: ModelInputSpec = {
      height: options.inputSize?.[0] ?? (shape?.[0] as number | null | undefined) ?? null,
      width: options.inputSize?.[1] ?? (shape?.[1] as number | null | undefined) ?? null,
      channels: options.channels ?? (shape?.[2] as number | null | undefined) ?? null,
    };
    const standardize = checkStandardize(options.standardize ?? 'none', spec.channels ?? undefined);
    const method = createMethod(options, model);
    const run = new DecoderRun(options, adapter, method, spec, standardize, predsRows, declaredClassCount(model), { alpha, colormap }, started);
    return await run.process(items, batchSize);
  } finally {
    if (ownsModel) (model as tf.LayersModel | tf.GraphModel).dispose();
  }
}

function createMethod(options: XaiDecoderOptions, model: ModelLike): XaiMethod {
  if (typeof options.method !== 'string') {
    if (typeof options.method?.computeHeatmap !== 'function') {
      throw new InvalidOptionError('method', 'expected a method name or an object with computeHeatmap(image, classIndex)');
    }
    return options.method;
  }
  const registry = options.registry ?? defaultRegistry();
  const methodOptions = { ...(options.methodOptions ?? {}), ...(options.layerName !== undefined ? { layerName: options.layerName } : {}) };
  return registry.decoder(options.method)(model, methodOptions);
}
