import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { withTfxaiKernels } from '@tfxai/core';
import { useTfxaiKernels } from '../src/index.js';

// Inside tfxai's passes, wasm's Identity and same-dtype Cast share the input's data (as cpu and
// webgl do) instead of copying it: the gradient tape clones every tensor it saves through Identity.
describe('Identity and same-dtype Cast share data inside tfxai passes (wasm)', function () {
  before(async () => {
    useTfxaiKernels('all');
    await tf.setBackend('wasm');
    await tf.ready();
  });

  /** Data buffers the engine holds: a shared copy adds none, a real copy one. */
  const buffersAdded = (copy: () => tf.Tensor): { tensor: tf.Tensor; buffers: number } => {
    const before = tf.memory().numDataBuffers;
    const tensor = copy();
    return { tensor, buffers: tf.memory().numDataBuffers - before };
  };

  for (const [name, copy] of [
    ['Identity (tf.clone)', (x: tf.Tensor) => tf.clone(x)],
    ['Cast to float32', (x: tf.Tensor) => tf.cast(x, 'float32')],
  ] as const) {
    it(`${name}: no new data buffer inside the scope, a copy outside it; the values outlive the original`, async () => {
      const buffersBefore = tf.memory().numDataBuffers;
      const x = tf.tensor2d([1.5, -2, 0, 3.25, Number.NaN, -0], [2, 3]);
      const expected = Array.from(await x.data());
      const inside = withTfxaiKernels(() => buffersAdded(() => copy(x)));
      const outside = buffersAdded(() => copy(x));
      expect(inside.buffers, 'inside tfxai scope').to.equal(0);
      expect(outside.buffers, 'outside: stock wasm copies').to.equal(1);
      x.dispose();
      expect(Array.from(await inside.tensor.data())).to.deep.equal(expected);
      expect(inside.tensor.shape).to.deep.equal([2, 3]);
      tf.dispose([inside.tensor, outside.tensor]);
      expect(tf.memory().numDataBuffers).to.equal(buffersBefore);
    });
  }

  it('Cast to another dtype still converts (the stock kernel), and a gradient through clones and casts is unchanged', async () => {
    const x = tf.tensor1d([1.7, -2.2, 3.9]);
    const asInt = withTfxaiKernels(() => tf.cast(x, 'int32'));
    expect(asInt.dtype).to.equal('int32');
    expect(Array.from(await asInt.data())).to.deep.equal([1, -2, 3]);
    const f = (v: tf.Tensor) => tf.sum(tf.mul(tf.relu(tf.clone(v)), tf.cast(v, 'float32')));
    const inside = withTfxaiKernels(() => tf.grad(f)(x));
    const outside = tf.grad(f)(x);
    // d/dv relu(v) * v = 2v where v > 0, else 0.
    expect(Array.from(await inside.data())).to.deep.equal(Array.from(await outside.data()));
    expect(Array.from(await inside.data()).map((v) => Math.round(v * 10) / 10)).to.deep.equal([3.4, 0, 7.8]);
    tf.dispose([x, asInt, inside, outside]);
  });
});
