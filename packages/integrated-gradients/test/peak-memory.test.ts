import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { createRegistry, type BaselineSpec } from '@tfxai/core';
import { integratedGradientsModule, type IntegratedGradientsOptions } from '@tfxai/integrated-gradients';
import { expectNoLeak, forEachBackend } from '@tfxai/test-utils';
import { seededImages, smallSoftmaxCnn } from './small-cnn.js';

const registry = createRegistry(integratedGradientsModule);

/**
 * The most tensor bytes alive at once during `action`, above what was alive before it:
 * TensorFlow.js's own tracked maximum (`tf.profile(...).peakBytes`, updated after every kernel).
 */
async function peakBytesAdded(action: () => Promise<void>): Promise<number> {
  const before = tf.memory().numBytes;
  const profile = await tf.profile(action);
  return profile.peakBytes - before;
}

/** The peak tensor bytes one IG attribution of `image` adds, the result disposed (and checked not to leak). */
async function igPeak(model: tf.LayersModel, image: tf.Tensor4D, options: IntegratedGradientsOptions): Promise<number> {
  const method = registry.decoder<IntegratedGradientsOptions>('ig')(model, options);
  let peak = 0;
  await expectNoLeak(async () => {
    peak = await peakBytesAdded(async () => {
      const { attributions } = await method.attribute!(image, 1);
      attributions.dispose();
    });
  });
  return peak;
}

describe('Integrated Gradients: peak memory does not grow with numSteps', () => {
  forEachBackend(() => {
    let model: tf.LayersModel;
    let image: tf.Tensor4D;
    before(() => {
      model = smallSoftmaxCnn();
      image = seededImages(1);
    });
    after(() => {
      model.dispose();
      image.dispose();
    });

    const cases: [string, IntegratedGradientsOptions][] = [
      ['the defaults (trapezoid, zero baseline, internalBatchSize 8)', {}],
      ['the first-layer shortcut', { firstLayerShortcut: true }],
      ['two baselines averaged', { baseline: ['zeros', 'blur'] as BaselineSpec[] }],
      ['Gauss-Legendre nodes', { rule: 'gauss-legendre' }],
    ];
    for (const [label, options] of cases) {
      it(`300 steps peak at most 1.2x the peak of 50 steps: ${label}`, async () => {
        const at50 = await igPeak(model, image, { ...options, numSteps: 50 });
        const at300 = await igPeak(model, image, { ...options, numSteps: 300 });
        expect(at50).to.be.greaterThan(0);
        expect(at300, `peak bytes: ${at300} at 300 steps vs ${at50} at 50`).to.be.at.most(1.2 * at50);
      });
    }

    it('the measurement sees path points held at once: every point in one pass grows the peak with numSteps', async () => {
      // internalBatchSize above numSteps puts the whole path in one pass: the peak must grow about
      // 6-fold from 51 to 301 points. This is what the checks above would catch.
      const at50 = await igPeak(model, image, { numSteps: 50, internalBatchSize: 1024 });
      const at300 = await igPeak(model, image, { numSteps: 300, internalBatchSize: 1024 });
      expect(at300).to.be.greaterThan(4 * at50);
    });
  });
});
