import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { decoder, defaultRegistry, type ModelFunction } from 'tfxai';
import { expectNoLeak, forEachBackend } from '@tfxai/test-utils';

const NAMES: Record<string, string[]> = {
  occlusion: ['occlusion', 'OcclusionSensitivity', 'os'],
  'lime-pro': ['lime-pro', 'LimePro', 'lp'],
  'lime-con': ['lime-con', 'LimeCon', 'lc'],
  'kernel-shap': ['kernel-shap', 'KernelShap', 'kernel_shap'],
};

describe('the tfxai umbrella: perturbation methods by name', () => {
  it("decoder() resolves every canonical name and AUCMEDI key of @tfxai/perturbation's methods", () => {
    const model: ModelFunction = (x) => tf.mean(x, [1, 2]);
    for (const [canonical, names] of Object.entries(NAMES)) {
      expect(defaultRegistry().has(canonical)).to.equal(true);
      for (const name of names) expect(decoder(name)(model).name, name).to.equal(canonical);
    }
  });

  forEachBackend(() => {
    it('each one computes a [0, 1] map through the umbrella, without gradients and without leaks', async () => {
      // tf.round has no useful gradient: these methods never ask for one.
      const model: ModelFunction = (x) => tf.tidy(() => tf.softmax(tf.round(tf.mean(x, [1, 2]).mul(10))));
      const image = tf.randomUniform([1, 8, 8, 3], 0, 1, 'float32', 1);
      const label = Array.from({ length: 8 }, (_, r) => Array.from({ length: 8 }, (_, c) => (r < 4 ? 0 : 2) + (c < 4 ? 0 : 1)));
      const options: Record<string, object> = { occlusion: { patchSize: 4 }, 'lime-pro': { numSamples: 8, segmentation: label }, 'lime-con': { numSamples: 8, segmentation: label }, 'kernel-shap': { segmentation: label } };
      for (const canonical of Object.keys(NAMES)) {
        const values = await expectNoLeak(async () => {
          const map = await decoder(canonical)(model, options[canonical]).computeHeatmap(image, 1);
          expect(map.shape).to.deep.equal([8, 8]);
          const data = await map.data();
          map.dispose();
          return data;
        });
        expect(Math.min(...values), canonical).to.be.at.least(0);
        expect(Math.max(...values), canonical).to.be.at.most(1);
      }
      image.dispose();
    });
  });
});
