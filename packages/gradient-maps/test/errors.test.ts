import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { ClassIndexError, InvalidInputError, InvalidOptionError, UnsupportedModelError, createRegistry, type TfxaiError } from '@tfxai/core';
import { gradCamModule } from '@tfxai/cam';
import { gradientShapModule, guidedBackpropModule, guidedGradCamModule, saliencyModule } from '@tfxai/gradient-maps';
import { expectNoLeakOnThrow, forEachBackend } from '@tfxai/test-utils';
import { reluSoftmaxCnn, seededImages } from './models.js';

const registry = createRegistry(saliencyModule, guidedBackpropModule, gradientShapModule, guidedGradCamModule, gradCamModule);
const METHODS = ['saliency', 'guided-backprop', 'gradient-shap', 'guided-gradcam'];

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

    const cases: [string, () => tf.Tensor, number, new (...args: never[]) => TfxaiError, RegExp][] = [
      ['rank 2', () => tf.zeros([8, 8]), 0, InvalidInputError, /rank 4 \(N, H, W, C\) or 3 \(H, W, C\); got rank 2/],
      ['rank 5', () => tf.zeros([1, 1, 8, 8, 3]), 0, InvalidInputError, /got rank 5/],
      ['NaN', () => tf.tidy(() => seededImages([1, 8, 8, 3]).mul(tf.tensor1d([1, NaN, 1]))), 0, InvalidInputError, /holds NaN.*only finite values/],
      ['Infinity', () => tf.fill([1, 8, 8, 3], -Infinity), 0, InvalidInputError, /holds -Infinity/],
      ['empty batch', () => tf.zeros([0, 8, 8, 3]), 0, InvalidInputError, /empty/],
      ['class index 3 of 3', () => seededImages([1, 8, 8, 3]), 3, ClassIndexError, /class index 3 is out of range: the model has 3 classes, so allowed are integers 0 to 2/],
      ['class index -1', () => seededImages([1, 8, 8, 3]), -1, ClassIndexError, /out of range/],
      ['class index 0.5', () => seededImages([1, 8, 8, 3]), 0.5, ClassIndexError, /out of range/],
      ['a batch of 2 to computeHeatmap', () => seededImages([2, 8, 8, 3]), 0, InvalidInputError, /takes one image.*Use attribute\(\) for batches/],
    ];
    for (const name of METHODS) {
      for (const [label, makeInput, classIndex, type, message] of cases) {
        it(`${name}, ${label}: ${type.name}, and no tensor leaks`, async () => {
          const input = makeInput();
          const method = registry.decoder(name)(model, name === 'gradient-shap' ? { numSamples: 2 } : { smoothGrad: { samples: 2 } });
          const error = await expectNoLeakOnThrow(() => method.computeHeatmap(input, classIndex));
          expect(error).to.be.instanceOf(type);
          expect((error as Error).message).to.match(message);
          input.dispose();
        });
      }
      it(`${name}: a wrong number of targets in attribute`, async () => {
        const images = seededImages([2, 8, 8, 3]);
        const error = await expectNoLeakOnThrow(() => registry.decoder(name)(model).attribute!(images, [0, 1, 2]));
        expect(error).to.be.instanceOf(InvalidInputError);
        expect((error as Error).message).to.match(/got 3 targets for a batch of 2/);
        images.dispose();
      });
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
