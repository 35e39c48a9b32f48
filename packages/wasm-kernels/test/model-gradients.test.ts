import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { withTfxaiKernels } from '@tfxai/core';
import { useTfxaiKernels } from '../src/index.js';
import { FAMILIES } from './families.js';
import { expectRelativeClose, seeded } from './helpers.js';

interface Gradients {
  input: Float32Array;
  weights: Float32Array[];
}

/**
 * d(sum of class scores weighted 1, -2, 3, 0.5)/d(input and every trainable
 * weight) on `backend`: the full backward pass, filter gradients included.
 */
async function gradientsOn(backend: string, model: tf.LayersModel, images: Float32Array, inTfxaiScope = false): Promise<Gradients> {
  await tf.setBackend(backend);
  const before = tf.memory().numTensors;
  const x = tf.tensor4d(images, [images.length / (16 * 16 * 3), 16, 16, 3]);
  const objective = (input: tf.Tensor) => tf.sum(tf.mul(model.apply(input) as tf.Tensor, tf.tensor1d([1, -2, 3, 0.5])));
  const scope = <T>(pass: () => T): T => (inTfxaiScope ? withTfxaiKernels(pass) : pass());
  const inputGradient = scope(() => tf.grad(objective)(x));
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const { value, grads } = scope(() => tf.variableGrads(() => objective(x) as tf.Scalar, variables));
  const weights = await Promise.all(variables.map(async (v) => Float32Array.from((await grads[v.name]!.data()) as Float32Array)));
  const input = Float32Array.from((await inputGradient.data()) as Float32Array);
  tf.dispose([x, value, inputGradient, ...Object.values(grads)]);
  expect(tf.memory().numTensors, `tensors left on ${backend}`).to.equal(before);
  return { input, weights };
}

describe('whole-model gradients on wasm (all tfxai kernels) equal stock tfjs on cpu (input and every weight)', function () {
  after(() => useTfxaiKernels('all'));

  for (const [family, build] of Object.entries(FAMILIES)) {
    it(family, async () => {
      await tf.setBackend('cpu');
      const model = build();
      // Batch 1 for upsampling: tfjs-backend-cpu 4.22's ResizeNearestNeighborGrad is wrong for
      // batch > 1 (see 'resize gradients' below), so cpu is no reference there.
      const batch = family.startsWith('Upsampling') ? 1 : 2;
      const images = seeded([batch, 16, 16, 3], 7).values;
      // The reference is tfjs's own cpu gradients (inside tfxai's scope, 'gaps' keeps every stock gradient; its only
      // additions, the dilated-convolution gradients, are checked on their own in dilated-gradients).
      useTfxaiKernels('gaps');
      const cpu = await gradientsOn('cpu', model, images, true);
      useTfxaiKernels('all');
      const wasm = await gradientsOn('wasm', model, images, true);
      expect(Math.max(...cpu.input.map(Math.abs)), 'a gradient that is not all zero').to.be.greaterThan(0);
      expectRelativeClose(wasm.input, cpu.input, `${family}: input gradient`);
      wasm.weights.forEach((w, i) => expectRelativeClose(w, cpu.weights[i]!, `${family}: gradient of ${model.trainableWeights[i]!.name}`));
      model.dispose();
    });
  }
});

describe('resize gradients on wasm against an independent reference', function () {
  /** The gradient of nearest-neighbour upsampling: each upstream value added to the input pixel it was copied from. */
  async function scatterReference(shape: [number, number, number, number], outSize: [number, number], dy: Float32Array): Promise<Float32Array> {
    await tf.setBackend('cpu');
    const source = tf.tidy(() => tf.image.resizeNearestNeighbor(tf.range(0, shape.reduce((a, b) => a * b)).reshape(shape) as tf.Tensor4D, outSize));
    const from = await source.data();
    source.dispose();
    const reference = new Float32Array(shape.reduce((a, b) => a * b));
    from.forEach((index, i) => (reference[index] = reference[index]! + dy[i]!));
    return reference;
  }

  it('nearest-neighbour upsampling, batch 2, 3 channels (stock wasm kernel; cpu 4.22 gets batch > 1 wrong)', async () => {
    const shape: [number, number, number, number] = [2, 4, 5, 3];
    const dy = seeded([2, 8, 10, 3], 41);
    const reference = await scatterReference(shape, [8, 10], dy.values);
    await tf.setBackend('wasm');
    const gradient = tf.tidy(() => tf.grad((x) => tf.sum(tf.mul(tf.image.resizeNearestNeighbor(x as tf.Tensor4D, [8, 10]), tf.tensor(dy.values, dy.shape))))(tf.zeros(shape)));
    expectRelativeClose((await gradient.data()) as Float32Array, reference, 'wasm ResizeNearestNeighborGrad');
    gradient.dispose();
  });
});
