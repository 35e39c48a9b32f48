import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { forEachBackend } from '@tfxai/test-utils';
import { withTfxaiKernels } from '@tfxai/core';
import { useTfxaiKernels } from '../src/index.js';
import { expectRelativeClose, seeded } from './helpers.js';

/** Gradients of sum(f(inputs) * weights) with respect to every input, read back; nothing left behind. */
async function gradientsOf(f: (...inputs: tf.Tensor[]) => tf.Tensor, inputs: tf.Tensor[], weights: tf.Tensor, inTfxaiScope = false): Promise<Float32Array[]> {
  const before = tf.memory().numTensors;
  const pass = () => tf.grads((...xs: tf.Tensor[]) => tf.sum(tf.mul(f(...xs), weights)))(inputs);
  const grads = inTfxaiScope ? withTfxaiKernels(pass) : pass();
  const values = await Promise.all(grads.map(async (g) => Float32Array.from((await g.data()) as Float32Array)));
  tf.dispose(grads);
  expect(tf.memory().numTensors, 'tensors left behind').to.equal(before);
  return values;
}

/** The same gradients with tfjs's stock gradient configs ('gaps' mode) on cpu: the reference. */
async function stockCpuGradients(f: (...inputs: tf.Tensor[]) => tf.Tensor, make: () => { inputs: tf.Tensor[]; weights: tf.Tensor }): Promise<Float32Array[]> {
  useTfxaiKernels('gaps');
  const backend = tf.getBackend();
  await tf.setBackend('cpu');
  const { inputs, weights } = make();
  const values = await gradientsOf(f, inputs, weights);
  tf.dispose([...inputs, weights]);
  await tf.setBackend(backend);
  useTfxaiKernels('all');
  return values;
}

describe("tfxai's leaner gradient configs equal tfjs's own", function () {
  after(() => useTfxaiKernels('all'));

  forEachBackend(() => {
    it('FusedBatchNorm: input, mean, variance, scale and offset gradients (no Tile)', async () => {
      const make = () => ({
        inputs: [
          tf.tensor4d(seeded([2, 5, 4, 3], 1).values, [2, 5, 4, 3]),
          tf.tensor1d([0.1, -0.2, 0.3]),
          tf.tensor1d([0.5, 1.5, 0.9]),
          tf.tensor1d([1.2, 0.7, -0.4]),
          tf.tensor1d([0.05, 0, -0.1]),
        ],
        weights: tf.tensor4d(seeded([2, 5, 4, 3], 2).values, [2, 5, 4, 3]),
      });
      const f = (x: tf.Tensor, mean: tf.Tensor, variance: tf.Tensor, scale: tf.Tensor, offset: tf.Tensor) =>
        tf.batchNorm(x as tf.Tensor4D, mean as tf.Tensor1D, variance as tf.Tensor1D, offset as tf.Tensor1D, scale as tf.Tensor1D, 1e-3);
      const expected = await stockCpuGradients(f as (...t: tf.Tensor[]) => tf.Tensor, make);
      useTfxaiKernels('all');
      const { inputs, weights } = make();
      const actual = await gradientsOf(f as (...t: tf.Tensor[]) => tf.Tensor, inputs, weights, true);
      ['x', 'mean', 'variance', 'scale', 'offset'].forEach((name, i) => expectRelativeClose(actual[i]!, expected[i]!, `d/d${name}`));
      tf.dispose([...inputs, weights]);
    });

    it('ClipByValue (ReLU6): pass-through inside [0, 6] including both ends, zero outside and for NaN', async () => {
      const values = [-1, 0, 0.5, 6, 6.5, Number.NaN, 3, -0];
      const make = () => ({ inputs: [tf.tensor1d(values)], weights: tf.tensor1d([1, 2, 3, 4, 5, 6, 7, 8]) });
      const f = (x: tf.Tensor) => tf.clipByValue(x, 0, 6);
      const [expected] = await stockCpuGradients(f, make);
      expect(Array.from(expected!)).to.deep.equal([0, 2, 3, 4, 0, 0, 7, 8]);
      useTfxaiKernels('all');
      const { inputs, weights } = make();
      const [actual] = await gradientsOf(f, inputs, weights, true);
      expect(Array.from(actual!)).to.deep.equal(Array.from(expected!));
      tf.dispose([...inputs, weights]);
    });
  });
});
