import * as tf from '@tensorflow/tfjs';
import { InvalidOptionError } from './errors.js';

/** A layer's `call`: what a layers model runs for each layer on concrete tensors. */
export type LayerCall = (inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>) => tf.Tensor | tf.Tensor[];

/** The `call` a layer would run now if it had no own property: its class's (looked up when it runs). */
function inheritedCall(layer: object): LayerCall {
  return (Object.getPrototypeOf(layer) as { call: LayerCall }).call;
}

/**
 * Runs `run` while `layer.call` is replaced by `replacement`, which receives the
 * layer's current `call` to delegate to; restores the layer in a finally block.
 *
 * Why this is safe: a layers model (Sequential, functional, nested) runs each
 * layer through `layer.call`, whatever the topology, so replacing it on the one
 * layer instance changes exactly that layer's output and nothing else. `run`
 * is synchronous (a forward pass, possibly inside `tf.grad`), so no other
 * caller can observe the patch. Patches nest: each one saves and restores
 * exactly what it found (an own property or the prototype's method). A layer
 * without an own `call` delegates to its class's `call` as it is when the layer
 * runs, so a class-wide patch ({@link replaceLayerClassCall}) applied inside
 * `run` is seen.
 */
export function withLayerCall<T>(layer: tf.layers.Layer, replacement: (original: LayerCall, inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>) => tf.Tensor | tf.Tensor[], run: () => T): T {
  const target = layer as unknown as { call: LayerCall };
  const hadOwn = Object.prototype.hasOwnProperty.call(target, 'call');
  const previous = target.call;
  const original: LayerCall = (inputs, kwargs) => (hadOwn ? previous : inheritedCall(target)).call(layer, inputs, kwargs);
  target.call = (inputs, kwargs) => replacement(original, inputs, kwargs);
  try {
    return run();
  } finally {
    if (hadOwn) target.call = previous;
    else delete (target as { call?: LayerCall }).call;
  }
}

/**
 * Replaces `call` for every instance of the tfjs-layers class registered for serialization as
 * `className` (e.g. 'Conv2D'), until the returned function is called. `replacement` gets the
 * layer and the `call` the class had (to delegate to).
 *
 * Why the class and not tf.* ops: in an ES-module bundle the tfjs namespaces (tf.fused, ...) are
 * frozen, but a class prototype is an ordinary object. The replacement is an own property of the
 * class's prototype, so subclasses that define their own `call` and instances with their own
 * (see {@link withLayerCall}) are unaffected. Apply it only around synchronous work (a
 * `withTfxaiKernels` pass): while it is in place, every model in the process sees it.
 * @returns the undo, which puts back exactly what it found (the inherited method or an own one)
 * @throws InvalidOptionError when no layer class of that name is registered
 */
export function replaceLayerClassCall(className: string, replacement: (layer: tf.layers.Layer, original: LayerCall, inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>) => tf.Tensor | tf.Tensor[]): () => void {
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[className];
  if (entry === undefined) throw new InvalidOptionError('className', `got '${className}'; allowed: the name of a registered tfjs-layers class, e.g. 'Conv2D'`);
  const prototype = entry[0].prototype as unknown as { call: LayerCall };
  const hadOwn = Object.prototype.hasOwnProperty.call(prototype, 'call');
  const previous = prototype.call;
  const patched: LayerCall = function (this: tf.layers.Layer, inputs, kwargs) {
    return replacement(this, (i, k) => previous.call(this, i, k), inputs, kwargs);
  };
  prototype.call = patched;
  return () => {
    if (prototype.call !== patched) return; // already undone (or replaced by someone else since: leave theirs)
    if (hadOwn) prototype.call = previous;
    else delete (prototype as { call?: LayerCall }).call;
  };
}
