import * as tf from '@tensorflow/tfjs';
import { isLayersModel, type ModelAdapter } from '@tfxai/core';

/** The number of classes the model scores: declared by a layers model's output shape, else one forward pass of the first example. */
export function classCount(adapter: ModelAdapter, batch: tf.Tensor4D): number {
  if (isLayersModel(adapter.model)) {
    const shape = adapter.model.outputs[0]?.shape;
    if (shape?.length === 2 && typeof shape[1] === 'number') return shape[1];
  }
  return tf.tidy(() => adapter.predict(tf.slice(batch, 0, 1)).shape[1]);
}
