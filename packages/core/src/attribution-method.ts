import * as tf from '@tensorflow/tfjs';
import { InvalidInputError, NonFiniteError } from './errors.js';
import { attributionHeatmap, type HeatmapSpec } from './heatmap-spec.js';
import type { MethodServices } from './method-services.js';
import { isLayersModel, type ModelAdapter, type ModelLike } from './model-adapter.js';
import { batchSpatialRank, type Heatmap, type ImageBatch, type SpatialRank } from './image-batch.js';
import { checkModelInput, modelSpatialRank, rowsWithinMemoryBudget } from './model-input.js';
import { assertSingleImage } from './single-image.js';
import { resolveTargets } from './target-selection.js';
import { assertFinite, toImageBatch } from './validation.js';
import type { AttributionResult, XaiMethod } from './xai-method.js';

/** A checked batch, as every method's computation receives it. */
export interface PreparedBatch {
  /**
   * The examples as a float32 batch, finite, fitting the model: images (N, H, W, C)
   * or volumes (N, D, H, W, C). Owned by the lifecycle: do not dispose.
   */
  readonly batch: ImageBatch;
  /** 2 for images (H, W), 3 for volumes (D, H, W): the batch's rank minus 2. */
  readonly spatialRank: SpatialRank;
  /** One checked class index per example. */
  readonly targets: readonly number[];
  /** The number of classes the model scores. */
  readonly numClasses: number;
  /**
   * The most rows (path points, samples, images) one forward+backward pass may
   * take within `PASS_MEMORY_BUDGET` for this model and image size; undefined
   * when unknown (graph and function models). Use {@link rowsPerPass}.
   */
  readonly maxRowsPerPass: number | undefined;
}

/**
 * Rows per forward+backward pass: the method's `internalBatchSize`, lowered to
 * what the memory budget allows for this model and image size (at least 1).
 * Results do not depend on it beyond rounding.
 */
export function rowsPerPass(prepared: PreparedBatch, internalBatchSize: number): number {
  return Math.max(1, Math.min(internalBatchSize, prepared.maxRowsPerPass ?? internalBatchSize));
}

/**
 * The number of classes the model scores: declared by a (single-output) layers
 * model's output shape, else read from one forward pass of the first example.
 */
export function classCount(adapter: ModelAdapter, batch: ImageBatch): number {
  // Declared only by a single-output layers model (an adapter of output k of several reads it from a pass).
  if (isLayersModel(adapter.model) && adapter.model.outputs.length === 1) {
    const shape = adapter.model.outputs[0]?.shape;
    if (shape?.length === 2 && typeof shape[1] === 'number') return shape[1];
  }
  return tf.tidy(() => adapter.predict(tf.slice(batch, 0, 1)).shape[1]);
}

/**
 * The one place where a method's input is checked and brought into shape
 * (Captum's `_validate_input` / `_format_input`): the backend is made ready,
 * `images` becomes a float32 batch, (N, H, W, C) for a model of images and
 * (N, D, H, W, C) for a model of volumes (one example without the batch axis
 * is a batch of one; a function model, which declares no input, is given
 * images for rank 3 and 4 and volumes for rank 5), it is checked against the model (channels, declared size, too small for the
 * model's layers, too large: {@link checkModelInput}) and for NaN/Infinity, and
 * `targets` is expanded to one class per example and range-checked.
 * The batch is disposed after `compute` settles, also when it throws.
 * @param compute the method's computation on the checked batch
 * @throws InvalidInputError, ClassIndexError, UnsupportedModelError
 */
export async function withPreparedBatch<T>(
  adapter: ModelAdapter,
  services: MethodServices,
  images: tf.Tensor,
  targets: number | readonly number[],
  compute: (prepared: PreparedBatch) => Promise<T>,
): Promise<T> {
  await services.backend.ready();
  if (typeof targets !== 'number' && !Array.isArray(targets)) {
    throw new InvalidInputError(`targets must be one class index or an array of one per example; got ${typeof targets}`);
  }
  const batch = toImageBatch(images, 'images', modelSpatialRank(adapter));
  try {
    checkModelInput(adapter, batch);
    await assertFinite(batch, 'images');
    const numClasses = classCount(adapter, batch);
    const classes = resolveTargets(targets, batch.shape[0], numClasses);
    const maxRowsPerPass = rowsWithinMemoryBudget(adapter, batch.shape.slice(1));
    return await compute({ batch, spatialRank: batchSpatialRank(batch), targets: classes, numClasses, maxRowsPerPass });
  } finally {
    batch.dispose();
  }
}

/** The index of the first value of `values` that is NaN or +-Infinity, or -1. */
function firstNonFinite(values: ArrayLike<number>): number {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i]!)) return i;
  return -1;
}

/**
 * Throws a {@link NonFiniteError} when the attributions or convergence deltas hold
 * NaN or +-Infinity (the model's scores were not finite, say), so that a NaN map is
 * never returned as a result. Disposes the attributions before throwing.
 * @param method the method's name, for the message
 */
export async function checkFiniteResult<R extends AttributionResult>(result: R, method: string): Promise<R> {
  const at = firstNonFinite(await result.attributions.data());
  const deltaAt = firstNonFinite(result.convergenceDelta ?? []);
  if (at >= 0 || deltaAt >= 0) {
    const shape = result.attributions.shape;
    result.attributions.dispose();
    throw new NonFiniteError(
      `${method}: the ${at >= 0 ? `attributions (shape [${shape}]) hold a non-finite value at flat index ${at}` : `convergence delta of example ${deltaAt} is not finite`}; ` +
        `the model's scores (or their gradients) are NaN or infinite for this input. No map is returned`,
    );
  }
  return result;
}

/** Throws a {@link NonFiniteError} when a heatmap holds NaN or +-Infinity; disposes it first. */
export async function checkFiniteHeatmap<T extends Heatmap>(heatmap: T, method: string): Promise<T> {
  const at = firstNonFinite(await heatmap.data());
  if (at >= 0) {
    heatmap.dispose();
    throw new NonFiniteError(`${method}: the heatmap holds a non-finite value at flat index ${at}; the model's scores are NaN or infinite for this input. No map is returned`);
  }
  return heatmap;
}

/**
 * The lifecycle every attribution method goes through (Captum's
 * `Attribution`/`GradientAttribution` base classes): a subclass implements
 * only {@link AttributionMethod.attributeBatch} on a checked batch; the base
 * checks the input ({@link withPreparedBatch}), checks the result for NaN and
 * Infinity ({@link checkFiniteResult}), and makes the heatmap from the
 * attributions by the method's {@link HeatmapSpec}.
 *
 * Options are checked before this constructor runs (declare them in
 * `defineMethod({ options })` and resolve with `resolveDeclaredOptions`).
 */
export abstract class AttributionMethod implements XaiMethod {
  abstract readonly name: string;
  /** The model as the method explains it. */
  protected readonly adapter: ModelAdapter;

  /**
   * @param model any supported model, wrapped by `services.adaptModel`
   * @param services the registry's services
   * @param adapt turns the wrapped model into the one explained (say, its logits). Default: as it is
   */
  constructor(model: ModelLike, protected readonly services: MethodServices, adapt: (adapter: ModelAdapter) => ModelAdapter = (a) => a) {
    this.adapter = adapt(services.adaptModel(model));
  }

  /** How `computeHeatmap` turns one example's attributions into a map. */
  abstract get heatmapSpec(): HeatmapSpec;

  /**
   * The method's attributions for a checked batch, the batch's shape
   * ((N, H, W, C) or (N, D, H, W, C)), or with C = 1.
   * The caller disposes what it returns; `prepared.batch` belongs to the lifecycle.
   */
  protected abstract attributeBatch(prepared: PreparedBatch): Promise<AttributionResult>;

  /** The spatial rank the model takes (2: images, 3: volumes), when it declares its input; undefined for function models. */
  get spatialRank(): SpatialRank | undefined {
    return modelSpatialRank(this.adapter);
  }

  /**
   * Raw attributions for a batch, checked to be finite, batched like the input.
   * @param images images (N, H, W, C) or (H, W, C); volumes (N, D, H, W, C) or (D, H, W, C)
   * @param targets one class for every example, or one per example
   * @throws InvalidInputError, ClassIndexError, UnsupportedModelError for bad input; NonFiniteError for a NaN/Infinity result
   */
  attribute(images: tf.Tensor3D | tf.Tensor4D, targets: number | readonly number[]): Promise<AttributionResult<tf.Tensor4D>>;
  attribute(images: tf.Tensor5D, targets: number | readonly number[]): Promise<AttributionResult<tf.Tensor5D>>;
  attribute(images: tf.Tensor, targets: number | readonly number[]): Promise<AttributionResult>;
  async attribute(images: tf.Tensor, targets: number | readonly number[]): Promise<AttributionResult> {
    const result = await withPreparedBatch(this.adapter, this.services, images, targets, (prepared) => this.attributeBatch(prepared));
    return checkFiniteResult(result, this.name);
  }

  /**
   * One heatmap in [0, 1] by the method's {@link HeatmapSpec}.
   * @param image an image (1, H, W, C) or (H, W, C); a volume (1, D, H, W, C) or (D, H, W, C)
   * @param classIndex the class to explain
   * @param eps min-max normalisation epsilon, a finite number >= 0 (default 1e-8)
   * @returns (H, W) for an image, (D, H, W) for a volume (normalised over the whole volume)
   */
  computeHeatmap(image: tf.Tensor3D | tf.Tensor4D, classIndex: number, eps?: number): Promise<tf.Tensor2D>;
  computeHeatmap(image: tf.Tensor5D, classIndex: number, eps?: number): Promise<tf.Tensor3D>;
  computeHeatmap(image: tf.Tensor, classIndex: number, eps?: number): Promise<Heatmap>;
  async computeHeatmap(image: tf.Tensor, classIndex: number, eps = 1e-8): Promise<Heatmap> {
    assertSingleImage(image, undefined, this.spatialRank);
    const { attributions } = await this.attribute(image, classIndex);
    let heatmap: Heatmap;
    try {
      heatmap = attributionHeatmap(attributions, this.heatmapSpec, eps);
    } finally {
      attributions.dispose();
    }
    return checkFiniteHeatmap(heatmap, this.name);
  }
}
