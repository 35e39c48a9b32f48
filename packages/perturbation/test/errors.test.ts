import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { ClassIndexError, InvalidInputError, InvalidOptionError, TfxaiError, createRegistry, type ModelFunction } from '@tfxai/core';
import { kernelShapModule, limeConModule, limeProModule, occlusionModule } from '@tfxai/perturbation';
import { expectNoLeakOnThrow, forEachBackend } from '@tfxai/test-utils';
import { blockLabels, labelRows, seededImage } from './fixtures.js';

const registry = createRegistry(occlusionModule, limeProModule, limeConModule, kernelShapModule);
const make = (name: string, options: object, model: ModelFunction = (x) => tf.mean(x, [1, 2])) => () => registry.decoder(name)(model, options);
const labels = labelRows(blockLabels(16, 16, [8], [8]), 16);

describe('perturbation methods: bad input gets typed errors', () => {
  it('option errors come at construction and name the option and the allowed values', () => {
    expect(make('lime-pro', { numSamples: 1 })).to.throw(InvalidOptionError, /numSamples.*integer >= 2; got 1/);
    expect(make('lime-con', { numSamples: 1.5 })).to.throw(InvalidOptionError, /numSamples/);
    expect(make('kernel-shap', { numSamples: 1 })).to.throw(InvalidOptionError, /numSamples.*integer >= 2; got 1/);
    expect(make('kernel-shap', { numSamples: 'many' })).to.throw(InvalidOptionError, /allowed: 'auto' or an integer >= 2/);
    expect(make('occlusion', { patchSize: 0 })).to.throw(InvalidOptionError, /patchSize.*integer >= 1; got 0/);
    expect(make('occlusion', { patchSize: [4] })).to.throw(InvalidOptionError, /patchSize.*\[height, width\]/);
    expect(make('occlusion', { patchSize: 4, stride: 5 })).to.throw(InvalidOptionError, /stride.*larger than the patch/);
    expect(make('occlusion', { fill: 'red' })).to.throw(InvalidOptionError, /fill.*allowed: a finite number, 'mean', 'blur'$/);
    expect(make('occlusion', { fill: 'segment-mean' })).to.throw(InvalidOptionError, /fill/);
    expect(make('occlusion', { fill: NaN })).to.throw(InvalidOptionError, /fill/);
    expect(make('occlusion', { score: 'ratio' })).to.throw(InvalidOptionError, /score.*allowed: one-minus-probability, drop/);
    expect(make('occlusion', { edgeWindows: 'wrap' })).to.throw(InvalidOptionError, /edgeWindows.*allowed: clip, shift/);
    expect(make('occlusion', { batchSize: 0 })).to.throw(InvalidOptionError, /batchSize/);
    expect(make('occlusion', { blurSigma: 0 })).to.throw(InvalidOptionError, /blurSigma.*> 0/);
    expect(make('lime-pro', { kernelWidth: 0 })).to.throw(InvalidOptionError, /kernelWidth/);
    expect(make('lime-pro', { ridgeAlpha: -1 })).to.throw(InvalidOptionError, /ridgeAlpha.*>= 0/);
    expect(make('lime-pro', { numFeatures: 0 })).to.throw(InvalidOptionError, /numFeatures/);
    expect(make('lime-pro', { map: 'heat' })).to.throw(InvalidOptionError, /map.*allowed: mask, weights/);
    expect(make('kernel-shap', { map: 'heat' })).to.throw(InvalidOptionError, /map.*allowed: signed, absolute, positive/);
    expect(make('lime-pro', { seed: 0.5 })).to.throw(InvalidOptionError, /seed.*safe integer/);
    expect(make('lime-pro', { segmentation: 'quickshift' })).to.throw(InvalidOptionError, /segmentation.*allowed: SLIC options/);
    expect(make('kernel-shap', { segmentation: { nSegments: 0 } })).to.throw(InvalidOptionError, /segmentation.nSegments/);
    expect(make('lime-pro', { fill: 'segment-mean' })).to.not.throw();
  });

  forEachBackend(() => {
    const model: ModelFunction = (x) => tf.tidy(() => tf.softmax(tf.mean(x, [1, 2]).slice([0, 0], [-1, 2])));
    const fast = { occlusion: { patchSize: 8 }, 'lime-pro': { numSamples: 4, segmentation: labels }, 'lime-con': { numSamples: 4, segmentation: labels }, 'kernel-shap': { segmentation: labels } };
    type Case = [string, () => tf.Tensor, number, new (...args: never[]) => TfxaiError, RegExp];
    const cases: Case[] = [
      ['NaN pixel', () => tf.tidy(() => seededImage(16, 16).mul(tf.tensor1d([1, NaN, 1]))), 0, InvalidInputError, /images? holds NaN.*only finite values/],
      ['Infinity', () => tf.fill([1, 16, 16, 3], Infinity), 0, InvalidInputError, /holds Infinity/],
      ['rank 2', () => tf.zeros([16, 16]), 0, InvalidInputError, /rank 4 \(N, H, W, C\) or 3 \(H, W, C\)/],
      ['a batch of two', () => tf.zeros([2, 16, 16, 3]), 0, InvalidInputError, /takes one image.*got shape \[2,16,16,3\]. Perturbation methods explain one image per call/],
      ['class 2 of 2', () => seededImage(16, 16), 2, ClassIndexError, /class index 2 is out of range: the model has 2 classes, so allowed are integers 0 to 1/],
      ['class -1', () => seededImage(16, 16), -1, ClassIndexError, /out of range/],
      ['class 0.5', () => seededImage(16, 16), 0.5, ClassIndexError, /out of range/],
    ];
    for (const name of ['occlusion', 'lime-pro', 'lime-con', 'kernel-shap'] as const) {
      for (const [label, input, classIndex, type, message] of cases) {
        it(`${name}, ${label}: ${type.name}, no tensor left behind`, async () => {
          const image = input();
          const error = await expectNoLeakOnThrow(() => registry.decoder(name)(model, fast[name]).computeHeatmap(image, classIndex));
          expect(error).to.be.instanceOf(type);
          expect((error as Error).message).to.match(message);
          image.dispose();
        });
      }
    }

    it('occlusion: a patch larger than the image is an InvalidOptionError saying both sizes', async () => {
      const image = seededImage(12, 20);
      const error = await expectNoLeakOnThrow(() => registry.decoder('os')(model, { patchSize: 16 }).computeHeatmap(image, 0));
      expect(error).to.be.instanceOf(InvalidOptionError);
      expect((error as Error).message).to.match(/patchSize.*16 x 16 is larger than the image 12 x 20/);
      image.dispose();
    });

    it('a label map of the wrong size or with non-integer labels: InvalidOptionError', async () => {
      const image = seededImage(16, 16);
      const wrong = tf.zeros([10, 16], 'int32');
      for (const name of ['lime-pro', 'kernel-shap']) {
        const error = await expectNoLeakOnThrow(() => registry.decoder(name)(model, { segmentation: wrong }).computeHeatmap(image, 0));
        expect(error).to.be.instanceOf(InvalidOptionError);
        expect((error as Error).message).to.match(/label map of shape \[10,16\] does not fit the image of 16 x 16; give a \(16, 16\) map/);
      }
      const fractional = labels.map((row) => row.map((v) => v + 0.5));
      const error = await expectNoLeakOnThrow(() => registry.decoder('lc')(model, { segmentation: fractional }).computeHeatmap(image, 0));
      expect((error as Error).message).to.match(/labels must be integers/);
      const ragged = [[0, 1], [0]];
      expect(((await expectNoLeakOnThrow(() => registry.decoder('lp')(model, { segmentation: ragged }).computeHeatmap(image, 0))) as Error).message).to.match(/rows have different lengths/);
      tf.dispose([image, wrong]);
    });

    it('KernelSHAP attribute: a wrong number of targets or a class out of range, without leaks', async () => {
      const images = tf.concat([seededImage(16, 16), seededImage(16, 16, 3, 4)]);
      const shap = registry.decoder('kernel-shap')(model, { segmentation: labels });
      expect(((await expectNoLeakOnThrow(() => shap.attribute!(images, [0, 1, 0]))) as Error).message).to.match(/got 3 targets for a batch of 2/);
      const error = await expectNoLeakOnThrow(() => shap.attribute!(images, [0, 5]));
      expect(error).to.be.instanceOf(ClassIndexError);
      expect((error as Error).message).to.match(/class index 5 is out of range: the model has 2 classes/);
      images.dispose();
    });

    it('a model that returns NaN on perturbed images: TfxaiError NON_FINITE_SCORE', async () => {
      const image = seededImage(16, 16);
      // Finite on the image (pixels >= 0.2), NaN once a superpixel is hidden with fill 0: log(min - 0.01).
      const fragile: ModelFunction = (x) =>
        tf.tidy(() => {
          const score = tf.log(tf.min(x, [1, 2, 3]).sub(0.01)).reshape([-1, 1]);
          return tf.concat([tf.zerosLike(score), score], 1);
        });
      const error = await expectNoLeakOnThrow(() => registry.decoder('kernel-shap')(fragile, { segmentation: labels, fill: 0 }).computeHeatmap(image, 1));
      expect(error).to.be.instanceOf(TfxaiError);
      expect((error as TfxaiError).code).to.equal('NON_FINITE_SCORE');
      image.dispose();
    });
  });
});
