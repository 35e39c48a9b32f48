import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { withTfxaiKernels } from '@tfxai/core';
import { expectNoLeak, forEachBackend, inceptionV3Like } from '@tfxai/test-utils';
import { useTfxaiKernels } from '../src/index.js';
import { expectRelativeClose, seeded } from './helpers.js';

const X_SHAPE: [number, number, number, number] = [2, 5, 4, 3];
const MEAN = [0.1, -0.2, 0.3];
const VARIANCE = [0.5, 1.5, 0.9];
const OFFSET = [0.05, 0, -0.1];

/** sum(batchNorm(x, mean, variance, offset, scale) * w): affine in x, smooth in mean and variance. */
function objective(w: tf.Tensor, scale: 'none' | 'ones') {
  return (x: tf.Tensor, mean: tf.Tensor, variance: tf.Tensor, offset: tf.Tensor) =>
    tf.sum(tf.mul(tf.batchNorm(x as tf.Tensor4D, mean as tf.Tensor1D, variance as tf.Tensor1D, offset as tf.Tensor1D, scale === 'ones' ? tf.ones([3]) : undefined, 1e-3), w));
}

async function read(tensors: tf.Tensor[]): Promise<Float32Array[]> {
  return Promise.all(tensors.map(async (t) => Float32Array.from((await t.data()) as Float32Array)));
}

describe('batch normalisation without a scale (Keras InceptionV3 / Xception): gradients inside tfxai', function () {
  for (const mode of ['all', 'gaps'] as const) {
    describe(`kernel mode '${mode}'`, function () {
      before(() => useTfxaiKernels(mode));
      after(() => useTfxaiKernels('all'));

      forEachBackend(() => {
        it('stock tfjs 4.22 cannot record it (why tfxai handles it): a TypeError outside the scope', () => {
          const inputs = [tf.ones(X_SHAPE), tf.tensor1d(MEAN), tf.tensor1d(VARIANCE), tf.tensor1d(OFFSET)];
          const w = tf.ones(X_SHAPE);
          expect(() => tf.grads(objective(w, 'none'))(inputs)).to.throw(TypeError, /Cannot read properties of undefined/);
          tf.dispose([...inputs, w]);
        });

        it('x, mean, variance and offset gradients equal those of scale = ones (stock gradient) and finite differences; no leak', async () => {
          const make = () => [tf.tensor4d(seeded(X_SHAPE, 1).values, X_SHAPE), tf.tensor1d(MEAN), tf.tensor1d(VARIANCE), tf.tensor1d(OFFSET)];
          const w = tf.tensor4d(seeded(X_SHAPE, 2).values, X_SHAPE);
          const inputs = make();
          const actual = await expectNoLeak(async () => {
            const grads = withTfxaiKernels(() => tf.grads(objective(w, 'none'))(inputs));
            const values = await read(grads);
            tf.dispose(grads);
            return values;
          });
          const stockGrads = tf.grads(objective(w, 'ones'))(inputs);
          const expected = await read(stockGrads);
          ['x', 'mean', 'variance', 'offset'].forEach((name, i) => expectRelativeClose(actual[i]!, expected[i]!, `d/d${name}`, 1e-6));

          // Central differences in float64 of the same function, for every mean and variance entry
          // and a few x entries (independent of any gradient code).
          const xs = seeded(X_SHAPE, 1).values;
          const ws = seeded(X_SHAPE, 2).values;
          const f = (x: ArrayLike<number>, mean: number[], variance: number[]) => {
            let total = 0;
            for (let i = 0; i < x.length; i++) {
              const c = i % 3;
              total += ((x[i]! - mean[c]!) / Math.sqrt(variance[c]! + 1e-3) + OFFSET[c]!) * ws[i]!;
            }
            return total;
          };
          const h = 1e-4;
          for (let c = 0; c < 3; c++) {
            const bump = (v: number[], d: number) => v.map((e, i) => (i === c ? e + d : e));
            expect(actual[1]![c]).to.be.closeTo((f(xs, bump(MEAN, h), VARIANCE) - f(xs, bump(MEAN, -h), VARIANCE)) / (2 * h), 1e-4);
            expect(actual[2]![c]).to.be.closeTo((f(xs, MEAN, bump(VARIANCE, h)) - f(xs, MEAN, bump(VARIANCE, -h))) / (2 * h), 1e-4);
          }
          for (const i of [0, 7, 23, 59]) {
            const bump = (d: number) => Array.from(xs, (e, j) => (j === i ? e + d : e));
            expect(actual[0]![i]).to.be.closeTo((f(bump(h), MEAN, VARIANCE) - f(bump(-h), MEAN, VARIANCE)) / (2 * h), 1e-5);
          }
          tf.dispose([...inputs, ...stockGrads, w]);
        });

        it('an InceptionV3-like tfjs-layers model (BatchNormalization scale: false): input gradient equals its scale = ones twin', async () => {
          const model = inceptionV3Like({ seed: 4 });
          const twin = inceptionV3Like({ seed: 4, unitScaleTwin: true });
          const x = tf.randomUniform([2, 32, 32, 3], -1, 1, 'float32', 8) as tf.Tensor4D;
          const gradient = (m: tf.LayersModel) => tf.grad((v) => tf.sum(tf.mul(m.apply(v) as tf.Tensor, tf.tensor1d([1, -1, 2, 0, 0.5]))))(x);
          const actual = withTfxaiKernels(() => gradient(model));
          // The twin inside the scope too: the model's same-padded average pooling has a corrected
          // gradient there (stock tfjs divides border windows by the full window size).
          const expected = withTfxaiKernels(() => gradient(twin));
          const [a, e] = await read([actual, expected]);
          expect(Math.max(...e!.map(Math.abs))).to.be.greaterThan(0);
          expectRelativeClose(a!, e!, 'input gradient', 1e-5);
          tf.dispose([x, actual, expected]);
          model.dispose();
          twin.dispose();
        });
      });
    });
  }
});
