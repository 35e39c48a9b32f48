import * as tf from '@tensorflow/tfjs';
import { InvalidInputError, InvalidOptionError, LayerNotFoundError, UnsupportedModelError, isGraphModel, isLayersModel, targetSelector, withTfxaiKernels, type ModelAdapter } from '@tfxai/core';
import { featureMapAxes, featureMapRank, findTargetLayer, isSpatialShape, isSinglePixelShape } from './find-target-layer.js';
import { findGraphNode, searchGraphFeatureMap } from './find-graph-node.js';
import { withLayerCall } from './layer-call-patch.js';

/** A batch of feature maps: (N, h, w, channels) for images, (N, d, h, w, channels) for volumes. */
export type FeatureMaps = tf.Tensor4D | tf.Tensor5D;
/** Images (N, H, W, C) or volumes (N, D, H, W, C). */
export type ImagesOrVolumes = tf.Tensor4D | tf.Tensor5D;

/** The spatial axes of a feature map batch: [1, 2] for (N, h, w, channels), [1, 2, 3] for (N, d, h, w, channels). */
export function spatialAxes(maps: tf.Tensor): number[] {
  return Array.from({ length: maps.rank - 2 }, (_, i) => i + 1);
}

/** A target layer's activations A and the gradients d y_c / d A of each row's target score, both (N, h, w, channels) or (N, d, h, w, channels). */
export interface ActivationsAndGradients {
  activations: FeatureMaps;
  gradients: FeatureMaps;
}

/**
 * Reads the output of one intermediate layer (or graph node) of a model and the
 * exact gradient of the explained scores with respect to it, for any topology.
 * Tensors it returns belong to the caller.
 */
export interface LayerActivations {
  /** The layer's path ('base/conv_pw_13_relu') or the graph node's name. */
  readonly layerName: string;
  /** The layer's output for `inputs` (N, H, W, C) or (N, D, H, W, C): (N, h, w, channels) or (N, d, h, w, channels). One forward pass. */
  activations(inputs: ImagesOrVolumes): FeatureMaps;
  /**
   * The layer's output A and `d F(x_r)[targets[r]] / d A_r` for every row r,
   * where F is `adapter.predict`. One forward and one backward pass (plus, for a
   * layers model, a shape-finding forward pass the first time an input shape is seen).
   */
  activationsAndGradients(inputs: ImagesOrVolumes, targets: readonly number[], numClasses: number): ActivationsAndGradients;
}

/**
 * Refuses a feature map whose CAM can only be constant, once the model has run (layers
 * with a free spatial size, graph nodes): a named layer that is 1x1, or an automatically
 * found one whose height or width is 1 for this input. Disposes `activations` when it throws.
 * @throws InvalidOptionError (named layer) or LayerNotFoundError (automatic), asking for another layerName
 */
function checkSpatial<T extends FeatureMaps>(activations: T, layerName: string, automatic: boolean): T {
  const flat = automatic ? !isSpatialShape(activations.shape) : isSinglePixelShape(activations.shape);
  if (!flat) return activations;
  activations.dispose();
  const volume = activations.rank === 5;
  const message =
    `the feature map of ${automatic ? 'the automatically found ' : ''}layer '${layerName}' is ${activations.shape.slice(1, -1).join('x')} for ${volume ? 'volumes' : 'images'} of this size, ` +
    `so its class activation map would be constant; pass layerName with an earlier layer whose ${volume ? 'depth, height and width' : 'height and width'} exceed 1`;
  if (automatic) throw new LayerNotFoundError(message);
  throw new InvalidOptionError('layerName', message);
}

/** The layer's output as a feature map of the expected rank (4: images, 5: volumes). */
function asFeatureMap(output: tf.Tensor | tf.Tensor[], layerName: string, rank: number): FeatureMaps {
  if (Array.isArray(output) || output.rank !== rank) {
    const shape = Array.isArray(output) ? `${output.length} tensors` : `shape [${output.shape}]`;
    throw new UnsupportedModelError(`layer '${layerName}' gave ${shape}; CAM methods need one ${rank}-D feature map ${featureMapAxes(rank)}`);
  }
  return output as FeatureMaps;
}

/**
 * The layer of a layers model at `layerName` (a path into nested models), or the
 * last 4-D layer (5-D for a volume model). Gradients come from one `tf.grad` over a zero offset `delta`:
 * while differentiating, the layer's `call` is patched to return `A + delta`, and
 * `d y / d delta = d y / d A` exactly, whatever lies between the layer and the output.
 */
class LayersModelActivations implements LayerActivations {
  readonly layerName: string;
  readonly #layer: tf.layers.Layer;
  readonly #automatic: boolean;
  /** 4 for an image model, 5 for a volume model. */
  readonly #rank: 4 | 5;
  /** Per input shape, the layer's output shape and the scores' shape, from one recording forward pass. */
  readonly #shapes = new Map<string, { activation: number[]; scores: number[] }>();

  constructor(private readonly adapter: ModelAdapter, model: tf.LayersModel, layerName: string | undefined) {
    const entry = findTargetLayer(model, layerName);
    this.#layer = entry.layer;
    this.layerName = entry.path;
    this.#automatic = layerName === undefined;
    this.#rank = featureMapRank(model);
  }

  /** Runs `forward` with the layer's output passed through `transform`; checks the layer ran exactly once. */
  #intercept<T>(forward: () => T, transform: (output: FeatureMaps) => tf.Tensor): T {
    let calls = 0;
    const result = withLayerCall(
      this.#layer,
      (original, inputs, kwargs) => {
        calls += 1;
        if (calls > 1) {
          throw new UnsupportedModelError(`layer '${this.layerName}' runs more than once per forward pass (a shared layer); its activation is ambiguous, pick another layerName`);
        }
        return transform(asFeatureMap(original(inputs, kwargs), this.layerName, this.#rank));
      },
      forward,
    );
    if (calls === 0) {
      throw new UnsupportedModelError(`layer '${this.layerName}' was not run by the model's forward pass, so it cannot be explained; pick a layer on the path from input to output`);
    }
    return result;
  }

  activations(inputs: ImagesOrVolumes): FeatureMaps {
    // The model runs inside its own tf.tidy, so A is kept while it runs, then handed
    // over as an ordinary clone (which a caller's tf.tidy can dispose).
    let kept: FeatureMaps | undefined;
    try {
      const { activations, scores } = tf.tidy(() => {
        const output = this.#intercept(
          () => this.adapter.predict(inputs),
          (a) => {
            kept = tf.keep(a.clone());
            return a;
          },
        );
        return { activations: kept!.clone(), scores: output.shape };
      });
      checkSpatial(activations, this.layerName, this.#automatic);
      this.#shapes.set(inputs.shape.join(','), { activation: activations.shape, scores });
      return activations;
    } finally {
      kept?.dispose();
    }
  }

  /**
   * The layer's output shape for these inputs, found (and the model checked) by a plain
   * forward pass the first time. Everything that can fail is checked before tf.grad runs:
   * TensorFlow.js leaks the tensors it saved for the backward pass when the function it
   * differentiates throws.
   */
  #activationShape(inputs: ImagesOrVolumes, targets: readonly number[], numClasses: number): number[] {
    const key = inputs.shape.join(',');
    if (!this.#shapes.has(key)) this.activations(inputs).dispose();
    const { activation, scores } = this.#shapes.get(key)!;
    if (scores[1] !== numClasses || targets.length !== inputs.shape[0]) {
      throw new InvalidInputError(
        `got ${targets.length} targets over ${numClasses} classes for a batch of ${inputs.shape[0]} whose scores have shape [${scores}]; ` +
          `give one target per example and the model's class count`,
      );
    }
    return activation;
  }

  activationsAndGradients(inputs: ImagesOrVolumes, targets: readonly number[], numClasses: number): ActivationsAndGradients {
    const shape = this.#activationShape(inputs, targets, numClasses);
    // As in activations(): A is kept while the model runs, then handed over as a clone.
    let kept: FeatureMaps | undefined;
    try {
      return tf.tidy(() => {
        const selector = targetSelector(targets, numClasses);
        const objective = (delta: tf.Tensor) =>
          this.#intercept(
            () => tf.sum(tf.mul(this.adapter.predict(inputs), selector)),
            (output) => {
              kept = tf.keep(output.clone());
              return tf.add(output, delta);
            },
          );
        const gradients = withTfxaiKernels(() => tf.grad(objective)(tf.zeros(shape))) as FeatureMaps;
        return { activations: kept!.clone(), gradients };
      });
    } finally {
      kept?.dispose();
    }
  }
}

/**
 * A node of a graph model. Activations: `execute(x, node)`. Gradients: the model
 * executed with the node fed, `execute({input: x, node: A}, output)`, as a
 * function of A (x stays fed so that skip connections around the node still work).
 * Without a node name, the 4-D (volumes: 5-D) node nearest the output is searched on the first call.
 */
class GraphModelActivations implements LayerActivations {
  #node: string | undefined;
  readonly #automatic: boolean;
  readonly #inputName: string;
  readonly #outputName: string;

  constructor(private readonly model: tf.GraphModel, layerName: string | undefined) {
    this.#node = layerName === undefined ? undefined : findGraphNode(model, layerName);
    this.#automatic = layerName === undefined;
    this.#inputName = model.inputs[0]!.name;
    this.#outputName = model.outputs[0]!.name;
  }

  /** The node name; '(automatic)' until the first call has found it. */
  get layerName(): string {
    return this.#node ?? '(automatic)';
  }

  #resolve(inputs: ImagesOrVolumes): string {
    this.#node ??= searchGraphFeatureMap(this.model, inputs);
    return this.#node;
  }

  activations(inputs: ImagesOrVolumes): FeatureMaps {
    const node = this.#resolve(inputs);
    return checkSpatial(tf.tidy(() => asFeatureMap(this.model.execute(inputs, node) as tf.Tensor, node, inputs.rank)), node, this.#automatic);
  }

  activationsAndGradients(inputs: ImagesOrVolumes, targets: readonly number[], numClasses: number): ActivationsAndGradients {
    const activations = this.activations(inputs);
    try {
      const gradients = tf.tidy(() => {
        const selector = targetSelector(targets, numClasses);
        const objective = (a: tf.Tensor) => {
          const scores = this.model.execute({ [this.#inputName]: inputs, [this.layerName]: a }, this.#outputName) as tf.Tensor;
          return tf.sum(tf.mul(scores.reshape([inputs.shape[0], -1]), selector));
        };
        return withTfxaiKernels(() => tf.grad(objective)(activations)) as FeatureMaps;
      });
      return { activations, gradients };
    } catch (error) {
      activations.dispose();
      throw error;
    }
  }
}

/**
 * The {@link LayerActivations} of the model behind `adapter`: a layer (by name,
 * path or automatically) of a layers model, or a node of a graph model.
 * @param adapter the model as the method explains it (may be an {@link explainedOutputAdapter})
 * @param layerName layer name or path (layers model) or node name (graph model). Default: the last 4-D layer (5-D for a volume model)
 *   (graph model: the 4-D node nearest the output, searched on the first call)
 * @throws LayerNotFoundError listing candidates; UnsupportedModelError for plain function models
 */
export function layerActivations(adapter: ModelAdapter, layerName?: string): LayerActivations {
  if (adapter.kind === 'layers' && isLayersModel(adapter.model)) return new LayersModelActivations(adapter, adapter.model, layerName);
  if (adapter.kind === 'graph' && isGraphModel(adapter.model)) return new GraphModelActivations(adapter.model, layerName);
  throw new UnsupportedModelError(
    `CAM methods read an intermediate layer, so they need a tf.LayersModel or a tf.GraphModel; got a model of kind '${adapter.kind}' (a plain function has no layers)`,
  );
}
