import type * as tf from '@tensorflow/tfjs';

/** A layer's `call`: what a layers model runs for each layer on concrete tensors. */
export type LayerCall = (inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>) => tf.Tensor | tf.Tensor[];

/**
 * Runs `run` while `layer.call` is replaced by `replacement`, which receives the
 * layer's current `call` to delegate to; restores the layer in a finally block.
 *
 * Why this is safe: a layers model (Sequential, functional, nested) runs each
 * layer through `layer.call`, whatever the topology, so replacing it on the one
 * layer instance changes exactly that layer's output and nothing else. `run`
 * is synchronous (a forward pass, possibly inside `tf.grad`), so no other
 * caller can observe the patch. Patches nest: each one saves and restores
 * exactly what it found (an own property or the prototype's method).
 */
export function withLayerCall<T>(layer: tf.layers.Layer, replacement: (original: LayerCall, inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>) => tf.Tensor | tf.Tensor[], run: () => T): T {
  const target = layer as unknown as { call: LayerCall };
  const hadOwn = Object.prototype.hasOwnProperty.call(target, 'call');
  const previous = target.call;
  const original: LayerCall = (inputs, kwargs) => previous.call(layer, inputs, kwargs);
  target.call = (inputs, kwargs) => replacement(original, inputs, kwargs);
  try {
    return run();
  } finally {
    if (hadOwn) target.call = previous;
    else delete (target as { call?: LayerCall }).call;
  }
}
