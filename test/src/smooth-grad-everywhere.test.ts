import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import {
  GuidedGradCam,
  InvalidOptionError,
  MethodServices,
  NoiseTunnel,
  Saliency,
  createRegistry,
  decoder,
  defaultRegistry,
  officialModules,
  sampleNoise,
  type ModelFunction,
  type SmoothGradOptions,
  type XaiMethod,
} from 'tfxai';
import { expectAllClose, expectNoLeak, forEachBackend, maxAbsDiff } from '@tfxai/test-utils';
import { gradientXInputModule } from 'tfxai-plugin-gradient-x-input';
import { tinyCnn } from './tiny-cnn.js';

/** F(x) = flatten(x) . W + b over 2x2x3 images, two classes: Integrated Gradients from a zero baseline is exactly w * x. */
const PIXELS = 12;
const weights = Array.from({ length: PIXELS }, (_, i) => [Math.sin(2 * i + 1), 0.4 - 0.15 * i]);
const linearModel: ModelFunction = (x) => tf.add(tf.matMul(x.reshape([x.shape[0], PIXELS]), tf.tensor2d(weights)), tf.tensor1d([0.3, -0.2]));
const x = Array.from({ length: PIXELS }, (_, i) => Math.cos(1.3 * i) * 0.9);

async function attributionValues(name: string, model: tf.LayersModel | ModelFunction, image: tf.Tensor, target: number, options?: object): Promise<{ values: Float32Array; delta: number[] | undefined }> {
  return expectNoLeak(async () => {
    const { attributions, convergenceDelta } = await decoder(name)(model, options).attribute!(image, target);
    const values = (await attributions.data()) as Float32Array;
    attributions.dispose();
    return { values, delta: convergenceDelta };
  });
}

/** The noise of samples 0..n-1, as every SmoothGrad implementation draws it, on the host. */
function hostNoise(shape: number[], seed: number, n: number): Float32Array[] {
  return Array.from({ length: n }, (_, s) => tf.tidy(() => sampleNoise(shape, seed, s).dataSync() as Float32Array));
}

const range = (values: ArrayLike<number>) => Math.max(...Array.from(values)) - Math.min(...Array.from(values));

describe('smoothGrad for every method with attribute(), through the umbrella decoder', () => {
  forEachBackend(() => {
    it('Integrated Gradients on a linear model: plain and squared equal the sample-by-sample values, and the closed forms within 5 standard errors', async () => {
      const image = tf.tensor4d(x, [1, 2, 2, 3]);
      const [n, noiseLevel, seed, c] = [100, 0.2, 3, 0];
      const sigma = noiseLevel * range(x);
      const w = weights.map((row) => row[c]!);
      const smoothGrad = (mode: SmoothGradOptions['mode']) => ({ numSteps: 4, smoothGrad: { samples: n, noiseLevel, seed, mode, batchSize: 32 } });
      // IG is linear in the input here: IG(x + sigma z) = w (x + sigma z).
      const noise = hostNoise([1, 2, 2, 3], seed, n);
      const samples = noise.map((z) => x.map((xi, i) => w[i]! * (xi + sigma * z[i]!)));
      const mean = x.map((_, i) => samples.reduce((sum, row) => sum + row[i]!, 0) / n);
      const meanSquare = x.map((_, i) => samples.reduce((sum, row) => sum + row[i]! ** 2, 0) / n);

      const ig = await attributionValues('ig', linearModel, image, c, { numSteps: 4 });
      expectAllClose(ig.values, x.map((xi, i) => w[i]! * xi), 1e-5, 1e-5);
      const plain = await attributionValues('ig', linearModel, image, c, smoothGrad('plain'));
      expectAllClose(plain.values, mean, 1e-5, 1e-4);
      plain.values.forEach((v, i) => expect(Math.abs(v - ig.values[i]!), `plain, pixel ${i}`).to.be.at.most((5 * Math.abs(w[i]!) * sigma) / Math.sqrt(n)));
      // The mean of IG's own completeness gaps: zero on a linear model.
      expect(plain.delta).to.have.length(1);
      expect(Math.abs(plain.delta![0]!)).to.be.below(1e-4);
      const squared = await attributionValues('ig', linearModel, image, c, smoothGrad('squared'));
      expectAllClose(squared.values, meanSquare, 1e-5, 1e-4);
      squared.values.forEach((v, i) => {
        const expected = w[i]! ** 2 * (x[i]! ** 2 + sigma ** 2);
        const standardError = Math.sqrt((w[i]! ** 4 * (4 * x[i]! ** 2 * sigma ** 2 + 2 * sigma ** 4)) / n);
        expect(Math.abs(v - expected), `squared, pixel ${i}`).to.be.at.most(5 * standardError + 1e-6);
      });
      expect(squared.delta).to.equal(undefined);
      image.dispose();
    });

    it('Grad-CAM with smoothGrad is a NoiseTunnel whose maps are the mean of Grad-CAM over the noisy copies, and its heatmap their min-max', async () => {
      const model = tinyCnn();
      const image = tf.randomUniform([1, 6, 6, 3], 0, 1, 'float32', 4);
      const pixels = await image.data();
      const [n, noiseLevel, seed] = [5, 0.1, 2];
      const options = { smoothGrad: { samples: n, noiseLevel, seed, batchSize: 2 } };
      const method = decoder('GradCAM')(model, options);
      expect(method).to.be.instanceOf(NoiseTunnel);
      expect(method.name).to.equal('gradcam');
      // The reference: Grad-CAM of each noisy copy, one call each, averaged on the host.
      const sigma = noiseLevel * range(pixels);
      const maps: Float32Array[] = [];
      for (const z of hostNoise([1, 6, 6, 3], seed, n)) {
        const noisy = tf.tensor4d(Array.from(pixels, (p, i) => p + sigma * z[i]!), [1, 6, 6, 3]);
        maps.push((await attributionValues('gradcam', model, noisy, 1)).values);
        noisy.dispose();
      }
      const reference = maps[0]!.map((_, i) => maps.reduce((sum, map) => sum + map[i]!, 0) / n);
      expect(range(reference)).to.be.greaterThan(1e-4);
      expectAllClose((await attributionValues('gradcam', model, image, 1, options)).values, reference, 1e-6, 1e-4);
      const heatmap = await expectNoLeak(async () => {
        const map = await decoder('gradcam')(model, options).computeHeatmap(image, 1);
        expect(map.shape).to.deep.equal([6, 6]);
        const values = await map.data();
        map.dispose();
        return values;
      });
      const [min, max] = [Math.min(...reference), Math.max(...reference)];
      expectAllClose(heatmap, reference.map((v) => (v - min) / (max - min + 1e-8)), 1e-5);
      model.dispose();
      image.dispose();
    });

    it('every official method with attribute() takes smoothGrad: noise level 0 gives its own attributions, noise a [0, 1] heatmap', async () => {
      const model = tinyCnn();
      const image = tf.randomUniform([1, 6, 6, 3], 0, 1, 'float32', 6);
      const own: Record<string, object> = {
        'integrated-gradients': { numSteps: 4 },
        'gradcam++': {},
        scorecam: {},
        'gradient-shap': { numSamples: 3 },
        // Four 3x3 superpixels: KernelSHAP enumerates every coalition, exact and quick. AUCMEDI's fill 0: on this
        // tiny model the image's mean colour (the default) gives values spread over ~0.006 only, where min-max's
        // eps (1e-8) moves the maximum by 2e-6, beyond the 1e-6 this test allows.
        'kernel-shap': { fill: 0, segmentation: Array.from({ length: 6 }, (_, r) => Array.from({ length: 6 }, (_, c) => (r < 3 ? 0 : 2) + (c < 3 ? 0 : 1))) },
      };
      for (const [name, options] of Object.entries(own)) {
        const direct = await attributionValues(name, model, image, 0, options);
        const tunnelled = await attributionValues(name, model, image, 0, { ...options, smoothGrad: { samples: 2, noiseLevel: 0 } });
        expect(maxAbsDiff(direct.values, new Float32Array(direct.values.length)), name).to.be.greaterThan(1e-6);
        expectAllClose(tunnelled.values, direct.values, 1e-6, 1e-4);
        const values = await expectNoLeak(async () => {
          const map = await decoder(name)(model, { ...options, smoothGrad: { samples: 2, seed: 1 } }).computeHeatmap(image, 0);
          const data = await map.data();
          expect(map.shape, name).to.deep.equal([6, 6]);
          map.dispose();
          return data;
        });
        expect(Math.min(...values), name).to.be.closeTo(0, 1e-6);
        expect(Math.max(...values), name).to.be.closeTo(1, 1e-6);
      }
      model.dispose();
      image.dispose();
    });

    it('saliency, guided backprop and guided Grad-CAM keep their native SmoothGrad: not wrapped, the same values as built directly, samples batched as before', async () => {
      const model = tinyCnn();
      const image = tf.randomUniform([1, 6, 6, 3], 0, 1, 'float32', 8);
      const services = defaultRegistry().container.get<MethodServices>(MethodServices);
      const options = { smoothGrad: { samples: 4, noiseLevel: 0.2, mode: 'squared' as const, seed: 9 } };
      for (const name of ['saliency', 'guided-backprop', 'guided-gradcam']) {
        expect(decoder(name)(model, options), name).to.not.be.instanceOf(NoiseTunnel);
      }
      const direct = (method: XaiMethod) =>
        expectNoLeak(async () => {
          const { attributions } = await method.attribute!(image, 1);
          const values = await attributions.data();
          attributions.dispose();
          return values;
        });
      expect(maxAbsDiff((await attributionValues('sm', model, image, 1, options)).values, await direct(new Saliency(model, options, services)))).to.equal(0);
      expect(maxAbsDiff((await attributionValues('ggc', model, image, 1, options)).values, await direct(new GuidedGradCam(model, options, services)))).to.equal(0);
      // Rows per model call: one to count the classes, then 20 samples in 8 + 8 + 4 (internalBatchSize 8).
      const rows: number[] = [];
      const counting: ModelFunction = (batch) => {
        rows.push(batch.shape[0]);
        return linearModel(batch);
      };
      const small = tf.tensor4d(x, [1, 2, 2, 3]);
      await attributionValues('saliency', counting, small, 0, { smoothGrad: { samples: 20 }, internalBatchSize: 8 });
      expect(rows).to.deep.equal([1, 8, 8, 4]);
      tf.dispose([image, small]);
      model.dispose();
    });

    it('a third-party plugin with attribute() gets smoothGrad with no code of its own (gradient x input, checked sample by sample)', async () => {
      const registry = createRegistry(...officialModules, gradientXInputModule);
      const image = tf.tensor4d(x, [1, 2, 2, 3]);
      const [n, noiseLevel, seed, c] = [6, 0.3, 5, 1];
      const sigma = noiseLevel * range(x);
      const w = weights.map((row) => row[c]!);
      // Gradient x input of a linear score at x + sigma z is w (x + sigma z); 'squared' averages its square.
      const noise = hostNoise([1, 2, 2, 3], seed, n);
      const reference = x.map((xi, i) => noise.reduce((sum, z) => sum + (w[i]! * (xi + sigma * z[i]!)) ** 2, 0) / n);
      const method = registry.decoder('gxi')(linearModel, { smoothGrad: { samples: n, noiseLevel, seed, mode: 'squared' } });
      expect(method).to.be.instanceOf(NoiseTunnel);
      const values = await expectNoLeak(async () => {
        const { attributions } = await method.attribute!(image, c);
        const data = await attributions.data();
        attributions.dispose();
        return data;
      });
      expectAllClose(values, reference, 1e-6, 1e-4);
      image.dispose();
    });

    it('methods without attribute() (occlusion, LIME): InvalidOptionError on smoothGrad saying why', () => {
      const model = tinyCnn();
      for (const name of ['occlusion', 'lime-pro', 'lime-con']) {
        expect(() => decoder(name)(model, { smoothGrad: true }), name).to.throw(InvalidOptionError, /option 'smoothGrad': method '.*' has no attribute\(\); SmoothGrad needs raw attributions/);
      }
      model.dispose();
    });
  });
});
