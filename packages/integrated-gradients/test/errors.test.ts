import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { ClassIndexError, InvalidInputError, InvalidOptionError, createRegistry, type TfxaiError } from '@tfxai/core';
import { integratedGradientsModule, type IntegratedGradientsOptions } from '@tfxai/integrated-gradients';
import { expectNoLeakOnThrow, forEachBackend } from '@tfxai/test-utils';
import { seededImages, smallSoftmaxCnn } from './small-cnn.js';

const registry = createRegistry(integratedGradientsModule);

describe('Integrated Gradients: bad input gets typed errors', () => {
  it('option errors come at construction and name the option', () => {
    const model = (x: tf.Tensor4D) => x.reshape([x.shape[0], -1]);
    const make = (options: IntegratedGradientsOptions) => () => registry.decoder<IntegratedGradientsOptions>('ig')(model, options);
    expect(make({ numSteps: 0 })).to.throw(InvalidOptionError, /numSteps.*integer >= 1; got 0/);
    expect(make({ numSteps: 2.5 })).to.throw(InvalidOptionError, /numSteps/);
    expect(make({ internalBatchSize: 0 })).to.throw(InvalidOptionError, /internalBatchSize/);
    expect(make({ rule: 'simpson' as never })).to.throw(InvalidOptionError, /rule.*allowed: trapezoid, left, right, middle, gauss-legendre/);
    expect(make({ channelReduction: 'mean' as never })).to.throw(InvalidOptionError, /channelReduction.*allowed: max, sum, abs-sum, l2/);
    expect(make({ baseline: 'ones' as never })).to.throw(InvalidOptionError, /baseline/);
    expect(make({ baseline: [] })).to.throw(InvalidOptionError, /at least one/);
    expect(make({ baseline: NaN })).to.throw(InvalidOptionError, /finite/);
  });

  forEachBackend(() => {
    let model: tf.LayersModel;
    before(() => (model = smallSoftmaxCnn()));
    after(() => model.dispose());

    const cases: [string, () => tf.Tensor, number, new (...args: never[]) => TfxaiError, RegExp][] = [
      ['rank 2', () => tf.zeros([12, 12]), 0, InvalidInputError, /rank 4 \(N, H, W, C\) or 3 \(H, W, C\)(, as the model takes images)?; got rank 2/],
      ['NaN', () => tf.tidy(() => seededImages(1).mul(tf.tensor1d([1, NaN, 1]))), 0, InvalidInputError, /holds NaN.*only finite values/],
      ['Infinity', () => tf.fill([1, 12, 12, 3], Infinity), 0, InvalidInputError, /holds Infinity/],
      ['empty batch', () => tf.zeros([0, 12, 12, 3]), 0, InvalidInputError, /empty/],
      ['bool dtype', () => tf.zeros([1, 12, 12, 3], 'bool'), 0, InvalidInputError, /float32 or int32; got bool/],
      ['class index 3 of 3', () => seededImages(1), 3, ClassIndexError, /class index 3 is out of range: the model has 3 classes, so allowed are integers 0 to 2/],
      ['class index -1', () => seededImages(1), -1, ClassIndexError, /out of range/],
      ['class index 1.5', () => seededImages(1), 1.5, ClassIndexError, /out of range/],
    ];
    for (const [label, makeInput, classIndex, type, message] of cases) {
      it(`${label}: ${type.name}, and no tensor leaks`, async () => {
        const input = makeInput();
        const ig = registry.decoder('ig')(model, { numSteps: 2 });
        const error = await expectNoLeakOnThrow(() => ig.computeHeatmap(input, classIndex));
        expect(error).to.be.instanceOf(type);
        expect((error as Error).message).to.match(message);
        input.dispose();
      });
    }

    it('a baseline of the wrong shape: InvalidInputError naming the allowed shapes', async () => {
      const baseline = tf.zeros([12, 11, 3]);
      const image = seededImages(1);
      const ig = registry.decoder<IntegratedGradientsOptions>('ig')(model, { baseline: ['zeros', baseline], numSteps: 2 });
      const error = await expectNoLeakOnThrow(() => ig.attribute!(image, 0));
      expect(error).to.be.instanceOf(InvalidInputError);
      expect((error as Error).message).to.contain('baseline of shape [12,11,3] does not fit images of shape [1,12,12,3]').and.contain('allowed: [12,12,3]');
      tf.dispose([baseline, image]);
    });

    it('a baseline holding NaN: InvalidInputError', async () => {
      const baseline = tf.fill([12, 12, 3], NaN);
      const image = seededImages(1);
      const error = await expectNoLeakOnThrow(() => registry.decoder<IntegratedGradientsOptions>('ig')(model, { baseline }).attribute!(image, 0));
      expect((error as Error).message).to.match(/baseline holds NaN/);
      tf.dispose([baseline, image]);
    });

    it('a batch given to computeHeatmap, and a wrong number of targets', async () => {
      const images = seededImages(2);
      const ig = registry.decoder('ig')(model, { numSteps: 2 });
      expect(((await expectNoLeakOnThrow(() => ig.computeHeatmap(images, 0))) as Error).message).to.match(/takes one image.*Use attribute\(\) for batches/);
      expect(((await expectNoLeakOnThrow(() => ig.attribute!(images, [0, 1, 2]))) as Error).message).to.match(/got 3 targets for a batch of 2/);
      images.dispose();
    });
  });
});
