import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { withTfxaiKernels } from '@tfxai/core';
import { forEachBackend } from '@tfxai/test-utils';
import { useTfxaiKernels } from '../src/index.js';
import { BATCH_CASES, BATCH_SHAPE } from './batch-cases.js';
import { batchGradientError } from './batch-errors.js';
import { expectRelativeClose, seeded } from './helpers.js';

describe("a batch's gradients are each example's own gradients (every gradient kernel the methods reach)", function () {
  before(() => useTfxaiKernels('all'));

  forEachBackend(() => {
    for (const c of BATCH_CASES) {
      it(`${c.name}: inside tfxai's scope, batch of ${BATCH_SHAPE[0]} == one by one`, async () => {
        const { error, scale } = await batchGradientError(c, true);
        expect(scale, 'a gradient that is not all zero').to.be.greaterThan(0);
        expect(error, 'max |batched - own| / max |own|').to.be.at.most(1e-6);
      });
    }
  });
});

describe('stock tfjs-backend-cpu 4.22 resize gradients the grid found wrong (tfxai corrects them inside its scope)', function () {
  before(async () => {
    useTfxaiKernels('all');
    await tf.setBackend('cpu');
  });
  const nearest = BATCH_CASES.filter((c) => c.name.startsWith('resize nearest'));
  const bilinear = BATCH_CASES.filter((c) => c.name.startsWith('resize bilinear'));

  it('ResizeNearestNeighborGrad mixes the examples of a batch (error >= 100% of the scale, or NaN when downsizing)', async () => {
    for (const c of nearest) {
      const { error } = await batchGradientError(c, false);
      expect(Number.isNaN(error) || error > 1, `${c.name}: stock error ${error}`).to.equal(true);
    }
  });

  it('ResizeBilinearGrad labels a non-square gradient [batch, width, height, depth] (stock throws on its own gradient check)', async () => {
    for (const c of bilinear) await batchGradientError(c, false).then(() => expect.fail(`${c.name}: stock did not throw`), (e: Error) => expect(e.message).to.match(/Error in gradient for op ResizeBilinear/));
  });

  it("tfxai's nearest-neighbour gradient equals an independent scatter through the forward kernel's own index map", async () => {
    for (const [outSize, alignCorners, halfPixelCenters] of [[[18, 16], false, false], [[13, 5], false, false], [[13, 11], true, false], [[5, 12], false, true]] as const) {
      const shape = BATCH_SHAPE;
      const size = shape.reduce((a, b) => a * b, 1);
      // Which input element each output element copies: the forward kernel resizing the indices themselves.
      const from = tf.tidy(() => tf.image.resizeNearestNeighbor(tf.range(0, size).reshape(shape) as tf.Tensor4D, [...outSize], alignCorners, halfPixelCenters).dataSync());
      const dy = seeded([shape[0], outSize[0], outSize[1], shape[3]], 31);
      const reference = new Float32Array(size);
      from.forEach((index, i) => (reference[index] = reference[index]! + dy.values[i]!));
      const gradient = withTfxaiKernels(() =>
        tf.tidy(() => tf.grad((x) => tf.sum(tf.mul(tf.image.resizeNearestNeighbor(x as tf.Tensor4D, [...outSize], alignCorners, halfPixelCenters), tf.tensor(dy.values, dy.shape))))(tf.zeros(shape))),
      );
      expectRelativeClose((await gradient.data()) as Float32Array, reference, `resize nearest to ${outSize.join('x')}${alignCorners ? ', align corners' : ''}${halfPixelCenters ? ', half-pixel centers' : ''}`);
      gradient.dispose();
    }
  });

  it("tfxai's bilinear gradient keeps the stock values on square inputs (the fix only relabels the shape)", async () => {
    const x = tf.tensor4d(seeded([2, 6, 6, 3], 5).values, [2, 6, 6, 3]);
    const dy = tf.tensor4d(seeded([2, 11, 11, 3], 6).values, [2, 11, 11, 3]);
    const pass = () => tf.grad((v) => tf.sum(tf.mul(tf.image.resizeBilinear(v as tf.Tensor4D, [11, 11], true), dy)))(x);
    const [stock, fixed] = [pass(), withTfxaiKernels(pass)];
    expect(Array.from(await fixed.data())).to.deep.equal(Array.from(await stock.data()));
    tf.dispose([x, dy, stock, fixed]);
  });
});
