import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { createRegistry } from '@tfxai/core';
import { integratedGradientsModule, type IntegratedGradientsOptions } from '@tfxai/integrated-gradients';
import { expectAllClose, expectNoLeak, forEachBackend, maxAbsDiff } from '@tfxai/test-utils';
import { seededImages, smallSoftmaxCnn } from './small-cnn.js';

const registry = createRegistry(integratedGradientsModule);

/**
 * A straightforward port of AUCMEDI's IntegratedGradients.compute_heatmap:
 * one model call per path point, slice for the class score, the trapezoid
 * mean in float64 on the host, max over channels, min-max.
 */
async function seedHeatmap(model: tf.LayersModel, image: tf.Tensor4D, classIndex: number, numSteps: number, eps = 1e-8): Promise<Float64Array> {
  const pixels = image.size;
  const grads: Float32Array[] = [];
  for (let step = 0; step <= numSteps; step++) {
    const point = image.mul(step / numSteps);
    const gradient = tf.grad((x: tf.Tensor) => (model.predict(x) as tf.Tensor2D).slice([0, classIndex], [1, 1]).sum())(point);
    grads.push((await gradient.data()) as Float32Array);
    tf.dispose([point, gradient]);
  }
  const x = await image.data();
  const ig = new Float64Array(pixels);
  for (let p = 0; p < pixels; p++) {
    let mean = 0;
    for (let k = 0; k < numSteps; k++) mean += (grads[k]![p]! + grads[k + 1]![p]!) / 2;
    ig[p] = x[p]! * (mean / numSteps);
  }
  const channels = image.shape[3];
  const map = new Float64Array(pixels / channels).map((_, i) => Math.max(...ig.subarray(i * channels, (i + 1) * channels)));
  const min = Math.min(...map);
  const max = Math.max(...map);
  return map.map((v) => (v - min) / (max - min + eps));
}

describe('Integrated Gradients on a softmax CNN', () => {
  forEachBackend(() => {
    let model: tf.LayersModel;
    let images: tf.Tensor4D;
    before(() => {
      model = smallSoftmaxCnn();
      images = seededImages(3);
    });
    after(() => {
      model.dispose();
      images.dispose();
    });
    const one = () => images.slice(0, 1) as tf.Tensor4D;

    it('computeHeatmap equals a one-point-at-a-time port of the seed to 1e-5', async () => {
      const image = one();
      const ig = registry.decoder<IntegratedGradientsOptions>('ig')(model);
      const heatmap = await expectNoLeak(async () => {
        const map = await ig.computeHeatmap(image, 1);
        const values = await map.data();
        expect(map.shape).to.deep.equal([12, 12]);
        map.dispose();
        return values;
      });
      const reference = await seedHeatmap(model, image, 1, 50);
      expectAllClose(heatmap, reference, 1e-5);
      expect(Math.min(...heatmap)).to.be.closeTo(0, 1e-6);
      expect(Math.max(...heatmap)).to.be.closeTo(1, 1e-6);
      image.dispose();
    });

    it('accepts (H, W, C) like (1, H, W, C)', async () => {
      const image = one();
      const squeezed = image.squeeze([0]);
      const ig = registry.decoder('IntegratedGradients')(model, { numSteps: 8 });
      const [a, b] = [await ig.computeHeatmap(image, 0), await ig.computeHeatmap(squeezed, 0)];
      expectAllClose(await a.data(), await b.data(), 1e-6);
      tf.dispose([a, b, image, squeezed]);
    });

    it('completeness: |delta| shrinks as steps grow and is small at 300 steps', async () => {
      const image = one();
      const deltas: number[] = [];
      for (const numSteps of [4, 20, 300]) {
        const { attributions, convergenceDelta } = await registry.decoder<IntegratedGradientsOptions>('ig')(model, { numSteps }).attribute!(image, 2);
        attributions.dispose();
        deltas.push(Math.abs(convergenceDelta![0]!));
      }
      expect(deltas[1]).to.be.below(deltas[0]!);
      expect(deltas[2]).to.be.below(deltas[1]!);
      expect(deltas[2]).to.be.below(0.005);
      image.dispose();
    });

    it('chunked evaluation equals unchunked', async () => {
      const results: Float32Array[] = [];
      for (const internalBatchSize of [1, 7, 51]) {
        const { attributions } = await registry.decoder<IntegratedGradientsOptions>('ig')(model, { internalBatchSize, baseline: ['zeros', 0.5] }).attribute!(images, [0, 1, 2]);
        results.push((await attributions.data()) as Float32Array);
        attributions.dispose();
      }
      const scale = Math.max(...results[0]!.map(Math.abs));
      expect(maxAbsDiff(results[0]!, results[1]!)).to.be.below(1e-5 * scale);
      expect(maxAbsDiff(results[0]!, results[2]!)).to.be.below(1e-5 * scale);
    });

    it('a batch equals per-image runs, with one target per image', async () => {
      const ig = registry.decoder<IntegratedGradientsOptions>('ig')(model, { numSteps: 10 });
      const targets = [2, 0, 1];
      const batched = await ig.attribute!(images, targets);
      const batchValues = await batched.attributions.data();
      for (let i = 0; i < 3; i++) {
        const image = images.slice(i, 1);
        const single = await ig.attribute!(image, targets[i]!);
        const part = batchValues.subarray(i * image.size, (i + 1) * image.size);
        expectAllClose(await single.attributions.data(), part, 1e-6, 1e-4);
        expect(single.convergenceDelta![0]).to.be.closeTo(batched.convergenceDelta![i]!, 1e-5);
        tf.dispose([image, single.attributions]);
      }
      batched.attributions.dispose();
    });

    it('seeded noise and blur baselines: reproducible, complete, and leak-free', async () => {
      for (const baseline of [{ type: 'uniform', seed: 3 } as const, 'blur' as const, { type: 'blur', sigma: 2 } as const]) {
        const ig = registry.decoder<IntegratedGradientsOptions>('ig')(model, { baseline, numSteps: 100 });
        const first = await expectNoLeak(() => ig.attribute!(images, 0), (r) => r.attributions.dispose());
        const second = await ig.attribute!(images, 0);
        const a = await second.attributions.data();
        second.attributions.dispose();
        expect(second.convergenceDelta).to.deep.equal(first.convergenceDelta);
        for (const delta of first.convergenceDelta!) expect(Math.abs(delta)).to.be.below(0.02);
        expect(a.some((v) => v !== 0)).to.equal(true);
      }
    });

    it('multiplyByInputs: false gives the path-averaged gradient itself', async () => {
      const image = one();
      const withInputs = await registry.decoder<IntegratedGradientsOptions>('ig')(model, { numSteps: 6 }).attribute!(image, 1);
      const without = await registry.decoder<IntegratedGradientsOptions>('ig')(model, { numSteps: 6, multiplyByInputs: false }).attribute!(image, 1);
      expect(without.convergenceDelta).to.equal(undefined);
      const product = tf.mul(without.attributions, image);
      expectAllClose(await withInputs.attributions.data(), await product.data(), 1e-7, 1e-5);
      tf.dispose([image, product, withInputs.attributions, without.attributions]);
    });

    it('channel reductions: sum, abs-sum and l2 follow their definitions', async () => {
      const image = one();
      const { attributions } = await registry.decoder<IntegratedGradientsOptions>('ig')(model, { numSteps: 6 }).attribute!(image, 1);
      const raw = await attributions.data();
      attributions.dispose();
      const definitions = {
        sum: (c: number[]) => c.reduce((a, b) => a + b),
        'abs-sum': (c: number[]) => c.reduce((a, b) => a + Math.abs(b), 0),
        l2: (c: number[]) => Math.sqrt(c.reduce((a, b) => a + b * b, 0)),
      };
      for (const [channelReduction, reduce] of Object.entries(definitions)) {
        const map = await registry.decoder<IntegratedGradientsOptions>('ig')(model, { numSteps: 6, channelReduction: channelReduction as 'sum' }).computeHeatmap(image, 1);
        const reduced = Array.from({ length: 144 }, (_, p) => reduce(Array.from(raw.subarray(p * 3, p * 3 + 3))));
        const [min, max] = [Math.min(...reduced), Math.max(...reduced)];
        expectAllClose(await map.data(), reduced.map((v) => (v - min) / (max - min + 1e-8)), 1e-5);
        map.dispose();
      }
      image.dispose();
    });
  });
});
