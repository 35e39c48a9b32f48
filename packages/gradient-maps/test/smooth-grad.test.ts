import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { createRegistry, type ModelFunction, type SmoothGradOptions } from '@tfxai/core';
import { guidedBackpropModule, saliencyModule, type GradientMapOptions } from '@tfxai/gradient-maps';
import { expectAllClose, expectNoLeak, forEachBackend, maxAbsDiff, testBackends, useBackend } from '@tfxai/test-utils';
import { quadraticModel, reluSoftmaxCnn, seededImages } from './models.js';

const registry = createRegistry(saliencyModule, guidedBackpropModule);

async function attributionValues(name: string, model: tf.LayersModel | ModelFunction, images: tf.Tensor, target: number | number[], options?: GradientMapOptions): Promise<Float32Array> {
  return expectNoLeak(async () => {
    const { attributions } = await registry.decoder<GradientMapOptions>(name)(model, options).attribute!(images, target);
    const values = (await attributions.data()) as Float32Array;
    attributions.dispose();
    return values;
  });
}

describe('SmoothGrad', () => {
  it('the same seed gives the same result on every backend (the noise is drawn on the host)', async () => {
    const results: Float32Array[] = [];
    for (const backend of testBackends()) {
      await useBackend(backend);
      const model = reluSoftmaxCnn();
      const images = seededImages([1, 8, 8, 3], 33);
      results.push(await attributionValues('saliency', model, images, 1, { smoothGrad: { samples: 4, mode: 'squared', seed: 7 } }));
      model.dispose();
      images.dispose();
    }
    expect(results.length).to.be.at.least(2);
    for (const other of results.slice(1)) expectAllClose(other, results[0]!, 1e-9, 1e-4);
  });

  forEachBackend(() => {
    let model: tf.LayersModel;
    let images: tf.Tensor4D;
    before(() => {
      model = reluSoftmaxCnn();
      images = seededImages([2, 8, 8, 3], 31);
    });
    after(() => {
      model.dispose();
      images.dispose();
    });

    it('with noiseLevel 0: plain equals the method itself, squared its square, vargrad zero (saliency and guided backprop)', async () => {
      for (const name of ['saliency', 'guided-backprop']) {
        const plain = await attributionValues(name, model, images, [0, 1]);
        const smoothGrad = (mode: SmoothGradOptions['mode']): GradientMapOptions => ({ smoothGrad: { samples: 5, noiseLevel: 0, mode }, internalBatchSize: 2 });
        expectAllClose(await attributionValues(name, model, images, [0, 1], smoothGrad('plain')), plain, 1e-7, 1e-5);
        expectAllClose(await attributionValues(name, model, images, [0, 1], smoothGrad('squared')), plain.map((g) => g * g), 1e-9, 1e-5);
        expectAllClose(await attributionValues(name, model, images, [0, 1], smoothGrad('vargrad')), new Float32Array(plain.length), 1e-9);
      }
    });

    it('on a quadratic model the sample moments match their closed forms within 5 standard errors', async () => {
      // F_c(x) = sum a_i x_i^2, so the gradient at x + sigma z is 2 a (x + sigma z), z ~ N(0, 1):
      // plain -> 2 a x, squared -> 4 a^2 (x^2 + sigma^2), vargrad -> 4 a^2 sigma^2 (n - 1) / n.
      const { model: quadratic, coefficients, a } = quadraticModel(9, 2);
      const x = Array.from({ length: 9 }, (_, i) => Math.cos(2 * i) * 0.8);
      const image = tf.tensor4d(x, [1, 3, 3, 1]);
      const n = 400;
      const noiseLevel = 0.25;
      const sigma = noiseLevel * (Math.max(...x) - Math.min(...x));
      const c = 1;
      const run = (mode: SmoothGradOptions['mode']) => attributionValues('saliency', quadratic, image, c, { smoothGrad: { samples: n, noiseLevel, mode, seed: 5 }, internalBatchSize: 64 });
      const ai = a[c]!;
      const check = (values: Float32Array, expected: number[], standardErrors: number[]) =>
        values.forEach((v, i) => expect(Math.abs(v - expected[i]!), `pixel ${i}: ${v} vs ${expected[i]} (SE ${standardErrors[i]})`).to.be.at.most(5 * standardErrors[i]! + 1e-5));
      check(await run('plain'), x.map((xi, i) => 2 * ai[i]! * xi), ai.map((ak) => (2 * Math.abs(ak) * sigma) / Math.sqrt(n)));
      check(
        await run('squared'),
        x.map((xi, i) => 4 * ai[i]! ** 2 * (xi * xi + sigma * sigma)),
        x.map((xi, i) => Math.sqrt((16 * ai[i]! ** 4 * (4 * xi * xi * sigma * sigma + 2 * sigma ** 4)) / n)),
      );
      check(await run('vargrad'), ai.map((ak) => (4 * ak * ak * sigma * sigma * (n - 1)) / n), ai.map((ak) => (Math.SQRT2 * 4 * ak * ak * sigma * sigma) / Math.sqrt(n)));
      tf.dispose([coefficients, image]);
    });

    it('the same seed gives the same result; another seed another', async () => {
      const options = (seed: number): GradientMapOptions => ({ smoothGrad: { samples: 6, seed } });
      const first = await attributionValues('saliency', model, images, 2, options(1));
      expect(maxAbsDiff(first, await attributionValues('saliency', model, images, 2, options(1)))).to.equal(0);
      expect(maxAbsDiff(first, await attributionValues('saliency', model, images, 2, options(2)))).to.be.greaterThan(1e-6);
    });

    it('batched samples equal sample-by-sample evaluation, and a batch equals its examples alone', async () => {
      const options = (internalBatchSize: number): GradientMapOptions => ({ smoothGrad: { samples: 7, mode: 'vargrad', noiseLevel: 0.3 }, internalBatchSize });
      const oneByOne = await attributionValues('guided-backprop', model, images, [2, 0], options(1));
      expectAllClose(await attributionValues('guided-backprop', model, images, [2, 0], options(3)), oneByOne, 1e-9, 1e-4);
      expectAllClose(await attributionValues('guided-backprop', model, images, [2, 0], options(16)), oneByOne, 1e-9, 1e-4);
      const second = images.slice(1, 1);
      expectAllClose(await attributionValues('guided-backprop', model, second, 0, options(16)), oneByOne.slice(oneByOne.length / 2), 1e-9, 1e-4);
      second.dispose();
    });

    it('samples go through the model in batches of internalBatchSize rows, not one by one', async () => {
      const rows: number[] = [];
      const { model: quadratic, coefficients } = quadraticModel(9, 2);
      const counting: ModelFunction = (x) => {
        rows.push(x.shape[0]);
        return quadratic(x);
      };
      const image = tf.ones([1, 3, 3, 1]);
      await attributionValues('saliency', counting, image, 0, { smoothGrad: { samples: 20 }, internalBatchSize: 8 });
      // One row to count the classes, then 20 samples in 8 + 8 + 4.
      expect(rows).to.deep.equal([1, 8, 8, 4]);
      tf.dispose([coefficients, image]);
    });

    it('computeHeatmap with smoothGrad: true (the defaults) is a [0, 1] map', async () => {
      const image = images.slice(0, 1);
      const values = await expectNoLeak(async () => {
        const map = await registry.decoder<GradientMapOptions>('saliency')(model, { smoothGrad: true }).computeHeatmap(image, 1);
        const data = await map.data();
        expect(map.shape).to.deep.equal([8, 8]);
        map.dispose();
        return data;
      });
      expect(Math.min(...values)).to.be.closeTo(0, 1e-6);
      expect(Math.max(...values)).to.be.closeTo(1, 1e-6);
      image.dispose();
    });
  });
});
