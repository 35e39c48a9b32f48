import * as tf from '@tensorflow/tfjs';
import { UnsupportedModelError } from './errors.js';
import { isLayersModel, type ModelAdapter } from './model-adapter.js';
import { checkChoice } from './option-checks.js';
import { withLayerCall, type LayerCall } from './layer-call-patch.js';

/**
 * Which scores a method explains: `'probabilities'` is the model's own output
 * (AUCMEDI's choice; softmax/sigmoid for most classifiers); `'logits'` the scores
 * before the final softmax/sigmoid, whose gradients do not vanish when the
 * softmax saturates.
 */
export type ExplainedOutput = 'probabilities' | 'logits';
/** Every allowed {@link ExplainedOutput}. */
export const EXPLAINED_OUTPUTS: readonly ExplainedOutput[] = ['probabilities', 'logits'];

/** Final activations that `'logits'` removes. */
const SQUASHING = new Set(['softmax', 'sigmoid']);
/** Final activations after which the output already is the logits. */
const IDENTITY = new Set(['linear', undefined, null]);

/** The layer that produces a layers model's (first) output, looking into a nested model that is itself the output. */
function finalLayer(model: tf.LayersModel): tf.layers.Layer {
  const outputLayers = (model as unknown as { outputLayers?: tf.layers.Layer[] }).outputLayers;
  const last = outputLayers?.[0] ?? model.layers[model.layers.length - 1];
  if (!last) throw new UnsupportedModelError(`model '${model.name}' has no layers, so it has no final activation to remove`);
  return isLayersModel(last) ? finalLayer(last as unknown as tf.LayersModel) : last;
}

function activationName(layer: tf.layers.Layer): string | undefined {
  const activation = layer.getConfig()['activation'];
  return typeof activation === 'string' ? activation : undefined;
}

function single(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
  return Array.isArray(inputs) ? inputs[0]! : inputs;
}

/** `x . kernel + bias`: a Dense layer without its activation, from its own weights (inputs of any rank >= 2). */
function denseWithoutActivation(layer: tf.layers.Layer, input: tf.Tensor): tf.Tensor {
  const [kernel, bias] = layer.getWeights();
  const units = kernel!.shape[1]!;
  const flat = input.reshape([-1, input.shape[input.rank - 1]!]);
  let output: tf.Tensor = tf.matMul(flat, kernel as tf.Tensor2D);
  if (bias && layer.getConfig()['useBias'] !== false) output = tf.add(output, bias);
  return output.reshape([...input.shape.slice(0, -1), units]);
}

/**
 * How the final layer computes the logits instead of its usual output, or
 * undefined when its output already is the logits (a linear final activation).
 * @throws UnsupportedModelError when the final layer is neither a softmax/sigmoid
 *   Activation/Softmax layer, nor a Dense layer with softmax/sigmoid, nor linear
 */
function logitsCall(layer: tf.layers.Layer): LayerCall | undefined {
  const className = layer.getClassName();
  const activation = activationName(layer);
  if (className === 'Softmax') return (inputs) => single(inputs);
  if (className === 'Activation' && SQUASHING.has(activation!)) return (inputs) => single(inputs);
  if (className === 'Dense' && SQUASHING.has(activation!)) return (inputs) => denseWithoutActivation(layer, single(inputs));
  if ((className === 'Dense' || className === 'Activation') && IDENTITY.has(activation)) return undefined;
  throw new UnsupportedModelError(
    `output: 'logits' needs a model that ends in a softmax or sigmoid (an Activation or Softmax layer, or a Dense layer with that activation); ` +
      `the final layer '${layer.name}' is a ${className}${activation ? ` with activation '${activation}'` : ''}. Use output: 'probabilities'`,
  );
}

/**
 * The adapter whose `predict` gives the scores a method explains.
 * - `'probabilities'`: `adapter` itself (the model's output as it is).
 * - `'logits'`: for a layers model ending in softmax/sigmoid, the same forward pass
 *   with the final layer's squashing removed: an Activation/Softmax layer passes its
 *   input through; a Dense layer computes `x . kernel + bias` from its own weights.
 *   Works for any topology (the final layer's `call` is swapped during the pass).
 *   A model ending in a linear layer already gives logits and is returned as it is.
 * @throws InvalidOptionError for an unknown `output`; UnsupportedModelError when logits
 *   cannot be reached (graph or function models, other final layers)
 */
export function explainedOutputAdapter(adapter: ModelAdapter, output: ExplainedOutput = 'probabilities'): ModelAdapter {
  if (checkChoice('output', output, EXPLAINED_OUTPUTS) === 'probabilities') return adapter;
  if (adapter.kind !== 'layers' || !isLayersModel(adapter.model)) {
    throw new UnsupportedModelError(
      `output: 'logits' needs a tf.LayersModel (its final softmax/sigmoid layer is bypassed); a ${adapter.kind} model cannot be opened up. ` +
        `Pass a model (or function) that returns logits, with output: 'probabilities'`,
    );
  }
  const layer = finalLayer(adapter.model);
  const call = logitsCall(layer);
  if (!call) return adapter;
  return {
    isModelAdapter: true,
    kind: adapter.kind,
    model: adapter.model,
    inputShape: adapter.inputShape,
    predict: (x) => withLayerCall(layer, (_original, inputs, kwargs) => call(inputs, kwargs), () => adapter.predict(x)),
  };
}
