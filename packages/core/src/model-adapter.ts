import * as tf from '@tensorflow/tfjs';
import { InvalidInputError, UnsupportedModelError } from './errors.js';
import type { ImageBatch } from './image-batch.js';

/**
 * A plain function model: a batch of images (N, H, W, C), or of volumes
 * (N, D, H, W, C), in; scores (N, classes) out. The batch is typed with a free
 * rank so that `(x) => net(x)` type-checks whether `net` takes a `tf.Tensor4D`
 * or a `tf.Tensor5D`, and so does a function typed for either.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ModelFunction = (x: tf.Tensor<any>) => tf.Tensor;

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
   * Differentiable forward pass: a batch (N, H, W, C) or (N, D, H, W, C) in, scores (N, classes) out.
   * A model whose output is (N,) is read as one class.
   */
  predict(x: ImageBatch): tf.Tensor2D;
  /** The input shape the model declares without the batch axis, [H, W, C] or [D, H, W, C], where it declares one. */
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

/** Brings a model output to (N, classes), taking output `index` of a multi-output model. */
function asScores(output: tf.Tensor | tf.Tensor[] | tf.NamedTensorMap, batch: number, index: number): tf.Tensor2D {
  let scores: tf.Tensor;
  if (Array.isArray(output)) scores = output[index]!;
  else if (output instanceof tf.Tensor) scores = output;
  else scores = Object.values(output)[index]!;
  if (scores.rank === 1) return scores.reshape([batch, 1]);
  if (scores.rank !== 2) {
    throw new InvalidInputError(`the model returned a tensor of shape [${scores.shape}]; expected scores of shape (N, classes)`);
  }
  return scores as tf.Tensor2D;
}

/** The one input a model must have. Throws UnsupportedModelError saying what is supported. */
function checkImageInputs(kind: string, inputs: readonly { shape?: readonly (number | null)[] | number[] }[] | undefined): void {
  // A look-alike without a signature (tests, wrappers) declares nothing to check.
  if (!Array.isArray(inputs)) return;
  if (inputs.length !== 1) {
    throw new UnsupportedModelError(
      `the ${kind} model has ${inputs.length} inputs; tfxai explains image classifiers with one image input (N, H, W, C). ` +
        `Wrap the model in a function (x: tf.Tensor4D) => scores that supplies the other inputs`,
    );
  }
  // The input's rank is checked when images arrive (checkModelInput), so that a non-image model still adapts.
}

/** One output, or a typed error asking the user to choose one with {@link modelOutput}. */
function checkSingleOutput(kind: string, count: number | undefined): void {
  if (count !== undefined && count > 1) {
    throw new UnsupportedModelError(
      `the ${kind} model has ${count} outputs; tfxai explains one output of shape (N, classes). ` +
        `Choose one with modelOutput(model, index) from @tfxai/core and pass that instead`,
    );
  }
}

/**
 * Wraps a layers model, a graph model or a function in a {@link ModelAdapter}.
 * An adapter passed in is returned as it is.
 * @throws UnsupportedModelError for a model that is not an image classifier tfxai supports:
 *   several inputs, several outputs (choose one with {@link modelOutput})
 */
export function adaptModel(model: ModelLike): ModelAdapter {
  if (isAdapter(model)) return model;
  if (isLayersModel(model)) {
    checkImageInputs('layers', model.inputs);
    checkSingleOutput('layers', model.outputs?.length);
    return networkAdapter(model, 0);
  }
  if (isGraphModel(model)) {
    checkImageInputs('graph', model.inputs);
    checkSingleOutput('graph', model.outputs?.length);
    return networkAdapter(model, 0);
  }
  if (typeof model === 'function') {
    return {
      isModelAdapter: true,
      kind: 'function',
      model,
      inputShape: undefined,
      // The function's own signature says which rank it takes; the lifecycle checked the batch.
      predict: (x) => asScores(model(x), x.shape[0], 0),
    };
  }
  throw new UnsupportedModelError(
    `unsupported model of type ${typeof model}; allowed are a tf.LayersModel, a tf.GraphModel, ` +
      `or a function (x: tf.Tensor4D | tf.Tensor5D) => tf.Tensor returning (N, classes) scores`,
  );
}

/** The adapter of output `outputIndex` of a layers or graph model (its input checked by the caller). */
function networkAdapter(model: tf.LayersModel | tf.GraphModel, outputIndex: number): ModelAdapter {
  const shape = model.inputs[0]?.shape;
  const layers = isLayersModel(model);
  return {
    isModelAdapter: true,
    kind: layers ? 'layers' : 'graph',
    model,
    inputShape: shape ? shape.slice(1) : undefined,
    predict: (x) => {
      const result = layers ? (model.apply(x, { training: false }) as tf.Tensor | tf.Tensor[]) : (model as tf.GraphModel).execute(x);
      return asScores(result, x.shape[0], outputIndex);
    },
  };
}

/**
 * The adapter of one output of a model with several outputs: what a method
 * explains when the model has more than one (say, a classifier with an auxiliary head).
 * @param index which output, 0 to outputs - 1
 * @throws UnsupportedModelError for a model of another kind or an index out of range
 */
export function modelOutput(model: tf.LayersModel | tf.GraphModel, index: number): ModelAdapter {
  const count = isLayersModel(model) ? model.outputs.length : isGraphModel(model) ? model.outputs.length : 0;
  if (count === 0) throw new UnsupportedModelError('modelOutput takes a tf.LayersModel or a tf.GraphModel');
  if (!Number.isInteger(index) || index < 0 || index >= count) {
    throw new UnsupportedModelError(`modelOutput: output ${String(index)} does not exist; the model has ${count} outputs, 0 to ${count - 1}`);
  }
  checkImageInputs(isLayersModel(model) ? 'layers' : 'graph', model.inputs);
  return networkAdapter(model, index);
}
