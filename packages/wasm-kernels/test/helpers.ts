import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { withTfxaiKernels } from '@tfxai/core';

/** A host-side array with its shape, so the same numbers can be uploaded to any backend. */
export interface HostTensor {
  values: Float32Array | Int32Array;
  shape: number[];
  dtype: 'float32' | 'int32';
}

/** Seeded values in [-1, 1) (a small LCG: the same numbers on every run and backend). */
export function seeded(shape: number[], seed: number, round = false): HostTensor & { values: Float32Array } {
  const size = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(size);
  let state = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const u = state / 2 ** 32;
    // Rounded values make ties (max-pool) and exact zeros common.
    values[i] = round ? Math.round(u * 4) - 2 : 2 * u - 1;
  }
  return { values, shape, dtype: 'float32' };
}

/**
 * Runs one kernel through the engine on `backend` (whatever kernel is
 * registered there now; with `inTfxaiScope`, inside tfxai's kernel scope),
 * reads the result back and disposes everything.
 */
export async function runKernelOn(
  backend: string,
  kernelName: string,
  inputs: Record<string, HostTensor>,
  attrs: object,
  inTfxaiScope = false,
): Promise<{ values: Float32Array; shape: number[] }> {
  await tf.setBackend(backend);
  const tensors: Record<string, tf.Tensor> = {};
  for (const [name, host] of Object.entries(inputs)) tensors[name] = tf.tensor(host.values, host.shape, host.dtype);
  const before = tf.memory().numTensors;
  const run = () => tf.engine().runKernel(kernelName, tensors, attrs as tf.NamedAttrMap) as tf.Tensor;
  const result = inTfxaiScope ? withTfxaiKernels(run) : run();
  expect(tf.memory().numTensors, `${kernelName} on ${backend}: one output, nothing else`).to.equal(before + 1);
  const values = (await result.data()) as Float32Array;
  const shape = result.shape;
  tf.dispose([result, ...Object.values(tensors)]);
  return { values: Float32Array.from(values), shape };
}

/**
 * |actual - expected| <= rtol * |expected| + atolScale * rtol * max|expected|
 * element-wise: 1e-4 relative, with a floor at 1e-4 * 1e-2 of the largest
 * magnitude for entries that are sums cancelling to near zero.
 */
export function expectRelativeClose(actual: ArrayLike<number>, expected: ArrayLike<number>, label: string, rtol = 1e-4, atolScale = 1e-2): void {
  expect(actual.length, `${label}: length`).to.equal(expected.length);
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]!));
  const atol = atolScale * rtol * scale;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) {
      expect.fail(`${label}: element ${i}: got ${a}, expected ${e} (rtol ${rtol}, atol ${atol.toExponential(2)})`);
    }
  }
}

/** The filter spread by zeros to dilation `d`: conv at dilation d == conv of this at dilation 1. */
export function spreadFilter(filter: tf.Tensor4D, d: number): tf.Tensor4D {
  return tf.tidy(() => {
    const [kh, kw, c, m] = filter.shape;
    const expanded = tf.reshape(filter, [kh, 1, kw, 1, c, m]);
    const padded = tf.pad(expanded, [[0, 0], [0, d - 1], [0, 0], [0, d - 1], [0, 0], [0, 0]]);
    const full = tf.reshape(padded, [kh * d, kw * d, c, m]);
    return tf.slice(full, [0, 0, 0, 0], [(kh - 1) * d + 1, (kw - 1) * d + 1, c, m]) as tf.Tensor4D;
  });
}

/** Every d-th tap of a gradient taken with respect to a spread filter: the gradient of the original taps. */
export function everyDthTap(gradient: tf.Tensor4D, d: number): tf.Tensor4D {
  const [eh, ew, c, m] = gradient.shape;
  return tf.stridedSlice(gradient, [0, 0, 0, 0], [eh, ew, c, m], [d, d, 1, 1]) as tf.Tensor4D;
}

