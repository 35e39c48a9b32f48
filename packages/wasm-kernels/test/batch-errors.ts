import * as tf from '@tensorflow/tfjs';
import { withTfxaiKernels } from '@tfxai/core';
import { BATCH_SHAPE, type BatchCase } from './batch-cases.js';

/**
 * max |batched - per example| / max |per example| over the input gradient of
 * sum(f(x) * w) for a batch of different examples, on the active backend:
 * 0 when the batch's gradient rows are each example's own gradient.
 */
export async function batchGradientError(c: BatchCase, inTfxaiScope: boolean): Promise<{ error: number; scale: number }> {
  const scope = <T>(pass: () => T): T => (inTfxaiScope ? withTfxaiKernels(pass) : pass());
  const before = tf.memory().numTensors;
  const [batched, own] = tf.tidy(() => {
    const x = tf.randomUniform(BATCH_SHAPE, -1, 1, 'float32', 21) as tf.Tensor4D;
    const w = tf.randomUniform(c.f(x).shape, -1, 1, 'float32', 22);
    const gradient = (xs: tf.Tensor4D, ws: tf.Tensor) => scope(() => tf.grad((v) => tf.sum(tf.mul(c.f(v as tf.Tensor4D), ws)))(xs));
    const rows = Array.from({ length: BATCH_SHAPE[0] }, (_, i) => gradient(tf.slice(x, i, 1), tf.slice(w, i, 1)));
    return [gradient(x, w), tf.concat(rows, 0)];
  });
  const [b, o] = [(await batched.data()) as Float32Array, (await own.data()) as Float32Array];
  tf.dispose([batched, own]);
  if (tf.memory().numTensors !== before) throw new Error(`${c.name}: ${tf.memory().numTensors - before} tensors left behind`);
  let scale = 0;
  let difference = 0;
  for (let i = 0; i < o.length; i++) {
    scale = Math.max(scale, Math.abs(o[i]!));
    difference = Math.max(difference, Math.abs(b[i]! - o[i]!));
  }
  return { error: scale === 0 ? difference : difference / scale, scale };
}
