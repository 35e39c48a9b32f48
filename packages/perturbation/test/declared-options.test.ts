import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { InvalidOptionError, createRegistry, type ModelFunction } from '@tfxai/core';
import { MAX_SAMPLES, kernelShapModule, limeConModule, limeProModule, occlusionModule, type KernelShap, type Lime } from '@tfxai/perturbation';
import { expectNoLeak, forEachBackend } from '@tfxai/test-utils';
import { blockLabels, labelRows, seededImage } from './fixtures.js';

const registry = createRegistry(occlusionModule, limeProModule, limeConModule, kernelShapModule);
const model: ModelFunction = (x) => tf.tidy(() => tf.softmax(tf.mean(x, [1, 2]).slice([0, 0], [-1, 2])));

describe('perturbation methods: options declared as data, checked by core', () => {
  it("misspelt options: 'patchsize' to occlusion, 'numSample' to LIME and KernelSHAP, name the closest declared option", () => {
    const cases: [string, string, string, unknown][] = [
      ['occlusion', 'patchsize', 'patchSize', 4],
      ['occlusion', 'strides', 'stride', 4],
      ['lime-pro', 'numSample', 'numSamples', 50],
      ['lime-con', 'numSample', 'numSamples', 50],
      ['kernel-shap', 'numSample', 'numSamples', 50],
      ['lime-pro', 'kernelwidth', 'kernelWidth', 0.5],
      ['kernel-shap', 'fil', 'fill', 0],
    ];
    for (const [name, wrong, right, value] of cases) {
      expect(() => registry.decoder(name)(model, { [wrong]: value } as never), `${name} ${wrong}`)
        .to.throw(InvalidOptionError, `did you mean '${right}'?`)
        .with.property('option')
        .that.matches(new RegExp(`(^|\\.)${wrong}$`));
    }
  });

  it("SLIC's options inside 'segmentation' are declared too: 'nSegment' names 'segmentation.nSegments'", () => {
    for (const name of ['lime-pro', 'kernel-shap']) {
      expect(() => registry.decoder(name)(model, { segmentation: { nSegment: 20 } } as never), name)
        .to.throw(InvalidOptionError, "did you mean 'nSegments'?")
        .with.property('option', 'segmentation.nSegment');
    }
  });

  it(`numSamples is bounded (${MAX_SAMPLES}): 1e9 is an InvalidOptionError saying how to raise the bound; limits raises it deliberately`, () => {
    for (const name of ['lime-pro', 'lime-con', 'kernel-shap']) {
      expect(() => registry.decoder(name)(model, { numSamples: 1e9 } as never), name)
        .to.throw(InvalidOptionError, `at most ${MAX_SAMPLES}; got 1000000000. Each sample is one model evaluation`)
        .with.property('message')
        .that.contains('limits: { numSamples: 1000000000 }');
      // Raised on purpose: accepted (nothing runs here).
      expect(() => registry.decoder(name)(model, { numSamples: 200000, limits: { numSamples: 200000 } } as never), name).to.not.throw();
      expect(() => registry.decoder(name)(model, { numSamples: 300000, limits: { numSamples: 200000 } } as never), name).to.throw(InvalidOptionError, /at most 200000/);
    }
  });

  forEachBackend(() => {
    it('a raised bound really runs: KernelSHAP with limits and numSamples within them gives the exact values of 3 superpixels', async () => {
      // 3 superpixels: 2^3 - 2 = 6 coalitions, so any budget >= 6 enumerates them all.
      const image = seededImage(8, 8, 3, 3);
      const segmentation = labelRows(blockLabels(8, 8, [4], [4]).map((v) => Math.min(v, 2)), 8);
      const method = registry.decoder('kernel-shap')(model, { segmentation, numSamples: 150000, limits: { numSamples: 150000 } } as never) as KernelShap;
      const explanation = await expectNoLeak(() => method.explain(image, 0));
      expect(explanation.exact).to.equal(true);
      expect(explanation.numEvaluations).to.equal(7);
      image.dispose();
    });

    it("LIME's default map is the weights map: continuous values, not AUCMEDI's 0/1 mask", async () => {
      const image = seededImage(16, 16, 3, 8);
      const segmentation = labelRows(blockLabels(16, 16, [8], [4, 8, 12]), 16);
      const lime = registry.decoder('lime-pro')(model, { segmentation, numSamples: 60 }) as Lime;
      const values = await expectNoLeak(async () => {
        const map = await lime.computeHeatmap(image, 0);
        const data = Array.from(await map.data());
        map.dispose();
        return data;
      });
      expect(new Set(values.map((v) => v.toFixed(6))).size, 'distinct levels').to.be.above(2);
      image.dispose();
    });
  });
});
