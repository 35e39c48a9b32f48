import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { InvalidInputError, InvalidOptionError, UnsupportedModelError, createRegistry } from '@tfxai/core';
import { gradientShapModule, guidedBackpropModule, saliencyModule } from '@tfxai/gradient-maps';
import { expectNoLeakOnThrow, forEachBackend, itRejectsBadImages } from '@tfxai/test-utils';
import { reluSoftmaxCnn, seededImages } from './models.js';

const registry = createRegistry(saliencyModule, guidedBackpropModule, gradientShapModule);
// Guided Grad-CAM's: test/src/guided-grad-cam.test.ts (it lives in the umbrella).
const METHODS = ['saliency', 'guided-backprop', 'gradient-shap'];

describe('gradient maps: bad input gets typed errors', () => {
  it('option errors come at construction and name the option and what is allowed', () => {
    const model = (x: tf.Tensor4D) => x.reshape([x.shape[0], -1]);
    const make = (name: string, options: object) => () => registry.decoder(name)(model, options);
    for (const name of ['saliency', 'guided-backprop']) {
      expect(make(name, { absolute: 'yes' })).to.throw(InvalidOptionError, /option 'absolute': must be true or false; got 'yes'/);
      expect(make(name, { channelReduction: 'mean' })).to.throw(InvalidOptionError, /channelReduction.*allowed: max, sum, abs-sum, l2/);
      expect(make(name, { internalBatchSize: 0 })).to.throw(InvalidOptionError, /internalBatchSize.*integer >= 1; got 0/);
      expect(make(name, { smoothGrad: { samples: 0 } })).to.throw(InvalidOptionError, /smoothGrad.samples.*integer >= 1/);
      expect(make(name, { smoothGrad: { samples: 2.5 } })).to.throw(InvalidOptionError, /smoothGrad.samples/);
      expect(make(name, { smoothGrad: { noiseLevel: -0.1 } })).to.throw(InvalidOptionError, /smoothGrad.noiseLevel.*finite number >= 0; got -0.1/);
      expect(make(name, { smoothGrad: { noiseLevel: NaN } })).to.throw(InvalidOptionError, /smoothGrad.noiseLevel/);
      expect(make(name, { smoothGrad: { mode: 'mean' } })).to.throw(InvalidOptionError, /smoothGrad.mode.*allowed: plain, squared, vargrad/);
      expect(make(name, { smoothGrad: { seed: 0.5 } })).to.throw(InvalidOptionError, /smoothGrad.seed.*safe integer; got 0.5/);
      expect(make(name, { smoothGrad: { sample: 3 } })).to.throw(InvalidOptionError, /smoothGrad.sample'.*unknown option; allowed: samples, noiseLevel, mode, seed, batchSize/);
      expect(make(name, { smoothGrad: 'yes' })).to.throw(InvalidOptionError, /smoothGrad.*true, false or \{ samples, noiseLevel, mode, seed, batchSize \}/);
      expect(make(name, { smoothgrad: true })).to.throw(InvalidOptionError, /'options.smoothgrad'.*unknown option; allowed: .*smoothGrad/);
      expect(make(name, { output: 'scores' })).to.throw(InvalidOptionError, /output.*allowed: probabilities, logits/);
    }
    expect(make('gradient-shap', { numSamples: 0 })).to.throw(InvalidOptionError, /numSamples.*integer >= 1/);
    expect(make('gradient-shap', { stdevs: -1 })).to.throw(InvalidOptionError, /stdevs.*>= 0/);
    expect(make('gradient-shap', { seed: 1.5 })).to.throw(InvalidOptionError, /seed.*integer/);
    expect(make('gradient-shap', { baseline: [] })).to.throw(InvalidOptionError, /at least one/);
    expect(make('gradient-shap', { baseline: 'ones' })).to.throw(InvalidOptionError, /baseline/);
    expect(make('gradient-shap', { baselines: 'zeros' })).to.throw(InvalidOptionError, /'options.baselines'.*unknown option/);
    expect(make('gradient-shap', { output: 'scores' })).to.throw(InvalidOptionError, /output.*allowed: probabilities, logits/);
    // Logits need a layers model ending in softmax/sigmoid.
    expect(make('saliency', { output: 'logits' })).to.throw(UnsupportedModelError, /output: 'logits' needs a tf.LayersModel/);
  });

  forEachBackend(() => {
    let model: tf.LayersModel;
    before(() => (model = reluSoftmaxCnn()));
    after(() => model.dispose());

    for (const name of METHODS) {
      itRejectsBadImages(name, () => registry.decoder(name)(model, name === 'gradient-shap' ? { numSamples: 2 } : { smoothGrad: { samples: 2 } }));
    }

    it('gradient-shap: a baseline of the wrong shape or holding NaN', async () => {
      const image = seededImages([1, 8, 8, 3]);
      const wrong = tf.zeros([8, 7, 3]);
      const nan = tf.fill([8, 8, 3], NaN);
      const shape = await expectNoLeakOnThrow(() => registry.decoder('gradient-shap')(model, { baseline: ['zeros', wrong] }).attribute!(image, 0));
      expect((shape as Error).message).to.contain('baseline of shape [8,7,3] does not fit images of shape [1,8,8,3]');
      const notFinite = await expectNoLeakOnThrow(() => registry.decoder('gradient-shap')(model, { baseline: nan }).attribute!(image, 0));
      expect(notFinite).to.be.instanceOf(InvalidInputError);
      expect((notFinite as Error).message).to.match(/baseline holds NaN/);
      tf.dispose([image, wrong, nan]);
    });
  });
});
