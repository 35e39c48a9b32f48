import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { decoder, defaultRegistry } from 'tfxai';
import { expectNoLeak, forEachBackend } from '@tfxai/test-utils';
import { tinyCnn } from './tiny-cnn.js';

/** Canonical name -> every name AUCMEDI users (and tfxai's kebab-case) may type. */
const NAMES: Record<string, string[]> = {
  saliency: ['saliency', 'SaliencyMap', 'sm'],
  'guided-backprop': ['guided-backprop', 'guidedbackprop', 'GuidedBackpropagation', 'gb'],
  'guided-gradcam': ['guided-gradcam', 'GuidedGradCAM', 'ggc'],
  'gradient-shap': ['gradient-shap', 'GradientShap', 'GradientSHAP'],
};

describe('gradient maps through the tfxai umbrella', () => {
  // Inside forEachBackend: building a model before the first backend switch would pin tfjs to cpu.
  forEachBackend(() => {
    it('every name resolves through decoder(...) to its method, and the registry lists each alias', () => {
      const model = tinyCnn();
      for (const [canonical, names] of Object.entries(NAMES)) {
        for (const name of names) expect(decoder(name)(model).name, name).to.equal(canonical);
        const info = defaultRegistry().names().find((m) => m.name === canonical);
        expect(info, canonical).to.exist;
      }
      model.dispose();
    });

    for (const canonical of Object.keys(NAMES)) {
      it(`decoder('${canonical}') computes a 2-D heatmap in [0, 1] without leaking`, async () => {
        const model = tinyCnn();
        const image = tf.randomUniform([1, 6, 6, 3], 0, 1, 'float32', 4);
        const values = await expectNoLeak(async () => {
          const map = await decoder(canonical)(model, canonical === 'gradient-shap' ? { numSamples: 4 } : {}).computeHeatmap(image, 1);
          expect(map.shape).to.deep.equal([6, 6]);
          const data = await map.data();
          map.dispose();
          return data;
        });
        expect(Math.min(...values)).to.be.closeTo(0, 1e-6);
        expect(Math.max(...values)).to.be.closeTo(1, 1e-6);
        model.dispose();
        image.dispose();
      });
    }
  });
});
