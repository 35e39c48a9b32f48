import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { createRegistry, seededRandom, type ModelFunction } from '@tfxai/core';
import {
  KernelShap,
  enumerateCoalitions,
  kernelShapBudget,
  kernelShapModule,
  sampleCoalitions,
  shapleyKernelWeight,
  type KernelShapExplanation,
  type KernelShapOptions,
} from '@tfxai/perturbation';
import { expectAllClose, expectNoLeak, forEachBackend, maxAbsDiff } from '@tfxai/test-utils';
import { blockLabels, graphModelLike, hostSegmentMeans, labelRows, seededImage, segmentMeans, superpixelLinearModel } from './fixtures.js';
import { bruteForceShapley } from './brute-force-shapley.js';

const registry = createRegistry(kernelShapModule);
/** With AUCMEDI's fill 0 (the default is the image's mean colour): the known values below are derived for it. */
const kernelShap = (model: ModelFunction | tf.GraphModel, options?: KernelShapOptions) => registry.decoder<KernelShapOptions>('kernel-shap')(model, { fill: 0, ...options }) as KernelShap;

function explain(method: KernelShap, image: tf.Tensor, classIndex: number): Promise<KernelShapExplanation> {
  return expectNoLeak(() => method.explain(image, classIndex));
}

describe('KernelSHAP: the Shapley kernel and the coalitions', () => {
  it('kernel weights as the formula gives them by hand', () => {
    expect(shapleyKernelWeight(4, 1)).to.be.closeTo(3 / (4 * 1 * 3), 1e-12);
    expect(shapleyKernelWeight(4, 2)).to.be.closeTo(3 / (6 * 2 * 2), 1e-12);
    expect(shapleyKernelWeight(5, 0)).to.equal(Infinity);
    expect(shapleyKernelWeight(5, 5)).to.equal(Infinity);
  });

  it('enumeration lists the 2^M - 2 proper coalitions once each', () => {
    const { coalitions, weights } = enumerateCoalitions(5);
    expect(coalitions.length).to.equal(30);
    expect(new Set(coalitions.map((z) => z.join(''))).size).to.equal(30);
    coalitions.forEach((z, i) => expect(weights[i]).to.equal(shapleyKernelWeight(5, z.reduce((a, b) => a + b, 0))));
  });

  it("shap's sampling: total weight 1, paired sizes enumerated first, seeded, and the full budget reproduces the kernel", () => {
    const m = 10;
    const sampled = sampleCoalitions(m, 100, seededRandom(3));
    expect(sampled.coalitions.length).to.equal(100);
    expect(sampled.weights.reduce((a, b) => a + b, 0)).to.be.closeTo(1, 1e-12);
    // Sizes 1 and 9 (20 coalitions) fit the budget at their share of the kernel weight: they come first, complete.
    const firstTwenty = sampled.coalitions.slice(0, 20).map((z) => z.reduce((a, b) => a + b, 0));
    expect(firstTwenty.filter((s) => s === 1).length).to.equal(10);
    expect(firstTwenty.filter((s) => s === 9).length).to.equal(10);
    const again = sampleCoalitions(m, 100, seededRandom(3));
    expect(again.coalitions.map((z) => z.join(''))).to.deep.equal(sampled.coalitions.map((z) => z.join('')));
    expect(sampleCoalitions(m, 100, seededRandom(4)).coalitions.map((z) => z.join(''))).to.not.deep.equal(sampled.coalitions.map((z) => z.join('')));
    // With room for every coalition, the scheme enumerates them all with weights proportional to the kernel.
    const full = sampleCoalitions(6, 62, seededRandom(0));
    expect(full.coalitions.length).to.equal(62);
    const scale = full.weights[0]! / shapleyKernelWeight(6, full.coalitions[0]!.reduce((a, b) => a + b, 0));
    full.coalitions.forEach((z, i) => expect(full.weights[i]).to.be.closeTo(scale * shapleyKernelWeight(6, z.reduce((a, b) => a + b, 0)), 1e-12));
  });

  it("the budget: shap's 2 M + 2048 by default, capped at 2^M - 2", () => {
    expect(kernelShapBudget('auto', 50)).to.equal(2148);
    expect(kernelShapBudget('auto', 8)).to.equal(254);
    expect(kernelShapBudget(100, 20)).to.equal(100);
  });
});

describe('KernelSHAP on models with known Shapley values', () => {
  forEachBackend(() => {
    const [H, W] = [16, 16];
    const labels = blockLabels(H, W, [7], [5, 11]); // 6 superpixels
    const weights = [3, -2, 1, -0.5, 0.25, -4];
    let image: tf.Tensor4D;
    let means: number[];
    before(async () => {
      image = seededImage(H, W, 3, 7);
      means = hostSegmentMeans(await image.data<'float32'>(), labels, 6, 3);
    });
    after(() => image.dispose());

    it('a model linear in its superpixels: phi_k = w_k * mean_k, sampled or enumerated, for either class', async () => {
      const model = superpixelLinearModel(labels, weights, 0.3);
      const truth = means.map((m, k) => m * weights[k]!);
      for (const numSamples of [20, 'auto'] as const) {
        for (const [classIndex, sign] of [[0, 1], [1, -1]] as const) {
          const e = await explain(kernelShap(model, { segmentation: labelRows(labels, W), numSamples }), image, classIndex);
          expect(e.exact).to.equal(numSamples === 'auto');
          expect(e.numEvaluations).to.equal(numSamples === 'auto' ? 63 : 21);
          expectAllClose(e.shapValues, truth.map((t) => sign * t), 1e-4);
          expect(e.baseValue).to.be.closeTo(sign * 0.3, 1e-5);
        }
      }
    });

    it('full enumeration equals the exact Shapley values of a non-linear 4-superpixel model (brute force)', async () => {
      const quadrants = blockLabels(H, W, [8], [8]);
      const m4 = hostSegmentMeans(await image.data<'float32'>(), quadrants, 4, 3);
      // F = sigmoid(3 s0 - 2 s1 + 2 s2 - s3) + 2 s0 s1 s2, s_k the mean of quadrant k (0 when hidden):
      // interactions of three and four superpixels, where only the Shapley kernel gives the Shapley values.
      const model: ModelFunction = (x) =>
        tf.tidy(() => {
          const [s0, s1, s2, s3] = tf.split(segmentMeans(x, quadrants, 4), 4, 1) as tf.Tensor2D[];
          return tf.sigmoid(s0!.mul(3).sub(s1!.mul(2)).add(s2!.mul(2)).sub(s3!)).add(s0!.mul(s1!).mul(s2!).mul(2));
        });
      const value = (z: number[]) => {
        const s = z.map((on, k) => on * m4[k]!);
        return 1 / (1 + Math.exp(-(3 * s[0]! - 2 * s[1]! + 2 * s[2]! - s[3]!))) + 2 * s[0]! * s[1]! * s[2]!;
      };
      const e = await explain(kernelShap(model, { segmentation: tf.tensor2d(quadrants, [H, W], 'int32') }), image, 0);
      expect(e.exact).to.equal(true);
      expectAllClose(e.shapValues, bruteForceShapley(4, value), 1e-5);
      expect(e.prediction).to.be.closeTo(value([1, 1, 1, 1]), 1e-5);
      expect(e.baseValue).to.be.closeTo(value([0, 0, 0, 0]), 1e-6);
    });

    it('one and two superpixels: exact values by enumeration (phi = F(x) - F(none) for one)', async () => {
      const halves = blockLabels(H, W, [], [6]);
      const m2 = hostSegmentMeans(await image.data<'float32'>(), halves, 2, 3);
      const model: ModelFunction = (x) => tf.tidy(() => segmentMeans(x, halves, 2).prod(1, true).add(segmentMeans(x, halves, 2).sum(1, true)));
      const value = (z: number[]) => (z[0]! * m2[0]!) * (z[1]! * m2[1]!) + z[0]! * m2[0]! + z[1]! * m2[1]!;
      const two = await explain(kernelShap(model, { segmentation: labelRows(halves, W) }), image, 0);
      expect(two.exact).to.equal(true);
      expectAllClose(two.shapValues, bruteForceShapley(2, value), 1e-5);
      const one = await explain(kernelShap(model, { segmentation: labelRows(new Int32Array(H * W).fill(7), W) }), image, 0);
      expect(one.segmentation.count).to.equal(1);
      expect(one.numEvaluations).to.equal(1);
      expect(one.shapValues[0]).to.be.closeTo(value([1, 1]) - value([0, 0]), 1e-5);
    });

    it('efficiency: with sampling the values still sum to F(x) - F(all hidden), computed independently', async () => {
      const labels12 = blockLabels(24, 20, [8, 16], [5, 10, 15]);
      const big = seededImage(24, 20, 3, 19);
      const m12 = hostSegmentMeans(await big.data<'float32'>(), labels12, 12, 3);
      const w12 = Array.from({ length: 12 }, (_, k) => Math.sin(k + 1) * 2);
      const model: ModelFunction = (x) => tf.tidy(() => tf.tanh(segmentMeans(x, labels12, 12).mul(tf.tensor1d(w12)).sum(1, true)).square());
      const value = (z: number[]) => Math.tanh(z.reduce((acc, on, k) => acc + on * w12[k]! * m12[k]!, 0)) ** 2;
      const e = await explain(kernelShap(model, { segmentation: tf.tensor2d(labels12, [24, 20], 'int32'), numSamples: 100, seed: 2 }), big, 0);
      expect(e.exact).to.equal(false);
      expect(e.numEvaluations).to.equal(101);
      expect(e.shapValues.reduce((a, b) => a + b, 0)).to.be.closeTo(value(new Array(12).fill(1)) - value(new Array(12).fill(0)), 1e-5);
      big.dispose();
    });

    it('sampling approaches the exact values (8 superpixels, 160 of 254 coalitions)', async () => {
      const labels8 = blockLabels(H, W, [8], [4, 8, 12]);
      const m8 = hostSegmentMeans(await image.data<'float32'>(), labels8, 8, 3);
      const w8 = [1.5, -1, 2, 0.5, -2, 1, -0.5, 0.8];
      const model: ModelFunction = (x) => tf.tidy(() => tf.sigmoid(segmentMeans(x, labels8, 8).mul(tf.tensor1d(w8)).sum(1, true)));
      const value = (z: number[]) => 1 / (1 + Math.exp(-z.reduce((acc, on, k) => acc + on * w8[k]! * m8[k]!, 0)));
      const exact = bruteForceShapley(8, value);
      const e = await explain(kernelShap(model, { segmentation: labelRows(labels8, W), numSamples: 160, seed: 1 }), image, 0);
      expect(e.exact).to.equal(false);
      expect(maxAbsDiff(e.shapValues, exact)).to.be.below(0.03 * Math.max(...exact.map(Math.abs)));
    });

    it('the same seed gives the same values; batching and a graph-model look-alike change nothing', async () => {
      const labels8 = blockLabels(H, W, [8], [4, 8, 12]);
      const model: ModelFunction = (x) => tf.tidy(() => tf.sigmoid(segmentMeans(x, labels8, 8).mul(tf.tensor1d([1, -2, 3, -1, 2, -3, 1, 0.5])).sum(1, true)).square());
      const options = { segmentation: labelRows(labels8, W), numSamples: 40, seed: 9 };
      const a = await explain(kernelShap(model, { ...options, batchSize: 64 }), image, 0);
      const b = await explain(kernelShap(model, { ...options, batchSize: 1 }), image, 0);
      const c = await explain(kernelShap(graphModelLike(model, H, W, 3), { ...options, batchSize: 6 }), image, 0);
      const d = await explain(kernelShap(model, { ...options, seed: 10 }), image, 0);
      expectAllClose(b.shapValues, a.shapValues, 1e-6);
      expectAllClose(c.shapValues, a.shapValues, 1e-6);
      expect(maxAbsDiff(d.shapValues, a.shapValues)).to.be.above(1e-5);
    });

    it('attribute spreads each value over its pixels: per-image sums give F(x) - F(all hidden), delta ~ 0', async () => {
      const model = superpixelLinearModel(labels, weights, 0.3);
      const second = seededImage(H, W, 3, 8);
      const batch = tf.concat([image, second]);
      const result = await expectNoLeak(
        async () => {
          const r = await kernelShap(model, { segmentation: labelRows(labels, W), numSamples: 20 }).attribute(batch, [0, 1]);
          const sums = tf.sum(r.attributions, [1, 2, 3]);
          const values = { sums: await sums.data(), first: (await r.attributions.data())[0]!, shape: r.attributions.shape, delta: r.convergenceDelta!, owned: r.attributions };
          sums.dispose();
          return values;
        },
        (r) => r.owned.dispose(),
      );
      expect(result.shape).to.deep.equal([2, H, W, 3]);
      const m2 = hostSegmentMeans(await second.data<'float32'>(), labels, 6, 3);
      const totals = [means.reduce((acc, m, k) => acc + weights[k]! * m, 0), -m2.reduce((acc, m, k) => acc + weights[k]! * m, 0)];
      expectAllClose(result.sums, totals, 1e-4);
      result.delta.forEach((d) => expect(Math.abs(d)).to.be.below(1e-6));
      // Pixel (0, 0) is in block 0 of 7 x 5 pixels: its share of phi_0 per channel.
      expect(result.first).to.be.closeTo((weights[0]! * means[0]!) / (35 * 3), 1e-5);
      tf.dispose([second, batch]);
    });

    it("computeHeatmap paints the values: 'signed', 'absolute' and 'positive', min-max normalised", async () => {
      const model = superpixelLinearModel(labels, weights, 0.3);
      const truth = means.map((m, k) => m * weights[k]!);
      for (const [map, shown] of [['signed', truth], ['absolute', truth.map(Math.abs)], ['positive', truth.map((t) => Math.max(0, t))]] as const) {
        const values = await expectNoLeak(async () => {
          const heat = await kernelShap(model, { segmentation: labelRows(labels, W), map }).computeHeatmap(image, 0);
          const data = await heat.data();
          heat.dispose();
          return data;
        });
        const [min, max] = [Math.min(...shown), Math.max(...shown)];
        expectAllClose(values, Array.from(labels, (l) => (shown[l]! - min) / (max - min)), 1e-4);
      }
    });
  });
});
