import * as tf from '@tensorflow/tfjs';
import '@tfxai/wasm-kernels';
import { expect } from 'chai';
import { InvalidInputError, NoiseTunnel, createRegistry, sampleNoise, type Heatmap, type SmoothGradOptions } from '@tfxai/core';
import { gradientShapModule, gradientShapSamples, guidedBackpropModule, saliencyModule } from '@tfxai/gradient-maps';
import { integratedGradientsModule, quadrature } from '@tfxai/integrated-gradients';
import { expectAllClose, expectNoLeak, expectNoLeakOnThrow, forEachBackend, seededVolume, testBackends, useBackend, volumeNet, type VolumeNet } from '@tfxai/test-utils';

const registry = createRegistry(saliencyModule, guidedBackpropModule, gradientShapModule, integratedGradientsModule);

/** (D, H, W, C) of the test volumes: non-cubic, two channels. */
const SHAPE: [number, number, number, number] = [4, 6, 5, 2];
const VOXELS = SHAPE.reduce((a, b) => a * b, 1);

/** The tiny Conv3D (relu) + MaxPool3D + dense relu + dense softmax model every test here explains. */
const makeNet = () => volumeNet({ inputShape: SHAPE, filters: 3, pool: [2, 2, 2], hidden: 4, classes: 3 });

/** Raw attributions (and deltas) of `name` as plain numbers; asserts that the call leaks nothing. */
async function attributeValues(name: string, model: tf.LayersModel, input: tf.Tensor, target: number | number[], options?: object) {
  return expectNoLeak(async () => {
    const { attributions, convergenceDelta } = await registry.decoder(name)(model, options).attribute!(input, target);
    const result = { shape: attributions.shape, values: Array.from(await attributions.data()), delta: convergenceDelta };
    attributions.dispose();
    return result;
  });
}

/** One heatmap of `name` as plain numbers with its shape; asserts that the call leaks nothing. */
async function heatmapValues(name: string, model: tf.LayersModel, input: tf.Tensor, target: number, options?: object) {
  return expectNoLeak(async () => {
    const map: Heatmap = await registry.decoder(name)(model, options).computeHeatmap(input, target);
    const result = { shape: map.shape, values: Array.from(await map.data()) };
    map.dispose();
    return result;
  });
}

/** The noise of SmoothGrad / GradientSHAP sample `s` of `seed` for one volume, as numbers (drawn on the host). */
function noiseValues(seed: number, s: number): number[] {
  return tf.tidy(() => Array.from(sampleNoise([1, ...SHAPE], seed, s).dataSync()));
}

/** max |values| (the scale tolerances are taken relative to), checked to be non-trivial. */
function scaleOf(values: ArrayLike<number>): number {
  const scale = Math.max(...Array.from(values, Math.abs));
  expect(scale, 'the reference is not all zero').to.be.above(1e-5);
  return scale;
}

describe('gradient maps on volumes (N, D, H, W, C)', () => {
  it('wasm and cpu give the same saliency, guided backprop and GradientSHAP attributions', async () => {
    const results: Record<string, number[][]> = { saliency: [], 'guided-backprop': [], 'gradient-shap': [] };
    for (const backend of testBackends()) {
      await useBackend(backend);
      const net = makeNet();
      const { tensor } = seededVolume([1, ...SHAPE], 51);
      for (const name of Object.keys(results)) results[name]!.push((await attributeValues(name, net.model, tensor, 2, name === 'gradient-shap' ? { numSamples: 5 } : {})).values);
      net.model.dispose();
      tensor.dispose();
    }
    for (const [name, [first, ...others]] of Object.entries(results)) {
      expect(others.length, name).to.be.at.least(1);
      for (const other of others) expectAllClose(other, first!, 1e-5 * scaleOf(first!), 1e-4);
    }
  });

  forEachBackend(() => {
    let net: VolumeNet;
    let volumes: { values: number[]; tensor: tf.Tensor };
    let first: { values: number[]; tensor: tf.Tensor };
    before(() => {
      net = makeNet();
      volumes = seededVolume([2, ...SHAPE], 61);
      first = { values: volumes.values.slice(0, VOXELS), tensor: tf.tidy(() => tf.slice(volumes.tensor, 0, 1)) };
    });
    after(() => {
      net.model.dispose();
      tf.dispose([volumes.tensor, first.tensor]);
    });

    it('the float64 reference model computes the scores tfjs does', () => {
      const scores = tf.tidy(() => Array.from((net.model.predict(first.tensor) as tf.Tensor).dataSync()));
      expectAllClose(scores, net.forward(first.values), 1e-6);
    });

    it('saliency equals central finite differences of the float64 model (every voxel and channel)', async () => {
      const { shape, values } = await attributeValues('saliency', net.model, first.tensor, 1);
      expect(shape).to.deep.equal([1, ...SHAPE]);
      const eps = 1e-6;
      const differences = first.values.map((_, i) => {
        const at = (delta: number) => net.forward(first.values.map((v, j) => (j === i ? v + delta : v)))[1]!;
        return (at(eps) - at(-eps)) / (2 * eps);
      });
      expectAllClose(values, differences, 1e-5 * scaleOf(differences), 1e-3);
    });

    it('guided backprop equals a naive guided reference (ReLUs pass back only positive gradient), and differs from saliency', async () => {
      // Every class: for some the guided gradient vanishes (no positive gradient reaches the input), for others not.
      const { values } = await attributeValues('guided-backprop', net.model, volumes.tensor, [0, 1]);
      const expected = [...net.gradient(first.values, 0, true), ...net.gradient(volumes.values.slice(VOXELS), 1, true)];
      expectAllClose(values, expected, 1e-5 * scaleOf(expected), 1e-4);
      const vanilla = [...net.gradient(first.values, 0), ...net.gradient(volumes.values.slice(VOXELS), 1)];
      expect(Math.max(...expected.map((g, i) => Math.abs(g - vanilla[i]!)))).to.be.above(0.1 * scaleOf(expected));
    });

    it('GradientSHAP: the same seed gives the mean over the seeded samples of gradient * (x~ - b), each gradient from the float64 model; delta from its scores', async () => {
      const [numSamples, seed, stdevs] = [6, 9, 0.05];
      const baseline = seededVolume(SHAPE, 62, 0, 0.3);
      const baselines = [new Array<number>(VOXELS).fill(0.2), baseline.values];
      const { values, delta } = await attributeValues('gradient-shap', net.model, first.tensor, 2, { baseline: [0.2, baseline.tensor], numSamples, seed, stdevs, internalBatchSize: 4 });
      const sum = new Float64Array(VOXELS);
      let gaps = 0;
      gradientShapSamples(seed, numSamples, 2).forEach(({ baselineIndex, alpha }, s) => {
        const b = baselines[baselineIndex]!;
        const noise = noiseValues(seed, s);
        const noisy = first.values.map((x, i) => x + stdevs * noise[i]!);
        const gradient = net.gradient(noisy.map((x, i) => b[i]! + alpha * (x - b[i]!)), 2);
        for (let i = 0; i < VOXELS; i++) sum[i]! += (gradient[i]! * (noisy[i]! - b[i]!)) / numSamples;
        gaps += (net.forward(noisy)[2]! - net.forward(b)[2]!) / numSamples;
      });
      expectAllClose(values, sum, 1e-5 * scaleOf(sum), 1e-3);
      expect(delta![0]).to.be.closeTo(sum.reduce((a, b) => a + b, 0) - gaps, 1e-5);
      baseline.tensor.dispose();
    });

    it('native SmoothGrad (saliency, guided backprop): the mean / mean square / variance of the float64 gradients at the seeded noisy copies', async () => {
      const [samples, seed, noiseLevel] = [5, 4, 0.1];
      const sigma = noiseLevel * (Math.max(...first.values) - Math.min(...first.values));
      for (const [name, guided] of [['saliency', false], ['guided-backprop', true]] as const) {
        const gradients = Array.from({ length: samples }, (_, s) => {
          const noise = noiseValues(seed, s);
          return net.gradient(first.values.map((x, i) => x + sigma * noise[i]!), 1, guided);
        });
        const mean = Array.from({ length: VOXELS }, (_, i) => gradients.reduce((a, g) => a + g[i]!, 0) / samples);
        const square = Array.from({ length: VOXELS }, (_, i) => gradients.reduce((a, g) => a + g[i]! ** 2, 0) / samples);
        const expected = { plain: mean, squared: square, vargrad: square.map((q, i) => q - mean[i]! ** 2) };
        for (const mode of ['plain', 'squared', 'vargrad'] as const) {
          const smoothGrad: SmoothGradOptions = { samples, seed, noiseLevel, mode, batchSize: 2 };
          const { values } = await attributeValues(name, net.model, first.tensor, 1, { smoothGrad });
          expectAllClose(values, expected[mode], 1e-4 * scaleOf(expected[mode]), 1e-3);
        }
      }
    });

    it('SmoothGrad through the noise tunnel (Integrated Gradients): the mean of float64 IG over the seeded noisy copies', async () => {
      const [samples, seed, noiseLevel, steps] = [3, 5, 0.1, 4];
      const baseline = seededVolume(SHAPE, 63, 0, 0.2);
      const method = registry.decoder('ig')(net.model, { baseline: baseline.tensor, numSteps: steps, smoothGrad: { samples, seed, noiseLevel } });
      expect(method).to.be.instanceOf(NoiseTunnel);
      const { values } = await attributeValues('ig', net.model, first.tensor, 0, { baseline: baseline.tensor, numSteps: steps, smoothGrad: { samples, seed, noiseLevel } });
      const sigma = noiseLevel * (Math.max(...first.values) - Math.min(...first.values));
      const { alphas, weights } = quadrature('trapezoid', steps);
      const expected = new Float64Array(VOXELS);
      for (let s = 0; s < samples; s++) {
        const noise = noiseValues(seed, s);
        const x = first.values.map((v, i) => v + sigma * noise[i]!);
        const b = baseline.values;
        alphas.forEach((alpha, k) => {
          const gradient = net.gradient(x.map((xi, i) => b[i]! + alpha * (xi - b[i]!)), 0);
          for (let i = 0; i < VOXELS; i++) expected[i]! += (weights[k]! * gradient[i]! * (x[i]! - b[i]!)) / samples;
        });
      }
      expectAllClose(values, expected, 1e-4 * scaleOf(expected), 1e-3);
      baseline.tensor.dispose();
    });

    it('SmoothGrad through the noise tunnel (GradientSHAP): the mean of GradientSHAP run on each seeded noisy copy', async () => {
      const [samples, seed, noiseLevel] = [3, 6, 0.1];
      const options = { numSamples: 4, seed: 2 };
      const { values } = await attributeValues('gradient-shap', net.model, first.tensor, 1, { ...options, smoothGrad: { samples, seed, noiseLevel } });
      const sigma = noiseLevel * (Math.max(...first.values) - Math.min(...first.values));
      const expected = new Float64Array(VOXELS);
      for (let s = 0; s < samples; s++) {
        const noise = noiseValues(seed, s);
        const copy = tf.tensor(first.values.map((v, i) => v + sigma * noise[i]!), [1, ...SHAPE]);
        const one = await attributeValues('gradient-shap', net.model, copy, 1, options);
        one.values.forEach((v, i) => (expected[i]! += v / samples));
        copy.dispose();
      }
      expectAllClose(values, expected, 1e-5 * scaleOf(expected), 1e-4);
    });

    it('a batch of 2 volumes equals per-example runs (saliency, guided backprop, GradientSHAP, SmoothGrad)', async () => {
      const cases: [string, object][] = [['saliency', {}], ['guided-backprop', { internalBatchSize: 1 }], ['gradient-shap', { numSamples: 4 }], ['saliency', { smoothGrad: { samples: 3 } }]];
      for (const [name, options] of cases) {
        const batch = await attributeValues(name, net.model, volumes.tensor, [2, 0], options);
        expect(batch.shape, name).to.deep.equal([2, ...SHAPE]);
        for (const [i, target] of [2, 0].entries()) {
          const single = tf.tidy(() => tf.slice(volumes.tensor, i, 1));
          const one = await attributeValues(name, net.model, single, target, options);
          expectAllClose(batch.values.slice(i * VOXELS, (i + 1) * VOXELS), one.values, 1e-7, 1e-4);
          single.dispose();
        }
      }
    });

    it('computeHeatmap: (D, H, W) in [0, 1] by each method\'s heatmap rule (saliency: |max| over channels; GradientSHAP: signed max; noise tunnel too)', async () => {
      const unbatched = first.tensor.squeeze([0]);
      const cases: [string, object, boolean][] = [['saliency', {}, true], ['guided-backprop', {}, true], ['gradient-shap', { numSamples: 3 }, false], ['ig', { numSteps: 3, smoothGrad: { samples: 2 } }, false]];
      for (const [name, options, absolute] of cases) {
        const { values } = await attributeValues(name, net.model, first.tensor, 1, options);
        for (const input of [first.tensor, unbatched]) {
          const map = await heatmapValues(name, net.model, input, 1, options);
          expect(map.shape, name).to.deep.equal(SHAPE.slice(0, 3));
          const reduced = Array.from({ length: VOXELS / 2 }, (_, v) => {
            const [a, b] = [values[2 * v]!, values[2 * v + 1]!];
            return absolute ? Math.max(Math.abs(a), Math.abs(b)) : Math.max(a, b);
          });
          const [low, high] = [Math.min(...reduced), Math.max(...reduced)];
          expectAllClose(map.values, reduced.map((r) => (r - low) / (high - low + 1e-8)), 1e-5);
          expect(Math.min(...map.values), name).to.equal(0);
          expect(Math.max(...map.values), name).to.be.closeTo(1, 1e-6);
        }
      }
      unbatched.dispose();
    });

    it('a 2-D image given to the volume model: InvalidInputError naming the rank expected (every method, the noise tunnel too), no leak', async () => {
      const image = tf.zeros([6, 5, 2]);
      for (const [name, options] of [['saliency', {}], ['guided-backprop', {}], ['gradient-shap', {}], ['ig', { smoothGrad: { samples: 2 } }]] as const) {
        const error = await expectNoLeakOnThrow(() => registry.decoder(name)(net.model, options).computeHeatmap(image, 0));
        expect(error, name).to.be.instanceOf(InvalidInputError);
        expect((error as Error).message, name).to.match(/rank 5/).and.match(/D, H, W, C/);
      }
      image.dispose();
    });
  });
});
