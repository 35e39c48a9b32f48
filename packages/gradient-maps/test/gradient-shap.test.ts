import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { createRegistry, sampleNoise, targetSelector, type AttributionResult, type ModelFunction } from '@tfxai/core';
import { gradientShapModule, gradientShapSamples, type GradientShapOptions } from '@tfxai/gradient-maps';
import { integratedGradientsModule } from '@tfxai/integrated-gradients';
import { expectAllClose, expectNoLeak, forEachBackend, maxAbsDiff, testBackends, useBackend } from '@tfxai/test-utils';
import { linearModel, quadraticModel, seededImages, smoothSoftmaxCnn } from './models.js';

const registry = createRegistry(gradientShapModule, integratedGradientsModule);

async function run(name: string, model: tf.LayersModel | ModelFunction, images: tf.Tensor, target: number | number[], options?: object): Promise<{ values: Float32Array; delta: number[] | undefined }> {
  return expectNoLeak(async () => {
    const { attributions, convergenceDelta }: AttributionResult = await registry.decoder(name)(model, options).attribute!(images, target);
    const values = (await attributions.data()) as Float32Array;
    attributions.dispose();
    return { values, delta: convergenceDelta };
  });
}

/**
 * GradientSHAP written out sample by sample: for each draw, the noisy input, the
 * baseline, one point on the path, its gradient (one row per tf.grad), times (x~ - b).
 */
async function slowReference(model: tf.LayersModel, image: tf.Tensor4D, baselines: tf.Tensor4D[], target: number, numSamples: number, stdev: number, seed: number): Promise<number[]> {
  const sum = new Float64Array(image.size);
  const samples = gradientShapSamples(seed, numSamples, baselines.length);
  for (let s = 0; s < numSamples; s++) {
    const { alpha, baselineIndex } = samples[s]!;
    const [gradient, difference] = tf.tidy(() => {
      const noisy = image.add(sampleNoise(image.shape, seed, s).mul(stdev));
      const difference = noisy.sub(baselines[baselineIndex]!);
      const point = baselines[baselineIndex]!.add(difference.mul(alpha));
      const score = (x: tf.Tensor) => (model.predict(x) as tf.Tensor2D).mul(targetSelector([target], 3)).sum();
      return [tf.grad(score)(point), difference];
    });
    const [g, d] = [await gradient.data(), await difference.data()];
    tf.dispose([gradient, difference]);
    for (let i = 0; i < sum.length; i++) sum[i]! += (g[i]! * d[i]!) / numSamples;
  }
  return Array.from(sum);
}

describe('GradientSHAP', () => {
  it('the same seed gives the same attributions on every backend (GradientSHAP and SmoothGrad noise is drawn on the host)', async () => {
    const results: Float32Array[] = [];
    for (const backend of testBackends()) {
      await useBackend(backend);
      const model = smoothSoftmaxCnn();
      const image = seededImages([1, 6, 6, 2], 43);
      const baselines = [tf.zeros([6, 6, 2]), { type: 'uniform' as const, seed: 8 }];
      results.push((await run('gradient-shap', model, image, 1, { baseline: baselines, numSamples: 6, seed: 12 })).values);
      model.dispose();
      tf.dispose([image, baselines[0] as tf.Tensor]);
    }
    expect(results.length).to.be.at.least(2);
    for (const other of results.slice(1)) expectAllClose(other, results[0]!, 1e-6, 1e-4);
  });

  forEachBackend(() => {
    it('equals Integrated Gradients on a linear model with a zero baseline and no noise (w * x, delta 0)', async () => {
      const { model, weights, w } = linearModel(12, 3);
      const input = tf.tensor4d(Array.from({ length: 24 }, (_, i) => Math.sin(i) + 0.5), [2, 2, 2, 3]);
      const shap = await run('gradient-shap', model, input, [2, 0], { stdevs: 0, numSamples: 5 });
      const ig = await run('ig', model, input, [2, 0]);
      expectAllClose(shap.values, ig.values, 1e-5);
      const x = await input.data();
      expectAllClose(shap.values, Array.from(x, (v, i) => v * w[(i % 12) * 3 + (i < 12 ? 2 : 0)]!), 1e-5);
      expectAllClose(shap.delta!, [0, 0], 1e-4);
      tf.dispose([weights, input]);
    });

    it('on a quadratic model with no noise: exactly 2 a x^2 * mean(alpha) for the drawn alphas, close to IG (a x^2), and the delta says by how much', async () => {
      const { model, coefficients, a } = quadraticModel(8, 2);
      const x = Array.from({ length: 8 }, (_, i) => Math.cos(i) + 0.1);
      const input = tf.tensor4d(x, [1, 2, 2, 2]);
      const numSamples = 200;
      const meanAlpha = gradientShapSamples(9, numSamples, 1).reduce((s, d) => s + d.alpha, 0) / numSamples;
      const shap = await run('gradient-shap', model, input, 1, { stdevs: 0, numSamples, seed: 9, internalBatchSize: 32 });
      const expected = x.map((xi, i) => 2 * a[1]![i]! * xi * xi * meanAlpha);
      expectAllClose(shap.values, expected, 1e-5, 1e-5);
      // Completeness gap: sum(attributions) - (F(x) - F(0)) = (2 mean(alpha) - 1) F(x).
      const fx = x.reduce((s, xi, i) => s + a[1]![i]! * xi * xi, 0);
      expect(shap.delta![0]).to.be.closeTo((2 * meanAlpha - 1) * fx, 1e-4);
      // Monte-Carlo alphas over 200 samples: within a few percent of the exact integral.
      const ig = await run('ig', model, input, 1, { numSteps: 64 });
      expect(Math.abs(meanAlpha - 0.5)).to.be.below(0.06);
      expectAllClose(shap.values, ig.values, 1e-4, 0.15);
      tf.dispose([coefficients, input]);
    });

    describe('on a CNN with two baselines and input noise', () => {
      let model: tf.LayersModel;
      let image: tf.Tensor4D;
      let baselines: tf.Tensor4D[];
      before(() => {
        model = smoothSoftmaxCnn();
        image = seededImages([1, 6, 6, 2], 41);
        baselines = [tf.zeros([1, 6, 6, 2]), seededImages([1, 6, 6, 2], 42)];
      });
      after(() => {
        model.dispose();
        tf.dispose([image, ...baselines]);
      });
      const options = (overrides: Partial<GradientShapOptions> = {}): GradientShapOptions => ({ baseline: baselines, numSamples: 12, stdevs: 0.2, seed: 3, internalBatchSize: 5, ...overrides });

      it('equals a sample-by-sample reference computation', async () => {
        const shap = await run('gradient-shap', model, image, 2, options());
        const reference = await slowReference(model, image, baselines, 2, 12, 0.2, 3);
        expectAllClose(shap.values, reference, 1e-6, 1e-4);
        // Both baselines were drawn, so the baseline choice is exercised.
        expect(new Set(gradientShapSamples(3, 12, 2).map((s) => s.baselineIndex)).size).to.equal(2);
      });

      it('is deterministic per seed (also across internalBatchSize), and another seed differs', async () => {
        const first = await run('gradient-shap', model, image, 0, options());
        expect(maxAbsDiff(first.values, (await run('gradient-shap', model, image, 0, options())).values)).to.equal(0);
        expectAllClose((await run('gradient-shap', model, image, 0, options({ internalBatchSize: 12 }))).values, first.values, 1e-7, 1e-4);
        expect(maxAbsDiff(first.values, (await run('gradient-shap', model, image, 0, options({ seed: 4 }))).values)).to.be.greaterThan(1e-5);
      });

      it('the convergence delta matches sum(attributions) - mean(F(x~) - F(b)) recomputed from the draws', async () => {
        const shap = await run('gradient-shap', model, image, 1, options());
        const samples = gradientShapSamples(3, 12, 2);
        const gaps = tf.tidy(() => {
          const noisy = tf.concat(samples.map((_, s) => image.add(sampleNoise(image.shape, 3, s).mul(0.2))));
          const chosen = tf.concat(samples.map((s) => baselines[s.baselineIndex]!));
          const score = (x: tf.Tensor) => (model.predict(x) as tf.Tensor2D).slice([0, 1], [samples.length, 1]);
          return score(noisy).sub(score(chosen)).mean();
        });
        const expected = shap.values.reduce((s, v) => s + v, 0) - (await gaps.data())[0]!;
        gaps.dispose();
        expect(shap.delta![0]).to.be.closeTo(expected, 1e-5);
      });

      it("output: 'logits' equals GradientSHAP of the same CNN built without its softmax", async () => {
        const logitsTwin = smoothSoftmaxCnn(3, 'linear');
        const viaOption = await run('gradient-shap', model, image, 2, options({ output: 'logits' }));
        const direct = await run('gradient-shap', logitsTwin, image, 2, options());
        expectAllClose(viaOption.values, direct.values, 1e-6, 1e-5);
        expectAllClose(viaOption.delta!, direct.delta!, 1e-5);
        logitsTwin.dispose();
      });

      it('computeHeatmap is a [0, 1] map of the signed channel maximum', async () => {
        const shap = await run('gradient-shap', model, image, 1, options());
        const map = Array.from({ length: 36 }, (_, p) => Math.max(shap.values[2 * p]!, shap.values[2 * p + 1]!));
        const [min, max] = [Math.min(...map), Math.max(...map)];
        const heatmap = await expectNoLeak(async () => {
          const result = await registry.decoder('GradientSHAP')(model, options()).computeHeatmap(image, 1);
          const values = await result.data();
          result.dispose();
          return values;
        });
        expectAllClose(heatmap, map.map((v) => (v - min) / (max - min + 1e-8)), 1e-5);
      });
    });
  });
});
