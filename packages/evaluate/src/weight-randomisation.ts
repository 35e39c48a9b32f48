import * as tf from '@tensorflow/tfjs';
import { type RandomSource } from '@tfxai/core';

/**
 * New values for one layer's weights, drawn on the host from `random`:
 * every weight of rank >= 2 (kernels) from Glorot's uniform distribution,
 * U(-l, l) with l = sqrt(6 / (fan_in + fan_out)) (the Keras default
 * initialiser), biases (rank-1 weights named '...bias') set to 0, their usual
 * initial value, and other rank-1 weights (batch-normalisation statistics)
 * kept. The caller disposes the returned tensors.
 */
export function randomisedWeights(layer: tf.layers.Layer, random: RandomSource): tf.Tensor[] {
  const current = layer.getWeights();
  return layer.weights.map((variable, w) => {
    const shape = variable.shape as number[]; // weights have fully known shapes
    if (shape.length >= 2) {
      const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
      const limit = Math.sqrt(6 / (receptive * (shape[shape.length - 2]! + shape[shape.length - 1]!)));
      const values = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => (2 * random() - 1) * limit);
      return tf.tensor(values, shape);
    }
    if (/bias/i.test(variable.name)) return tf.zeros(shape);
    return current[w]!.clone();
  });
}

/** The layers with weights, from the output back to the input: the order in which Adebayo et al. randomise. */
export function layersTopDown(model: tf.LayersModel): tf.layers.Layer[] {
  return [...model.layers].reverse().filter((layer) => layer.weights.length > 0);
}
