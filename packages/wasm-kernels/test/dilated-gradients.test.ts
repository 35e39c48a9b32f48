import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { forEachBackend } from '@tfxai/test-utils';
import { withTfxaiKernels } from '@tfxai/core';
import { useTfxaiKernels } from '../src/index.js';
import { everyDthTap, expectRelativeClose, seeded, spreadFilter } from './helpers.js';

/**
 * A convolution at dilation d equals one at dilation 1 with the filter spread
 * out by zeros (an exact identity). tfjs's stock gradient handles the latter,
 * so it is an independent reference for tfxai's dilated gradients: the input
 * gradients are equal, and the filter gradient is every d-th tap of the
 * spread filter's gradient.
 */
type Conv = (x: tf.Tensor4D, filter: tf.Tensor4D, pad: 'same' | 'valid', dilation: number) => tf.Tensor4D;
const CONVOLUTIONS: Record<string, { conv: Conv; filterShape: number[] }> = {
  conv2d: { conv: (x, f, pad, d) => tf.conv2d(x, f, 1, pad, 'NHWC', d), filterShape: [3, 3, 3, 4] },
  depthwiseConv2d: { conv: (x, f, pad, d) => tf.depthwiseConv2d(x, f, 1, pad, 'NHWC', d), filterShape: [3, 3, 3, 2] },
  'fused conv2d (linear, bias)': {
    conv: (x, f, pad, d) => tf.fused.conv2d({ x, filter: f, strides: 1, pad, dilations: d, bias: tf.tensor1d([0.1, -0.2, 0.3, 0]) }),
    filterShape: [3, 3, 3, 4],
  },
  'fused depthwiseConv2d (linear, bias)': {
    conv: (x, f, pad, d) => tf.fused.depthwiseConv2d({ x, filter: f, strides: 1, pad, dilations: d, bias: tf.fill([6], 0.1) }),
    filterShape: [3, 3, 3, 2],
  },
};

describe('gradients of dilated convolutions', function () {
  before(() => useTfxaiKernels('all'));

  forEachBackend(() => {
    for (const [name, { conv, filterShape }] of Object.entries(CONVOLUTIONS)) {
      for (const pad of ['same', 'valid'] as const) {
        for (const dilation of [2, 3]) {
          it(`${name}, dilation ${dilation}, padding ${pad}: equal the stock gradient of the zero-spread filter`, async () => {
            const before = tf.memory().numTensors;
            const x = tf.tensor4d(seeded([2, 11, 10, 3], dilation).values, [2, 11, 10, 3]);
            const filter = tf.tensor4d(seeded(filterShape, 5).values, filterShape as [number, number, number, number]);
            const weights = tf.tidy(() => tf.randomUniform(conv(x, filter, pad, dilation).shape as number[], -1, 1, 'float32', 3));
            const objective = (xi: tf.Tensor, fi: tf.Tensor) => tf.sum(tf.mul(conv(xi as tf.Tensor4D, fi as tf.Tensor4D, pad, dilation), weights));
            const [dx, dFilter] = withTfxaiKernels(() => tf.grads(objective)([x, filter]));
            const spread = spreadFilter(filter, dilation);
            const referenceObjective = (xi: tf.Tensor, fi: tf.Tensor) => tf.sum(tf.mul(conv(xi as tf.Tensor4D, fi as tf.Tensor4D, pad, 1), weights));
            const [referenceDx, referenceDSpread] = tf.grads(referenceObjective)([x, spread]);
            const referenceDFilter = everyDthTap(referenceDSpread as tf.Tensor4D, dilation);
            expectRelativeClose((await dx!.data()) as Float32Array, (await referenceDx!.data()) as Float32Array, 'input gradient');
            expect(dFilter!.shape).to.deep.equal(filterShape);
            expectRelativeClose((await dFilter!.data()) as Float32Array, (await referenceDFilter.data()) as Float32Array, 'filter gradient');
            tf.dispose([x, filter, weights, dx!, dFilter!, spread, referenceDx!, referenceDSpread!, referenceDFilter]);
            expect(tf.memory().numTensors, 'tensors left behind').to.equal(before);
          });
        }
      }
    }
  });
});
