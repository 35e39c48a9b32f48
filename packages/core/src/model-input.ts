import type * as tf from '@tensorflow/tfjs';
import { InvalidInputError, UnsupportedModelError } from './errors.js';
import { batchLayout, exampleLayout, spatialShape, type ImageBatch, type SpatialRank } from './image-batch.js';
import { isGraphModel, isLayersModel, type ModelAdapter } from './model-adapter.js';

/**
 * The largest image, in pixels per example (height x width; for volumes, voxels:
 * depth x height x width), tfxai runs a model on: 4096 x 4096 (256^3 voxels). Beyond it a backward pass needs several GB, and the wasm
 * backend's 4 GB heap overflows into wrong numbers (a 12000 x 12000 image gave
 * a garbage map). Resize larger images to the model's input first.
 */
export const MAX_IMAGE_PIXELS = 4096 * 4096;

/** A dimension the model leaves free: null in layers models, -1 (or absent) in graph models. */
function isFree(size: number | null | undefined): boolean {
  return size === null || size === undefined || size < 0;
}

/** True when some weight of the model has been disposed (`model.dispose()` was called). */
function isDisposed(adapter: ModelAdapter): boolean {
  const model = adapter.model;
  if (isLayersModel(model)) {
    // A disposed layer keeps its LayerVariables, whose values are disposed tensors.
    return model.weights.some((weight) => (weight as unknown as { val?: tf.Tensor }).val?.isDisposed === true);
  }
  if (isGraphModel(model)) {
    return Object.values(model.weights).some((tensors) => tensors.some((t) => t.isDisposed));
  }
  return false;
}

/** A layer as shape inference sees it (tfjs-layers' runtime fields). */
interface ShapeLayer {
  name: string;
  computeOutputShape(shape: unknown): unknown;
}

/** True for a shape, or a list of shapes, with some dimension of zero or less. */
function hasEmptyDimension(shape: unknown): boolean {
  if (!Array.isArray(shape)) return false;
  if (shape.some((d) => Array.isArray(d))) return shape.some(hasEmptyDimension);
  return shape.some((d) => typeof d === 'number' && d <= 0);
}

/** One layer's output shape(s) for a given input, as tfjs-layers infers it. */
export interface InferredLayerShape {
  readonly layer: string;
  /** A shape, or a list of shapes for a layer with several outputs. */
  readonly shape: unknown;
}

/**
 * Every layer's output shape for one example of (height, width, channels), in
 * the order tfjs-layers' own shape inference visits them (no tensor is made),
 * nested models looked into; undefined when a layer cannot infer shapes (a
 * custom layer without `computeOutputShape`), unless `stopAtEmpty` found an
 * empty output first.
 * @param stopAtEmpty stop at the first layer whose output has a side of zero or less
 */
export function inferLayerShapes(model: tf.LayersModel, inputShape: readonly number[], stopAtEmpty = false): InferredLayerShape[] | undefined {
  // A Sequential builds its graph on first use (as predict would); shape inference needs it.
  const sequential = model as unknown as { built: boolean; build?: () => void; getClassName(): string };
  if (!sequential.built && sequential.getClassName() === 'Sequential') sequential.build?.();
  const layers: ShapeLayer[] = [];
  const collect = (container: tf.LayersModel) => {
    for (const layer of container.layers as unknown as ShapeLayer[]) {
      layers.push(layer);
      if (isLayersModel(layer)) collect(layer as unknown as tf.LayersModel);
    }
  };
  collect(model);
  const seen: InferredLayerShape[] = [];
  // Shape inference calls each layer's computeOutputShape: observe them for this one call, restore in finally.
  const own = layers.map((layer) => Object.prototype.hasOwnProperty.call(layer, 'computeOutputShape'));
  const methods = layers.map((layer) => layer.computeOutputShape);
  layers.forEach((layer, i) => {
    layer.computeOutputShape = (shape: unknown) => {
      const output = methods[i]!.call(layer, shape);
      if (!isLayersModel(layer)) seen.push({ layer: layer.name, shape: output });
      return output;
    };
  });
  try {
    model.computeOutputShape([1, ...inputShape]);
  } catch {
    // A layer that cannot infer shapes: nothing is known, unless an empty output came first.
    const empty = seen.findIndex((s) => hasEmptyDimension(s.shape));
    return stopAtEmpty && empty >= 0 ? seen.slice(0, empty + 1) : undefined;
  } finally {
    layers.forEach((layer, i) => {
      if (own[i]) layer.computeOutputShape = methods[i]!;
      else delete (layer as Partial<ShapeLayer>).computeOutputShape;
    });
  }
  return seen;
}

/**
 * The first layer whose output would be empty (a side of zero or less) for an
 * input of (height, width, channels), or undefined when every layer's output
 * has a size (or shapes cannot be inferred).
 *
 * Why: a convolution or pooling whose output would be empty reaches the wasm
 * backend as "memory access out of bounds", which leaves the backend broken for
 * every later call in the process; it must be refused before anything runs.
 */
export function emptyLayerFor(model: tf.LayersModel, inputShape: readonly number[]): string | undefined {
  return inferLayerShapes(model, inputShape, true)?.find((s) => hasEmptyDimension(s.shape))?.layer;
}

/** The number of values in a shape, or a list of shapes (the batch axis counted as 1). */
function shapeSize(shape: unknown): number {
  if (!Array.isArray(shape)) return 0;
  if (shape.some((d) => Array.isArray(d))) return shape.reduce((total: number, s) => total + shapeSize(s), 0);
  return shape.slice(1).reduce((total: number, d) => total * (typeof d === 'number' && d > 0 ? d : 1), 1);
}

/**
 * Memory one forward+backward pass may take for activations: 768 MiB.
 * Gradient methods run at most as many rows (path points, samples, images)
 * per pass as fit in it, so memory stays bounded whatever the model and image
 * size; their `internalBatchSize` is the upper limit.
 */
export const PASS_MEMORY_BUDGET = 768 * 2 ** 20;

/** Bytes a forward+backward pass takes per value of the layer outputs (see {@link rowsWithinMemoryBudget}). */
const BYTES_PER_ACTIVATION = 16;

/**
 * How many examples of (height, width, channels) one forward+backward pass of
 * the model can take within {@link PASS_MEMORY_BUDGET}. Every layer's output is
 * kept for the backward pass, with the intermediates of its ops (a batch
 * normalisation makes several) and the gradients flowing back: measured on a
 * MobileNetV2 at 224x224 on wasm, an example costs about 16 bytes per value of
 * the layer outputs (350 MB). At least 1; undefined for models whose layers are
 * unknown (graph models, functions).
 */
export function rowsWithinMemoryBudget(adapter: ModelAdapter, inputShape: readonly number[]): number | undefined {
  if (!isLayersModel(adapter.model)) return undefined;
  const shapes = inferLayerShapes(adapter.model, inputShape);
  if (!shapes) return undefined;
  const values = shapes.reduce((total, s) => total + shapeSize(s.shape), inputShape.reduce((a, b) => a * b, 1));
  return Math.max(1, Math.floor(PASS_MEMORY_BUDGET / (BYTES_PER_ACTIVATION * values)));
}

/**
 * The spatial rank the model takes: 2 when it declares an input (N, H, W, C),
 * 3 for (N, D, H, W, C); undefined when it declares none (function models) or
 * another rank (refused by {@link checkModelInput}).
 */
export function modelSpatialRank(adapter: ModelAdapter): SpatialRank | undefined {
  const rank = adapter.inputShape?.length;
  return rank === 3 ? 2 : rank === 4 ? 3 : undefined;
}

/**
 * Checks a batch (N, H, W, C) of images or (N, D, H, W, C) of volumes against
 * the model before any tensor reaches it, so that what the model (or Keras)
 * would refuse, or what would break the backend, is a typed error naming what
 * was expected and what was given:
 * - a disposed model (UnsupportedModelError); a model whose input is neither;
 * - the batch's rank, channels and spatial sizes against what the model declares;
 * - for free sizes, an example so small that some layer's output would be empty
 *   (layers models, by shape inference), and more than {@link MAX_IMAGE_PIXELS} pixels (voxels).
 * @throws InvalidInputError or UnsupportedModelError
 */
export function checkModelInput(adapter: ModelAdapter, batch: ImageBatch): void {
  if (isDisposed(adapter)) throw new UnsupportedModelError(`the ${adapter.kind} model has been disposed (model.dispose() was called); load it again`);
  const spatial = spatialShape(batch);
  const channels = batch.shape[batch.rank - 1]!;
  const example = [...spatial, channels];
  const declared = adapter.inputShape;
  const show = (shape: readonly (number | null | undefined)[]) => shape.map((d) => (isFree(d) ? 'any' : d)).join(', ');
  if (declared && declared.length !== 3 && declared.length !== 4) {
    throw new UnsupportedModelError(
      `the ${adapter.kind} model's input is (N, ${show(declared)}), rank ${declared.length + 1}; ` +
        `tfxai explains classifiers of images, input (N, H, W, C) of rank 4, and of volumes, input (N, D, H, W, C) of rank 5`,
    );
  }
  const kind = spatial.length === 3 ? 'volumes' : 'images';
  if (declared && declared.length !== example.length) {
    const rank = (declared.length === 4 ? 3 : 2) as SpatialRank;
    throw new InvalidInputError(
      `the model takes ${rank === 3 ? 'volumes' : 'images'}, rank ${rank + 2} ${batchLayout(rank)} (one example ${exampleLayout(rank)} = (${show(declared)})); ` +
        `got ${kind} of shape [${batch.shape}], rank ${batch.rank}`,
    );
  }
  const sizes = spatial.join('x');
  if (declared) {
    const dc = declared[declared.length - 1];
    const expected = `${exampleLayout(spatial.length as SpatialRank)} = (${show(declared)})`;
    if (!isFree(dc) && dc !== channels) {
      throw new InvalidInputError(
        `${kind} have ${channels} channel(s) but the model takes ${dc}: it expects ${expected}, got (${example.join(', ')}). Convert the ${kind} (e.g. grayscale to RGB) to ${dc} channel(s)`,
      );
    }
    if (spatial.some((size, i) => !isFree(declared[i]) && declared[i] !== size)) {
      throw new InvalidInputError(`${kind} of ${sizes} do not fit the model, which expects ${expected}; got (${example.join(', ')}). Resize the ${kind} to the model's input first`);
    }
  }
  const values = spatial.reduce((a, b) => a * b, 1);
  if (values > MAX_IMAGE_PIXELS) {
    throw new InvalidInputError(
      spatial.length === 3
        ? `volumes of ${sizes} (${values} voxels) are larger than tfxai runs a model on (${MAX_IMAGE_PIXELS} voxels, 256x256x256): ` +
            `beyond it a backward pass needs several GB and the wasm backend computes garbage. Resample the volumes first`
        : `images of ${sizes} (${values} pixels) are larger than tfxai runs a model on (${MAX_IMAGE_PIXELS} pixels, 4096x4096): ` +
            `beyond it a backward pass needs several GB and the wasm backend computes garbage. Resize the images first`,
    );
  }
  if (isLayersModel(adapter.model) && declared?.some(isFree)) {
    const layer = emptyLayerFor(adapter.model, example);
    if (layer !== undefined) {
      throw new InvalidInputError(
        `${kind} of ${sizes} are too small for the model: layer '${layer}' would have an empty output. ` +
          `Use larger ${kind} (resize them to the size the model was trained on)`,
      );
    }
  }
}
