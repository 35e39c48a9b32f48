import type * as tf from '@tensorflow/tfjs';

/**
 * The runtime fields of a tfjs-layers layer (4.22) that tfxai reads to take a
 * layer apart (its weights, its activation, its configuration), beyond the
 * public `tf.layers.Layer` type. Fields a layer kind lacks are undefined (or null).
 */
export interface LayerInternals {
  getClassName(): string;
  getConfig(): Record<string, unknown>;
  apply(x: tf.Tensor, kwargs?: Record<string, unknown>): tf.Tensor | tf.Tensor[];
  kernel?: { read(): tf.Tensor } | null;
  bias?: { read(): tf.Tensor } | null;
  activation?: { apply(x: tf.Tensor): tf.Tensor } | null;
  outputShape: (number | null)[] | (number | null)[][];
}
