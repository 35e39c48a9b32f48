import * as tf from '@tensorflow/tfjs';
import { InvalidInputError, NonFiniteError } from './errors.js';
import { attributionHeatmap, type HeatmapSpec } from './heatmap-spec.js';
import type { MethodServices } from './method-services.js';
import { isLayersModel, type ModelAdapter, type ModelLike } from './model-adapter.js';
import { checkModelInput } from './model-input.js';
import { assertSingleImage } from './single-image.js';
import { resolveTargets } from './target-selection.js';
import { assertFinite, toImageBatch } from './validation.js';
import type { AttributionResult, XaiMethod } from './xai-method.js';

/** A checked batch, as every method's computation receives it. */
export interface PreparedBatch {
  /** The images as a float32 batch (N, H, W, C), finite, fitting the model. Owned by the lifecycle: do not dispose. */
  readonly batch: tf.Tensor4D;
  /** One checked class index per example. */
  readonly targets: readonly number[];
  /** The number of classes the model scores. */
  readonly numClasses: number;
}

/**
 * The number of classes the model scores: declared by a (single-output) layers
 * model's output shape, else read from one forward pass of the first example.
 */
export function classCount(adapter: ModelAdapter, batch: tf.Tensor4D): number {
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
 * `images` becomes a float32 batch (N, H, W, C) ((H, W, C) is a batch of one),
 * it is checked against the model (channels, declared size, too small for the
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
  const batch = toImageBatch(images, 'images');
  try {
    checkModelInput(adapter, batch);
    await assertFinite(batch, 'images');
    const numClasses = classCount(adapter, batch);
    const classes = resolveTargets(targets, batch.shape[0], numClasses);
    return await compute({ batch, targets: classes, numClasses });
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
export async function checkFiniteResult(result: AttributionResult, method: string): Promise<AttributionResult> {
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
export async function checkFiniteHeatmap(heatmap: tf.Tensor2D, method: string): Promise<tf.Tensor2D> {
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
   * The method's attributions for a checked batch, (N, H, W, C) or (N, H, W, 1).
   * The caller disposes what it returns; `prepared.batch` belongs to the lifecycle.
   */
  protected abstract attributeBatch(prepared: PreparedBatch): Promise<AttributionResult>;

  /**
   * Raw attributions for a batch, checked to be finite.
   * @param images (N, H, W, C) or (H, W, C)
   * @param targets one class for every example, or one per example
   * @throws InvalidInputError, ClassIndexError, UnsupportedModelError for bad input; NonFiniteError for a NaN/Infinity result
   */
  async attribute(images: tf.Tensor, targets: number | readonly number[]): Promise<AttributionResult> {
    const result = await withPreparedBatch(this.adapter, this.services, images, targets, (prepared) => this.attributeBatch(prepared));
    return checkFiniteResult(result, this.name);
  }

  /**
   * One heatmap in [0, 1] by the method's {@link HeatmapSpec}.
   * @param image (1, H, W, C) or (H, W, C)
   * @param classIndex the class to explain
   * @param eps min-max normalisation epsilon, a finite number >= 0 (default 1e-8)
   */
  async computeHeatmap(image: tf.Tensor, classIndex: number, eps = 1e-8): Promise<tf.Tensor2D> {
    assertSingleImage(image);
    const { attributions } = await this.attribute(image, classIndex);
    let heatmap: tf.Tensor2D;
    try {
      heatmap = attributionHeatmap(attributions, this.heatmapSpec, eps);
    } finally {
      attributions.dispose();
    }
    return checkFiniteHeatmap(heatmap, this.name);
  }
}
