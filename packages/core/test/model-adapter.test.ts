import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import {
  ClassIndexError,
  InvalidInputError,
  UnsupportedModelError,
  adaptModel,
  assertFinite,
  resolveTargets,
  selectTargetScores,
  targetGradients,
  toImageBatch,
} from '@tfxai/core';
import { expectAllClose, expectNoLeak, forEachBackend } from '@tfxai/test-utils';

describe('model adapters, targets and validation', () => {
  forEachBackend(() => {
    it('adapts a layers model, a function and an adapter; predict gives (N, classes)', async () => {
      const model = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [2, 2, 1] }), tf.layers.dense({ units: 3, kernelInitializer: 'ones', useBias: false })] });
      const layers = adaptModel(model);
      expect(layers.kind).to.equal('layers');
      expect(layers.inputShape).to.deep.equal([2, 2, 1]);
      expect(adaptModel(layers)).to.equal(layers);
      const fn = adaptModel((x) => x.sum([1, 2, 3]));
      expect(fn.kind).to.equal('function');
      const x = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2, 1]);
      const [a, b] = [layers.predict(x), fn.predict(x)];
      expect(a.shape).to.deep.equal([2, 3]);
      expectAllClose(await a.data(), [10, 10, 10, 26, 26, 26]);
      expect(b.shape, 'a (N,) output is one class').to.deep.equal([2, 1]);
      expect(() => adaptModel(42 as never)).to.throw(UnsupportedModelError, /allowed are a tf.LayersModel, a tf.GraphModel, or a function/);
      tf.dispose([a, b, x]);
      model.dispose();
    });

    it('targetGradients: weighted gradients of each row target, checked analytically', async () => {
      // F(x) = [sum x^2, sum 3x]: d F0/dx = 2x, d F1/dx = 3.
      const adapter = adaptModel((x) => tf.stack([x.square().sum([1, 2, 3]), x.mul(3).sum([1, 2, 3])], 1));
      const x = tf.tensor4d([1, -2, 0.5, 4], [2, 1, 2, 1]);
      const values = await expectNoLeak(async () => {
        const g = targetGradients(adapter, x, [0, 1], 2, [1, 0.5]);
        const data = await g.data();
        g.dispose();
        return data;
      });
      expectAllClose(values, [2, -4, 1.5, 1.5], 1e-6);
      const scores = selectTargetScores(adapter.predict(x), [1, 0]);
      expectAllClose(await scores.data(), [-3, 16.25], 1e-6);
      tf.dispose([x, scores]);
    });

    it('toImageBatch and assertFinite reject bad images with what is allowed', async () => {
      expect(() => toImageBatch([1, 2] as never)).to.throw(InvalidInputError, /must be a tf.Tensor.*got an array/);
      const bad = tf.tensor1d([1]);
      expect(() => toImageBatch(bad)).to.throw(InvalidInputError, /got rank 1/);
      const image = tf.zeros([3, 3, 1], 'int32');
      const batch = toImageBatch(image);
      expect(batch.shape).to.deep.equal([1, 3, 3, 1]);
      expect(batch.dtype).to.equal('float32');
      const nan = tf.tensor4d([0, NaN], [1, 1, 2, 1]);
      let caught: unknown;
      await assertFinite(nan, 'images').catch((e) => (caught = e));
      expect(caught).to.be.instanceOf(InvalidInputError);
      expect((caught as Error).message).to.contain('images holds NaN at flat index 1');
      tf.dispose([bad, image, batch, nan]);
    });
  });

  it('resolveTargets expands one target and checks the range', () => {
    expect(resolveTargets(2, 3, 4)).to.deep.equal([2, 2, 2]);
    expect(resolveTargets([0, 3], 2, 4)).to.deep.equal([0, 3]);
    expect(() => resolveTargets(4, 1, 4)).to.throw(ClassIndexError, /allowed are integers 0 to 3/);
    expect(() => resolveTargets([0], 2, 4)).to.throw(InvalidInputError, /got 1 targets for a batch of 2/);
  });
});
