import type * as tf from '@tensorflow/tfjs';
import { InvalidInputError, UnsupportedModelError } from './errors.js';
import { isGraphModel, isLayersModel, type ModelAdapter } from './model-adapter.js';

/**
 * The largest image, in pixels per example (height x width), tfxai runs a model
 * on: 4096 x 4096. Beyond it a backward pass needs several GB, and the wasm
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

/**
 * The first layer whose output would be empty (a side of zero or less) for an
 * input of (height, width), by tfjs-layers' own shape inference (no tensor is
 * made), or undefined when every layer's output has a size. Nested models are
 * looked into. Undefined as well when a layer cannot infer shapes (a custom
 * layer without `computeOutputShape`): then nothing is known.
 *
 * Why: a convolution or pooling whose output would be empty reaches the wasm
 * backend as "memory access out of bounds", which leaves the backend broken for
 * every later call in the process; it must be refused before anything runs.
 */
export function emptyLayerFor(model: tf.LayersModel, inputShape: readonly number[]): string | undefined {
  const layers: ShapeLayer[] = [];
  const collect = (container: tf.LayersModel) => {
    for (const layer of container.layers as unknown as ShapeLayer[]) {
      layers.push(layer);
      if (isLayersModel(layer)) collect(layer as unknown as tf.LayersModel);
    }
  };
  collect(model);
  let empty: string | undefined;
  // Shape inference calls each layer's computeOutputShape; observe them for the one call, restore in finally.
  const originals = layers.map((layer) => Object.prototype.hasOwnProperty.call(layer, 'computeOutputShape'));
  const methods = layers.map((layer) => layer.computeOutputShape);
  layers.forEach((layer, i) => {
    layer.computeOutputShape = (shape: unknown) => {
      const output = methods[i]!.call(layer, shape);
      if (empty === undefined && !isLayersModel(layer) && hasEmptyDimension(output)) empty = layer.name;
      return output;
    };
  });
  try {
    model.computeOutputShape([1, ...inputShape]);
  } catch {
    // A layer that cannot infer shapes: the check knows nothing, unless an empty output was already seen.
  } finally {
    layers.forEach((layer, i) => {
      if (originals[i]) layer.computeOutputShape = methods[i]!;
      else delete (layer as Partial<ShapeLayer>).computeOutputShape;
    });
  }
  return empty;
}

/**
 * Checks a batch (N, H, W, C) against the model before any tensor reaches it,
 * so that what the model (or Keras) would refuse, or what would break the
 * backend, is a typed error naming what was expected and what was given:
 * - a disposed model (UnsupportedModelError);
 * - channels, height and width against the sizes the model declares;
 * - for free sizes, an image so small that some layer's output would be empty
 *   (layers models, by shape inference), and more than {@link MAX_IMAGE_PIXELS} pixels.
 * @throws InvalidInputError or UnsupportedModelError
 */
export function checkModelInput(adapter: ModelAdapter, batch: tf.Tensor4D): void {
  if (isDisposed(adapter)) throw new UnsupportedModelError(`the ${adapter.kind} model has been disposed (model.dispose() was called); load it again`);
  const [, height, width, channels] = batch.shape;
  const declared = adapter.inputShape;
  if (declared && declared.length !== 3) {
    throw new UnsupportedModelError(
      `the ${adapter.kind} model's input is (N, ${declared.map((d) => (isFree(d) ? 'any' : d)).join(', ')}), rank ${declared.length + 1}; ` +
        `tfxai explains image classifiers whose input is (N, H, W, C), rank 4`,
    );
  }
  if (declared) {
    const [dh, dw, dc] = declared;
    const expected = `(H, W, C) = (${[dh, dw, dc].map((d) => (isFree(d) ? 'any' : d)).join(', ')})`;
    if (!isFree(dc) && dc !== channels) {
      throw new InvalidInputError(`images have ${channels} channel(s) but the model takes ${dc}: it expects ${expected}, got (${height}, ${width}, ${channels}). Convert the images (e.g. grayscale to RGB) to ${dc} channel(s)`);
    }
    if ((!isFree(dh) && dh !== height) || (!isFree(dw) && dw !== width)) {
      throw new InvalidInputError(`images of ${height}x${width} do not fit the model, which expects ${expected}; got (${height}, ${width}, ${channels}). Resize the images to the model's input first`);
    }
  }
  if (height * width > MAX_IMAGE_PIXELS) {
    throw new InvalidInputError(
      `images of ${height}x${width} (${height * width} pixels) are larger than tfxai runs a model on (${MAX_IMAGE_PIXELS} pixels, 4096x4096): ` +
        `beyond it a backward pass needs several GB and the wasm backend computes garbage. Resize the images first`,
    );
  }
  if (isLayersModel(adapter.model) && declared?.some(isFree)) {
    const layer = emptyLayerFor(adapter.model, [height, width, channels]);
    if (layer !== undefined) {
      throw new InvalidInputError(
        `images of ${height}x${width} are too small for the model: layer '${layer}' would have an empty output. ` +
          `Use larger images (resize them to the size the model was trained on)`,
      );
    }
  }
}
