import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { withTfxaiKernels } from '@tfxai/core';
import { expectAllClose, forEachBackend } from '@tfxai/test-utils';
import '../src/index.js';
import { conv3dReference, pool3dReference, type Padding3d, type Volume } from './volume-reference.js';

/** Distinct values with no ties (max pooling's choice is then unambiguous), deterministic. */
function volume(shape: number[], seed: number): Volume {
  const count = shape.reduce((a, b) => a * b, 1);
  const values = new Float64Array(count);
  let s = seed >>> 0;
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    values[i] = (s / 2 ** 32 - 0.5) * 2 + i * 1e-4;
  }
  return { values, shape };
}
const upstream = (index: number) => Math.sin(index * 0.7 + 0.3);
const tensor = (v: Volume) => tf.tensor(Float32Array.from(v.values), v.shape);

/** Runs `fn` inside tfxai's kernel scope and reads (and disposes) every returned tensor. */
function read(fn: () => tf.Tensor[]): Float32Array[] {
  const out = withTfxaiKernels(() => tf.tidy(fn));
  const values = out.map((t) => t.dataSync() as Float32Array);
  tf.dispose(out);
  return values;
}

// Non-cubic shapes, batch 1 and 2, strides and dilations per axis, both paddings.
const convCases: Array<{ x: number[]; filter: number[]; strides: number[]; dilations: number[]; padding: Padding3d }> = [
  { x: [2, 3, 4, 5, 2], filter: [2, 2, 2, 2, 3], strides: [1, 1, 1], dilations: [1, 1, 1], padding: 'valid' },
  { x: [1, 4, 5, 6, 2], filter: [3, 3, 3, 2, 2], strides: [2, 2, 2], dilations: [1, 1, 1], padding: 'same' },
  { x: [2, 5, 4, 7, 1], filter: [3, 2, 3, 1, 2], strides: [2, 1, 3], dilations: [1, 1, 1], padding: 'valid' },
  { x: [1, 2, 4, 4, 1], filter: [2, 3, 3, 1, 2], strides: [1, 1, 1], dilations: [1, 1, 1], padding: 'valid' },
  { x: [1, 6, 5, 7, 2], filter: [2, 2, 3, 2, 2], strides: [1, 1, 1], dilations: [2, 2, 1], padding: 'same' },
  { x: [2, 7, 6, 6, 1], filter: [2, 3, 2, 1, 3], strides: [1, 1, 1], dilations: [3, 1, 2], padding: 'valid' },
];
const poolCases: Array<{ x: number[]; size: number[]; strides: number[]; padding: Padding3d }> = [
  { x: [2, 4, 5, 6, 2], size: [2, 2, 3], strides: [1, 2, 2], padding: 'valid' },
  { x: [1, 4, 6, 6, 1], size: [2, 3, 2], strides: [2, 1, 2], padding: 'same' },
  { x: [2, 4, 4, 4, 3], size: [2, 2, 2], strides: [2, 2, 2], padding: 'valid' },
  { x: [1, 5, 7, 6, 2], size: [3, 3, 3], strides: [2, 2, 2], padding: 'same' },
];

forEachBackend(() => {
  describe('3-D convolution: forward and both gradients against loop references', () => {
    for (const c of convCases) {
      it(`x ${c.x} filter ${c.filter} strides ${c.strides} dilations ${c.dilations} ${c.padding}`, () => {
        const x = volume(c.x, 3);
        const filter = volume(c.filter, 5);
        const ref = conv3dReference(x, filter, c.strides, c.dilations, c.padding, upstream);
        const [y, dx, dFilter] = read(() => {
          const [xt, ft] = [tensor(x), tensor(filter)];
          const conv = (a: tf.Tensor, b: tf.Tensor) => tf.conv3d(a as tf.Tensor5D, b as tf.Tensor5D, c.strides as [number, number, number], c.padding, 'NDHWC', c.dilations as [number, number, number]);
          const out = conv(xt, ft);
          const dy = tf.tensor(Float32Array.from({ length: out.size }, (_, i) => upstream(i)), out.shape);
          const grads = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(conv(a, b), dy)))([xt, ft]);
          return [out, ...grads];
        });
        expectAllClose(y!, ref.y, 1e-4, 1e-4);
        expectAllClose(dx!, ref.dx, 1e-4, 1e-4);
        expectAllClose(dFilter!, ref.dFilter, 1e-4, 1e-4);
      });
    }
  });

  describe('3-D pooling: forward and gradient against loop references', () => {
    for (const c of poolCases) {
      for (const kind of ['max', 'avg'] as const) {
        it(`${kind}Pool3d x ${c.x} size ${c.size} strides ${c.strides} ${c.padding}`, () => {
          const x = volume(c.x, 11);
          const ref = pool3dReference(kind, x, c.size, c.strides, c.padding, upstream);
          const pool = (a: tf.Tensor) => (kind === 'max' ? tf.maxPool3d : tf.avgPool3d)(a as tf.Tensor5D, c.size as [number, number, number], c.strides as [number, number, number], c.padding);
          const [y, dx] = read(() => {
            const xt = tensor(x);
            const out = pool(xt);
            const dy = tf.tensor(Float32Array.from({ length: out.size }, (_, i) => upstream(i)), out.shape);
            return [out, tf.grad((a: tf.Tensor) => tf.sum(tf.mul(pool(a), dy)))(xt)];
          });
          expectAllClose(y!, ref.y, 1e-5, 1e-5);
          expectAllClose(dx!, ref.dx, 1e-5, 1e-5);
        });
      }
    }
  });

  it('maxPool3d with ties (a constant input, and values from {0, 1, 2}): the first maximum of each window takes the gradient, as the reference', () => {
    for (const c of poolCases) {
      const ties: Volume = { shape: c.x, values: Float64Array.from(volume(c.x, 5).values, (v) => Math.floor((v + 1) * 1.5)) };
      for (const x of [{ shape: c.x, values: new Float64Array(ties.values.length) }, ties]) {
        const ref = pool3dReference('max', x, c.size, c.strides, c.padding, upstream);
        const pool = (a: tf.Tensor) => tf.maxPool3d(a as tf.Tensor5D, c.size as [number, number, number], c.strides as [number, number, number], c.padding);
        const [dx] = read(() => {
          const xt = tensor(x);
          const dy = tf.tensor(Float32Array.from({ length: ref.y.length }, (_, i) => upstream(i)), ref.outShape);
          return [tf.grad((a: tf.Tensor) => tf.sum(tf.mul(pool(a), dy)))(xt)];
        });
        expectAllClose(dx!, ref.dx, 1e-5, 1e-5);
      }
    }
  });

  it('2-D average pooling with same padding: border gradients divide by the pixels each window covers', () => {
    // A 3x3 image, 2x2 windows, stride 2: the last row and column are covered by windows of 2 and 1 pixels.
    const [dx] = read(() => [tf.grad((a: tf.Tensor) => tf.sum(tf.avgPool(a as tf.Tensor4D, 2, 2, 'same')))(tf.ones([1, 3, 3, 1]))]);
    expect(Array.from(dx!)).to.deep.equal([0.25, 0.25, 0.5, 0.25, 0.25, 0.5, 0.5, 0.5, 1]);
  });

  it('outside tfxai calls the stock gradients stay (the corrections are scoped)', () => {
    const dx = tf.tidy(() => tf.grad((a: tf.Tensor) => tf.sum(tf.avgPool(a as tf.Tensor4D, 2, 2, 'same')))(tf.ones([1, 3, 3, 1])).dataSync());
    expect(Array.from(dx)).to.deep.equal(new Array(9).fill(0.25));
  });
});
