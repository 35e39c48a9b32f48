import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { InvalidOptionError, createRegistry, type ModelFunction } from '@tfxai/core';
import { KernelShap, Lime, kernelShapModule, limeConModule, limeProModule, type KernelShapOptions, type LimeOptions } from '@tfxai/perturbation';
import { expectAllClose, expectNoLeak, expectNoLeakOnThrow, forEachBackend, useBackend } from '@tfxai/test-utils';
import { hostSegmentMeans } from './fixtures.js';
import { boxLabels, labelSlices, seededVolume, supervoxelLinearModel, volumeSegmentMeans } from './volume-fixtures.js';

const registry = createRegistry(limeProModule, limeConModule, kernelShapModule);
const lime = (model: ModelFunction, options?: LimeOptions) => registry.decoder<LimeOptions>('lime-pro')(model, options) as Lime;
const kernelShap = (model: ModelFunction, options?: KernelShapOptions) => registry.decoder<KernelShapOptions>('kernel-shap')(model, options) as KernelShap;

// A non-cubic volume with 2 channels, cut into 6 boxes of unequal size.
const [D, H, W, C] = [6, 8, 10, 2];
const labels = boxLabels(D, H, W, [3], [], [4, 7]);
const M = 6;

/** Exact Shapley values by the definition: phi_i = sum over S without i of |S|! (M - |S| - 1)! / M! (v(S + i) - v(S)). */
function bruteForceShapley(m: number, value: (coalition: number[]) => number): number[] {
  const factorial = (n: number): number => (n <= 1 ? 1 : n * factorial(n - 1));
  const phi = new Array<number>(m).fill(0);
  for (let bits = 0; bits < 2 ** m; bits++) {
    const z = Array.from({ length: m }, (_, k) => (bits >> k) & 1);
    const size = z.reduce((a, b) => a + b, 0);
    for (let i = 0; i < m; i++) {
      if (z[i]) continue;
      const withI = [...z];
      withI[i] = 1;
      phi[i]! += ((factorial(size) * factorial(m - size - 1)) / factorial(m)) * (value(withI) - value(z));
    }
  }
  return phi;
}

/** F = sigmoid(3 s0 - 2 s1 + s2 - s4) + 2 s0 s1 s2 + s3 s5 of the supervoxel means s_k: interactions up to three supervoxels. */
const nonLinear: ModelFunction = (x) =>
  tf.tidy(() => {
    const s = tf.split(volumeSegmentMeans(x, labels, M), M, 1) as tf.Tensor2D[];
    const linear = s[0]!.mul(3).sub(s[1]!.mul(2)).add(s[2]!).sub(s[4]!);
    const score = tf.sigmoid(linear).add(s[0]!.mul(s[1]!).mul(s[2]!).mul(2)).add(s[3]!.mul(s[5]!));
    return tf.concat([score, tf.neg(score)], 1);
  });
const nonLinearHost = (s: number[]) => 1 / (1 + Math.exp(-(3 * s[0]! - 2 * s[1]! + s[2]! - s[4]!))) + 2 * s[0]! * s[1]! * s[2]! + s[3]! * s[5]!;

describe('LIME and KernelSHAP on volumes with a label volume', () => {
  forEachBackend(() => {
    let volume: tf.Tensor5D;
    let voxels: Float32Array;
    let means: number[];
    before(async () => {
      volume = seededVolume(D, H, W, C, 7);
      voxels = await volume.data<'float32'>();
      means = hostSegmentMeans(voxels, labels, M, C);
    });
    after(() => volume.dispose());

    it('KernelSHAP exact enumeration equals brute-force Shapley values (fill "mean": a hidden box shows the volume mean)', async () => {
      // With the per-channel mean fill, a hidden box's mean over voxels and channels is the volume's overall mean.
      const overall = voxels.reduce((a, b) => a + b, 0) / voxels.length;
      const value = (z: number[]) => nonLinearHost(z.map((on, k) => (on ? means[k]! : overall)));
      const labelTensor = tf.tensor3d(labels, [D, H, W], 'int32');
      const e = await expectNoLeak(() => kernelShap(nonLinear, { segmentation: labelTensor, fill: 'mean' }).explain(volume, 0));
      expect(e.exact).to.equal(true);
      expect(e.numEvaluations).to.equal(2 ** M - 1);
      expect(e.segmentation.depth).to.equal(D);
      expectAllClose(e.shapValues, bruteForceShapley(M, value), 1e-5);
      expect(e.prediction).to.be.closeTo(value(new Array(M).fill(1)), 1e-5);
      expect(e.baseValue).to.be.closeTo(value(new Array(M).fill(0)), 1e-5);
      labelTensor.dispose();
    });

    it('KernelSHAP heatmap is (D, H, W): the values painted on their boxes, min-max over the whole volume', async () => {
      const method = kernelShap(nonLinear, { segmentation: labelSlices(labels, D, H, W), fill: 0 });
      const e = await method.explain(volume, 0);
      const heat = await expectNoLeak(async () => {
        const map = await method.computeHeatmap(volume, 0);
        expect(map.shape).to.deep.equal([D, H, W]);
        const values = await map.data<'float32'>();
        map.dispose();
        return values;
      });
      const [min, max] = [Math.min(...e.shapValues), Math.max(...e.shapValues)];
      expectAllClose(heat, Array.from(labels, (l) => (e.shapValues[l]! - min) / (max - min + 1e-8)), 1e-5);
    });

    it('KernelSHAP attribute: a batch of two volumes equals per-example runs, per-voxel values sum to F(x) - F(none)', async () => {
      const other = seededVolume(D, H, W, C, 8);
      const batch = tf.concat([volume, other]);
      const method = kernelShap(nonLinear, { segmentation: labelSlices(labels, D, H, W), fill: 0 });
      const { attributions, convergenceDelta } = await method.attribute(batch, [0, 1]);
      expect(attributions.shape).to.deep.equal([2, D, H, W, C]);
      const values = await attributions.data<'float32'>();
      const sizes = new Array<number>(M).fill(0);
      labels.forEach((l) => sizes[l]!++);
      for (const [i, image, target] of [[0, volume, 0], [1, other, 1]] as const) {
        const e = await method.explain(image, target);
        const expected = Array.from({ length: D * H * W * C }, (_, q) => e.shapValues[labels[Math.floor(q / C)]!]! / (sizes[labels[Math.floor(q / C)]!]! * C));
        expectAllClose(values.subarray(i * D * H * W * C, (i + 1) * D * H * W * C), expected, 1e-7);
        const total = values.subarray(i * D * H * W * C, (i + 1) * D * H * W * C).reduce((a, b) => a + b, 0);
        expect(total).to.be.closeTo(e.prediction - e.baseValue, 1e-4);
        expect(Math.abs(convergenceDelta![i]!)).to.be.below(1e-5);
      }
      tf.dispose([attributions, other, batch]);
    });

    it('LIME on a model linear in the boxes recovers w_k * mean_k and the bias exactly (no ridge), for both classes', async () => {
      const weights = [3, -2, 1, -0.5, 0.25, -4];
      const bias = 0.3;
      const model = supervoxelLinearModel(labels, weights, bias);
      const truth = means.map((m, k) => m * weights[k]!);
      const forms = [labelSlices(labels, D, H, W), tf.tensor5d(labels, [1, D, H, W, 1], 'int32')];
      for (const [classIndex, sign] of [[0, 1], [1, -1]] as const) {
        for (const segmentation of forms) {
          const e = await expectNoLeak(() => lime(model, { segmentation, fill: 0, ridgeAlpha: 0, numSamples: 60 }).explain(volume, classIndex));
          expect(e.segmentation.count).to.equal(M);
          expectAllClose(e.weights, truth.map((t) => sign * t), 1e-4);
          expect(e.intercept).to.be.closeTo(sign * bias, 1e-4);
          expect(e.score).to.be.closeTo(1, 1e-6);
        }
      }
      tf.dispose(forms[1] as tf.Tensor);
      // The heatmap is (D, H, W); the Con map paints the negated weights.
      const heat = await expectNoLeak(async () => {
        const map = await (registry.decoder<LimeOptions>('lime-con')(model, { segmentation: labelSlices(labels, D, H, W), fill: 0, ridgeAlpha: 0, numSamples: 60 }) as Lime).computeHeatmap(volume, 0);
        expect(map.shape).to.deep.equal([D, H, W]);
        const values = await map.data<'float32'>();
        map.dispose();
        return values;
      });
      const negated = truth.map((t) => -t);
      const [min, max] = [Math.min(...negated), Math.max(...negated)];
      expectAllClose(heat, Array.from(labels, (l) => (negated[l]! - min) / (max - min + 1e-8)), 1e-4);
    });

    it('label volumes that do not fit are typed errors saying what is allowed, without leaks', async () => {
      const cases: [unknown, RegExp][] = [
        [tf.zeros([D, H, W + 1], 'int32'), /label map of shape \[6,8,11\] does not fit the volume of 6 x 8 x 10; give a \(6, 8, 10\) map/],
        [labelSlices(labels, D, H, W)[0], /label map of shape \[8,10\] does not fit the volume of 6 x 8 x 10; give a \(6, 8, 10\) map/],
        [labelSlices(labels, D, H, W).map((slice, d) => (d === 2 ? slice.slice(1) : slice)), /rows have different lengths or depths; give D slices of H rows of W labels/],
        [labelSlices(labels, D, H, W).map((slice, d) => slice.map((row, r) => row.map((v, c) => (d === 1 && r === 2 && c === 3 ? v + 0.5 : v)))), /label map holds 0.5 at voxel \(1, 2, 3\); labels must be integers/],
      ];
      for (const [segmentation, message] of cases) {
        for (const make of [() => lime(nonLinear, { segmentation: segmentation as never, numSamples: 4 }), () => kernelShap(nonLinear, { segmentation: segmentation as never })]) {
          const error = await expectNoLeakOnThrow(() => make().computeHeatmap(volume, 0));
          expect(error).to.be.instanceOf(InvalidOptionError);
          expect((error as Error).message).to.match(message);
        }
        if (segmentation instanceof tf.Tensor) segmentation.dispose();
      }
    });
  });
});

describe('LIME and KernelSHAP on volumes with 3-D SLIC', () => {
  const [d, h, w] = [8, 10, 12];
  /** Region 1: the voxels with d + r > 8; the volume is 0.3 there and 0.8 elsewhere, with seeded texture. */
  const region = Int32Array.from({ length: d * h * w }, (_, p) => (Math.floor(p / (h * w)) + (Math.floor(p / w) % h) > 8 ? 1 : 0));
  const regionSize = region.reduce((a, b) => a + b, 0);
  /** The class-0 score is 5 x the mean of region 1: hiding a supervoxel (fill 0) removes 5 x its region-1 voxel sum / |region 1|. */
  const regionModel: ModelFunction = (x) =>
    tf.tidy(() => {
      const mask = tf.tensor5d(Float32Array.from(region), [1, d, h, w, 1]);
      const score = tf.sum(tf.mul(x, mask), [1, 2, 3, 4]).mul(5 / regionSize).reshape([-1, 1]);
      return tf.concat([score, tf.neg(score)], 1);
    });

  async function makeVolume(): Promise<{ volume: tf.Tensor5D; voxels: Float32Array }> {
    const texture = seededVolume(d, h, w, 1, 13);
    const volume = tf.tidy(() => tf.add(tf.tensor5d(Float32Array.from(region, (r) => (r ? 0.3 : 0.8)), [1, d, h, w, 1]), texture.sub(0.6).mul(0.05))) as tf.Tensor5D;
    texture.dispose();
    return { volume, voxels: await volume.data<'float32'>() };
  }

  forEachBackend(() => {
    it('LIME weights equal each supervoxel\'s exact share of the score; the supervoxels respect the regions; KernelSHAP agrees', async () => {
      const { volume, voxels } = await makeVolume();
      const segmentation = { nSegments: 12, compactness: 10 };
      const e = await expectNoLeak(() => lime(regionModel, { segmentation, fill: 0, ridgeAlpha: 0, numSamples: 200 }).explain(volume, 0));
      const s = e.segmentation;
      expect([s.depth, s.height, s.width]).to.deep.equal([d, h, w]);
      expect(s.count).to.be.within(7, 22);
      const share = new Array<number>(s.count).fill(0);
      s.labels.forEach((label, p) => (share[label]! += (region[p]! * 5 * voxels[p]!) / regionSize));
      expectAllClose(e.weights, share, 1e-4);
      // Each supervoxel lies in one region (the regions differ by 0.5, texture is 0.05).
      const mixed = new Set<number>();
      const seen = new Map<number, number>();
      s.labels.forEach((label, p) => {
        if (seen.has(label) && seen.get(label) !== region[p]) mixed.add(label);
        seen.set(label, region[p]!);
      });
      expect(mixed.size).to.equal(0);
      const shap = await expectNoLeak(() => kernelShap(regionModel, { segmentation, fill: 0, numSamples: 300 }).explain(volume, 0));
      expect(Array.from(shap.segmentation.labels)).to.deep.equal(Array.from(s.labels));
      // A linear model: the Shapley values are the shares too.
      expectAllClose(shap.shapValues, share, 1e-4);
      volume.dispose();
    });
  });

  it('wasm equals cpu (3-D SLIC, LIME weights, KernelSHAP values)', async () => {
    const results: { labels: number[]; weights: number[]; shap: number[] }[] = [];
    for (const backend of ['wasm', 'cpu']) {
      await useBackend(backend);
      const { volume } = await makeVolume();
      const e = await lime(regionModel, { segmentation: { nSegments: 12 }, fill: 'mean', numSamples: 100 }).explain(volume, 0);
      const k = await kernelShap(regionModel, { segmentation: { nSegments: 12, sigma: 1 }, fill: 'blur', numSamples: 100 }).explain(volume, 1);
      results.push({ labels: Array.from(e.segmentation.labels), weights: e.weights, shap: k.shapValues });
      volume.dispose();
    }
    expect(results[0]!.labels).to.deep.equal(results[1]!.labels);
    expectAllClose(results[0]!.weights, results[1]!.weights, 1e-4);
    expectAllClose(results[0]!.shap, results[1]!.shap, 1e-4);
  });
});
