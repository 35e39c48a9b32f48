import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { createRegistry, seededRandom, type ModelFunction } from '@tfxai/core';
import { Lime, limeConModule, limeProModule, topSuperpixels, type LimeExplanation, type LimeOptions } from '@tfxai/perturbation';
import { expectAllClose, expectNoLeak, forEachBackend, maxAbsDiff } from '@tfxai/test-utils';
import { blockLabels, graphModelLike, hostSegmentMeans, labelRows, seededImage, segmentMeans, superpixelLinearModel } from './fixtures.js';

const registry = createRegistry(limeProModule, limeConModule);
/** With AUCMEDI's settings (fill 0, binary mask; the defaults are the mean colour and the weights map): the known values below are derived for them. */
const lime = (name: string, model: ModelFunction | tf.GraphModel, options?: LimeOptions) => registry.decoder<LimeOptions>(name)(model, { fill: 0, map: 'mask', ...options }) as Lime;

// A 16x16 image cut into 6 blocks of unequal size; the model is linear in the blocks' means.
const [H, W] = [16, 16];
const labels = blockLabels(H, W, [7], [5, 11]);
const weights = [3, -2, 1, -0.5, 0.25, -4];
const bias = 0.3;

/** Weighted ridge with unpenalised intercept by the augmented normal equations and Gauss-Jordan elimination (a test reference). */
function referenceRidge(x: number[][], y: number[], w: number[], alpha: number): { coefficients: number[]; intercept: number } {
  const d = x[0]!.length + 1; // column 0 is the intercept
  const a = Array.from({ length: d }, () => new Array<number>(d + 1).fill(0));
  x.forEach((row, i) => {
    const features = [1, ...row];
    for (let r = 0; r < d; r++) {
      for (let c = 0; c < d; c++) a[r]![c]! += w[i]! * features[r]! * features[c]!;
      a[r]![d]! += w[i]! * features[r]! * y[i]!;
    }
  });
  for (let j = 1; j < d; j++) a[j]![j]! += alpha;
  for (let col = 0; col < d; col++) {
    const pivot = a.slice(col).reduce((best, row, i) => (Math.abs(row[col]!) > Math.abs(a[best]![col]!) ? col + i : best), col);
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    for (let r = 0; r < d; r++) {
      if (r === col) continue;
      const factor = a[r]![col]! / a[col]![col]!;
      for (let c = col; c <= d; c++) a[r]![c]! -= factor * a[col]![c]!;
    }
  }
  const solution = a.map((row, i) => row[d]! / row[i]!);
  return { intercept: solution[0]!, coefficients: solution.slice(1) };
}

async function explain(method: Lime, image: tf.Tensor, classIndex: number): Promise<LimeExplanation> {
  return expectNoLeak(() => method.explain(image, classIndex));
}

async function heatmapValues(method: Lime, image: tf.Tensor, classIndex: number): Promise<Float32Array> {
  return expectNoLeak(async () => {
    const map = await method.computeHeatmap(image, classIndex);
    expect(map.shape).to.deep.equal([H, W]);
    const values = await map.data<'float32'>();
    map.dispose();
    return values;
  });
}

describe('LIME: choosing the superpixels of the mask', () => {
  it('keeps, by decreasing |weight|, those of the right sign above minWeight, at most numFeatures', () => {
    const w = [0.5, -3, 2, -0.1, 4, 0.05];
    expect(topSuperpixels(w, 'pro', 5)).to.deep.equal([4, 2, 0, 5]);
    expect(topSuperpixels(w, 'pro', 2)).to.deep.equal([4, 2]);
    expect(topSuperpixels(w, 'con', 5)).to.deep.equal([1, 3]);
    expect(topSuperpixels(w, 'pro', 5, 0.4)).to.deep.equal([4, 2, 0]);
    expect(topSuperpixels([-1, -2], 'pro', 5)).to.deep.equal([]);
  });
});

describe('LIME on a model that is linear in its superpixels', () => {
  forEachBackend(() => {
    let image: tf.Tensor4D;
    let trueWeights: number[]; // the score change of showing superpixel k: w_k * mean_k (fill 0)
    const model = superpixelLinearModel(labels, weights, bias);
    before(async () => {
      image = seededImage(H, W, 3, 7);
      trueWeights = hostSegmentMeans(await image.data<'float32'>(), labels, 6, 3).map((m, k) => m * weights[k]!);
    });
    after(() => image.dispose());

    it('recovers the true weights and intercept exactly without the ridge penalty, for the class asked for', async () => {
      for (const [classIndex, sign] of [[0, 1], [1, -1]] as const) {
        const e = await explain(lime('lime-pro', model, { segmentation: labelRows(labels, W), ridgeAlpha: 0, numSamples: 60 }), image, classIndex);
        expect(e.segmentation.count).to.equal(6);
        expectAllClose(e.weights, trueWeights.map((w) => sign * w), 1e-4);
        expect(e.intercept).to.be.closeTo(sign * bias, 1e-4);
        expect(e.score).to.be.closeTo(1, 1e-6);
        expect(e.prediction).to.be.closeTo(sign * (bias + trueWeights.reduce((a, b) => a + b, 0)), 1e-4);
        expect(e.localPrediction).to.be.closeTo(e.prediction, 1e-4);
        expect(e.classIndex).to.equal(classIndex);
      }
    });

    it("with lime's ridge (alpha 1) and AUCMEDI's 1000 samples, the weights shrink only slightly", async () => {
      const labelTensor = tf.tensor2d(labels, [H, W], 'int32');
      const e = await explain(lime('lime-pro', model, { segmentation: labelTensor }), image, 0);
      expectAllClose(e.weights, trueWeights, 0.02, 0.05);
      // Ridge shrinks towards zero: no weight grows in magnitude.
      e.weights.forEach((w, k) => expect(Math.abs(w)).to.be.at.most(Math.abs(trueWeights[k]!) + 1e-6));
      labelTensor.dispose();
    });

    it('Pro and Con masks are the top positive / negative superpixels; map "weights" paints the weights', async () => {
      const options = { segmentation: labelRows(labels, W), ridgeAlpha: 0, numSamples: 40, numFeatures: 2 };
      const painted = (segments: number[]) => Array.from(labels, (l) => (segments.includes(l) ? 1 : 0));
      const byPositive = [0, 1, 2, 3, 4, 5].filter((k) => trueWeights[k]! > 0).sort((a, b) => trueWeights[b]! - trueWeights[a]!);
      const byNegative = [0, 1, 2, 3, 4, 5].filter((k) => trueWeights[k]! < 0).sort((a, b) => trueWeights[a]! - trueWeights[b]!);
      expect(await heatmapValues(lime('lp', model, options), image, 0)).to.deep.equal(Float32Array.from(painted(byPositive.slice(0, 2))));
      expect(await heatmapValues(lime('LimeCon', model, options), image, 0)).to.deep.equal(Float32Array.from(painted(byNegative.slice(0, 2))));
      // Explaining class 1 (= -class 0) swaps the roles.
      expect(await heatmapValues(lime('lime-pro', model, options), image, 1)).to.deep.equal(Float32Array.from(painted(byNegative.slice(0, 2))));
      const [min, max] = [Math.min(...trueWeights), Math.max(...trueWeights)];
      const expectedPro = Array.from(labels, (l) => (trueWeights[l]! - min) / (max - min));
      expectAllClose(await heatmapValues(lime('lime-pro', model, { ...options, map: 'weights' }), image, 0), expectedPro, 1e-4);
      const expectedCon = Array.from(labels, (l) => (max - trueWeights[l]!) / (max - min));
      expectAllClose(await heatmapValues(lime('lime-con', model, { ...options, map: 'weights' }), image, 0), expectedCon, 1e-4);
    });

    it("matches a reference LIME written here: lime's samples, cosine kernel and weighted ridge normal equations", async () => {
      // The samples are drawn as lime does (first all on, then a coin per superpixel) from the seeded generator;
      // everything else is recomputed on the host: scores, kernel, ridge.
      const means = hostSegmentMeans(await image.data<'float32'>(), labels, 6, 3);
      const hostScore = (z: number[]) => 1 / (1 + Math.exp(-z.reduce((acc, on, k) => acc + on * weights[k]! * means[k]!, 0)));
      const nonLinear: ModelFunction = (x) => tf.tidy(() => tf.sigmoid(segmentMeans(x, labels, 6).mul(tf.tensor1d(weights)).sum(1, true)).concat(tf.zeros([x.shape[0], 1]), 1));
      const [numSamples, kernelWidth, alpha, seed] = [80, 0.4, 0.5, 5];
      const random = seededRandom(seed);
      // Row 0 is all on and draws nothing; each later row draws one coin per superpixel, in order.
      const samples = Array.from({ length: numSamples }, (_, i) => Array.from({ length: 6 }, () => (i === 0 ? 1 : random() < 0.5 ? 1 : 0)));
      const y = samples.map(hostScore);
      const cosineDistance = (z: number[]) => {
        const dot = z.reduce((a, b) => a + b, 0);
        const norm = Math.sqrt(z.reduce((a, b) => a + b * b, 0)) * Math.sqrt(6);
        return norm === 0 ? 1 : 1 - dot / norm;
      };
      const kernel = samples.map((z) => Math.sqrt(Math.exp(-(cosineDistance(z) ** 2) / kernelWidth ** 2)));
      const expected = referenceRidge(samples, y, kernel, alpha);
      const e = await explain(lime('lime-pro', nonLinear, { segmentation: labelRows(labels, W), numSamples, kernelWidth, ridgeAlpha: alpha, seed }), image, 0);
      expectAllClose(e.weights, expected.coefficients, 1e-5);
      expect(e.intercept).to.be.closeTo(expected.intercept, 1e-5);
    });

    it('the same seed gives the same weights, another seed other samples; batching equals unbatched', async () => {
      // A non-linear model, so that the fit depends on the samples drawn.
      const nonLinear: ModelFunction = (x) => tf.tidy(() => tf.sigmoid(segmentMeans(x, labels, 6).mul(tf.tensor1d(weights)).sum(1, true)).concat(tf.zeros([x.shape[0], 1]), 1));
      const options = { segmentation: labelRows(labels, W), numSamples: 50, seed: 11 };
      const a = await explain(lime('lime-pro', nonLinear, { ...options, batchSize: 50 }), image, 0);
      const b = await explain(lime('lime-pro', nonLinear, { ...options, batchSize: 1 }), image, 0);
      const c = await explain(lime('lime-pro', graphModelLike(nonLinear, H, W, 3), { ...options, batchSize: 7 }), image, 0);
      const d = await explain(lime('lime-pro', nonLinear, { ...options, seed: 12 }), image, 0);
      expectAllClose(b.weights, a.weights, 1e-6);
      expectAllClose(c.weights, a.weights, 1e-6);
      expect(maxAbsDiff(d.weights, a.weights)).to.be.above(1e-4);
    });

    it('samples hide superpixels with the fill: 0 by default, a constant, or each superpixel\'s mean', async () => {
      // With fill v, hiding superpixel k moves its mean from m_k to v: weight w_k (m_k - v).
      const means = hostSegmentMeans(await image.data<'float32'>(), labels, 6, 3);
      const e = await explain(lime('lime-pro', model, { segmentation: labelRows(labels, W), ridgeAlpha: 0, numSamples: 40, fill: 0.25 }), image, 0);
      expectAllClose(e.weights, means.map((m, k) => weights[k]! * (m - 0.25)), 1e-4);
      // 'segment-mean' hides nothing this model can see: every weight is zero.
      const s = await explain(lime('lime-pro', model, { segmentation: labelRows(labels, W), ridgeAlpha: 0, numSamples: 40, fill: 'segment-mean' }), image, 0);
      expectAllClose(s.weights, new Array(6).fill(0), 1e-4);
    });

    it('segments with SLIC by default and runs end to end (AUCMEDI\'s binary mask), leaving no tensor behind', async () => {
      const small = seededImage(12, 12, 3, 1);
      const values = await expectNoLeak(async () => {
        const map = await lime('lime-pro', (x) => tf.sum(x, [1, 2]), { numSamples: 20, segmentation: { nSegments: 4 } }).computeHeatmap(small, 0);
        const data = await map.data();
        map.dispose();
        return data;
      });
      expect(values.every((v) => v === 0 || v === 1)).to.equal(true);
      small.dispose();
    });
  });
});
