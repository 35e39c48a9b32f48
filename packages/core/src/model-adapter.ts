import * as tf from '@tensorflow/tfjs';
import { InvalidInputError, UnsupportedModelError } from './errors.js';

/** A plain function model: a batch (N, H, W, C) in, scores (N, classes) out. */
export type ModelFunction = (x: tf.Tensor4D) => tf.Tensor;

/** Every kind of model a method accepts. */
export type ModelLike = tf.LayersModel | tf.GraphModel | ModelFunction | ModelAdapter;

/**
 * One interface over layers models, graph models and plain functions, so that
 * methods never branch on the model's kind.
 */
export interface ModelAdapter {
  /** Brand that tells an adapter from a model. */
  readonly isModelAdapter: true;
  /** What the adapter wraps. */
  readonly kind: 'layers' | 'graph' | 'function';
  /** The wrapped model itself. */
  readonly model: tf.LayersModel | tf.GraphModel | ModelFunction;
  /**
   * Differentiable forward pass: a batch (N, H, W, C) in, scores (N, classes) out.
   * A model whose output is (N,) is read as one class.
   */
  predict(x: tf.Tensor4D): tf.Tensor2D;
  /** The input shape [H, W, C] the model declares, where it declares one. */
  readonly inputShape: readonly (number | null)[] | undefined;
}

/** Injection token and type of the function that wraps a model in a {@link ModelAdapter}. */
export const ModelAdapterFactory = Symbol('ModelAdapterFactory');
export type ModelAdapterFactory = (model: ModelLike) => ModelAdapter;

/** True for a `tf.LayersModel` (duck-typed: a second copy of tfjs would fail `instanceof`). */
export function isLayersModel(model: unknown): model is tf.LayersModel {
  return typeof model === 'object' && model !== null && 'layers' in model && typeof (model as tf.LayersModel).apply === 'function';
}

/** True for a `tf.GraphModel` (duck-typed). */
export function isGraphModel(model: unknown): model is tf.GraphModel {
  return typeof model === 'object' && model !== null && typeof (model as tf.GraphModel).execute === 'function' && 'modelVersion' in model;
}

function isAdapter(model: unknown): model is ModelAdapter {
  return typeof model === 'object' && model !== null && (model as ModelAdapter).isModelAdapter === true;
}

/** Brings any model output to (N, classes), taking the first output of a multi-output model. */
function asScores(output: tf.Tensor | tf.Tensor[] | tf.NamedTensorMap, batch: number): tf.Tensor2D {
  let scores: tf.Tensor;
  if (Array.isArray(output)) scores = output[0]!;
  else if (output instanceof tf.Tensor) scores = output;
  else scores = Object.values(output)[0]!;
  if (scores.rank === 1) return scores.reshape([batch, 1]);
  if (scores.rank !== 2) {
    throw new InvalidInputError(`the model returned a tensor of shape [${scores.shape}]; expected scores of shape (N, classes)`);
  }
  return scores as tf.Tensor2D;
}

/**
 * Wraps a layers model, a graph model or a function in a {@link ModelAdapter}.
 * An adapter passed in is returned as it is.
 */
export function adaptModel(model: ModelLike): ModelAdapter {
  if (isAdapter(model)) return model;
  if (isLayersModel(model)) {
    const shape = model.inputs[0]?.shape;
    return {
      isModelAdapter: true,
      kind: 'layers',
      model,
      inputShape: shape ? shape.slice(1) : undefined,
      predict: (x) => asScores(model.apply(x, { training: false }) as tf.Tensor | tf.Tensor[], x.shape[0]),
    };
  }
  if (isGraphModel(model)) {
    const shape = model.inputs[0]?.shape;
    return {
      isModelAdapter: true,
      kind: 'graph',
      model,
      inputShape: shape ? shape.slice(1) : undefined,
      predict: (x) => asScores(model.execute(x), x.shape[0]),
    };
  }
  if (typeof model === 'function') {
    return {
      isModelAdapter: true,
      kind: 'function',
      model,
      inputShape: undefined,
      predict: (x) => asScores(model(x), x.shape[0]),
    };
  }
  throw new UnsupportedModelError(
    `unsupported model of type ${typeof model}; allowed are a tf.LayersModel, a tf.GraphModel, ` +
      `or a function (x: tf.Tensor4D) => tf.Tensor returning (N, classes) scores`,
  );
}
