import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { createRegistry, seededRandom, type ModelFunction } from '@tfxai/core';
import { constrainedShapleyFit, kernelShapModule, limeProModule, occlusionModule, weightedRidge, type KernelShap, type Lime } from '@tfxai/perturbation';
import { expectAllClose, expectNoLeak, forEachBackend, useBackend } from '@tfxai/test-utils';
import { blockLabels, labelRows, seededImage, segmentMeans } from './fixtures.js';

const registry = createRegistry(occlusionModule, limeProModule, kernelShapModule);

describe('weighted linear fits (ml-matrix)', () => {
  it('weightedRidge with one feature equals the closed form cov_w(x, y) / (var_w(x) + alpha)', () => {
    const random = seededRandom(1);
    const x = Array.from({ length: 30 }, () => [random() * 4 - 2]);
    const y = x.map(([v]) => 1.5 * v! - 0.7 + (random() - 0.5));
    const w = x.map(() => 0.1 + random());
    const total = w.reduce((a, b) => a + b, 0);
    const mx = x.reduce((acc, [v], i) => acc + w[i]! * v!, 0) / total;
    const my = y.reduce((acc, v, i) => acc + w[i]! * v, 0) / total;
    const sxy = x.reduce((acc, [v], i) => acc + w[i]! * (v! - mx) * (y[i]! - my), 0);
    const sxx = x.reduce((acc, [v], i) => acc + w[i]! * (v! - mx) ** 2, 0);
    for (const alpha of [0, 1, 10]) {
      const fit = weightedRidge(x, y, w, alpha);
      expect(fit.coefficients[0]).to.be.closeTo(sxy / (sxx + alpha), 1e-10);
      expect(fit.intercept).to.be.closeTo(my - (sxy / (sxx + alpha)) * mx, 1e-10);
    }
    expect(weightedRidge(x, y, w, 0).score).to.be.within(0.5, 1);
  });

  it('weightedRidge recovers noiseless linear data; an under-determined system falls back to SVD', () => {
    const rows = [[1, 0, 1], [0, 1, 1], [1, 1, 0], [1, 1, 1], [0, 0, 1], [1, 0, 0]];
    const truth = [2, -1, 0.5];
    const y = rows.map((r) => 0.25 + r.reduce((acc, v, k) => acc + v * truth[k]!, 0));
    const fit = weightedRidge(rows, y, [1, 2, 3, 1, 2, 3], 0);
    expectAllClose(fit.coefficients, truth, 1e-10);
    expect(fit.intercept).to.be.closeTo(0.25, 1e-10);
    expect(fit.score).to.be.closeTo(1, 1e-12);
    // Two samples, three features: singular normal equations, still a finite least-squares solution that fits.
    const few = weightedRidge(rows.slice(0, 2), y.slice(0, 2), [1, 1], 0);
    few.coefficients.forEach((c) => expect(Number.isFinite(c)).to.equal(true));
    rows.slice(0, 2).forEach((r, i) => expect(few.intercept + r.reduce((acc, v, k) => acc + v * few.coefficients[k]!, 0)).to.be.closeTo(y[i]!, 1e-9));
  });

  it('constrainedShapleyFit meets the efficiency constraint exactly and solves the eliminated system', () => {
    const coalitions = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 0], [0, 1, 1], [1, 0, 1]];
    // An additive game: v(z) = 1 + z . (2, -1, 3); phi must be (2, -1, 3) whatever the weights.
    const values = coalitions.map((z) => 1 + 2 * z[0]! - z[1]! + 3 * z[2]!);
    const phi = constrainedShapleyFit(3, coalitions, values, [0.2, 0.1, 0.3, 0.2, 0.1, 0.1], 5, 1);
    expectAllClose(phi, [2, -1, 3], 1e-10);
    // A non-additive game: the sum still equals v(all) - v(none) exactly.
    const odd = coalitions.map((z) => (z[0]! * z[1]! + z[2]!) ** 2);
    const phiOdd = constrainedShapleyFit(3, coalitions, odd, [1, 1, 1, 1, 1, 1], 4, 0);
    expect(phiOdd.reduce((a, b) => a + b, 0)).to.be.closeTo(4, 1e-12);
    expect(constrainedShapleyFit(1, [], [], [], 3, 1)).to.deep.equal([2]);
  });
});

describe('the same seed gives the same result on every backend', () => {
  const labels = blockLabels(16, 16, [5, 11], [8]);
  const model: ModelFunction = (x) => tf.tidy(() => tf.sigmoid(segmentMeans(x, labels, 6).mul(tf.tensor1d([2, -1, 3, -2, 1, 0.5])).sum(1, true)).square());
  const results: Record<string, { lime: number[]; shap: number[]; occlusion: Float32Array }> = {};
  for (const backend of ['wasm', 'cpu']) {
    it(`runs LIME, KernelSHAP (sampled) and occlusion with seed 4 on ${backend}`, async () => {
      await useBackend(backend);
      const image = seededImage(16, 16, 3, 23);
      const options = { segmentation: labelRows(labels, 16), numSamples: 30, seed: 4 };
      const lime = await expectNoLeak(() => (registry.decoder('lime-pro')(model, options) as Lime).explain(image, 0));
      const shap = await expectNoLeak(() => (registry.decoder('kernel-shap')(model, options) as KernelShap).explain(image, 0));
      expect(shap.exact).to.equal(false);
      const heat = await registry.decoder('occlusion')(model, { patchSize: 4, stride: 2 }).computeHeatmap(image, 0);
      results[backend] = { lime: lime.weights, shap: shap.shapValues, occlusion: await heat.data<'float32'>() };
      tf.dispose([image, heat]);
    });
  }
  it('and the backends agree (up to float32 rounding in the model)', () => {
    expectAllClose(results['cpu']!.lime, results['wasm']!.lime, 1e-4);
    expectAllClose(results['cpu']!.shap, results['wasm']!.shap, 1e-4);
    expectAllClose(results['cpu']!.occlusion, results['wasm']!.occlusion, 1e-4);
  });
});

describe('model kinds: a tf.LayersModel explains like the same network as a plain function', () => {
  forEachBackend(() => {
    it('occlusion, LIME and KernelSHAP give the same result for a layers model and its predict function', async () => {
      const network = tf.sequential({
        layers: [
          tf.layers.conv2d({ inputShape: [12, 12, 3], filters: 2, kernelSize: 3, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }),
          tf.layers.flatten(),
          tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) }),
        ],
      });
      const asFunction: ModelFunction = (x) => network.predict(x) as tf.Tensor;
      const image = seededImage(12, 12, 3, 31);
      const segmentation = labelRows(blockLabels(12, 12, [6], [4, 8]), 12);
      const cases: [string, object][] = [['occlusion', { patchSize: 4 }], ['lime-pro', { segmentation, numSamples: 20 }], ['kernel-shap', { segmentation }]];
      for (const [name, options] of cases) {
        const maps = await expectNoLeak(async () => {
          const a = await registry.decoder(name)(network, options).computeHeatmap(image, 2);
          const b = await registry.decoder(name)(asFunction, options).computeHeatmap(image, 2);
          const values = [await a.data(), await b.data()];
          tf.dispose([a, b]);
          return values;
        });
        expectAllClose(maps[0]!, maps[1]!, 1e-6);
      }
      tf.dispose([image]);
      network.dispose();
    });
  });
});
