import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { ClassIndexError, InvalidInputError, type TfxaiError, type XaiMethod } from '@tfxai/core';
import { expectNoLeakOnThrow } from './leaks.js';
import { seededImages } from './relu-softmax-cnn.js';

/** A bad input for a model of {@link reluSoftmaxCnn}'s shape (8x8x3, 3 classes), the class index, and the typed error it must give. */
export type BadImageCase = [label: string, makeInput: () => tf.Tensor, classIndex: number, type: new (...args: never[]) => TfxaiError, message: RegExp];

/** Bad images and class indices for an 8x8x3 model of 3 classes, each with the typed error and message it must give. */
export const RELU_SOFTMAX_CNN_BAD_INPUTS: readonly BadImageCase[] = [
  ['rank 2', () => tf.zeros([8, 8]), 0, InvalidInputError, /rank 4 \(N, H, W, C\) or 3 \(H, W, C\)(, as the model takes images)?; got rank 2/],
  ['rank 5', () => tf.zeros([1, 1, 8, 8, 3]), 0, InvalidInputError, /got rank 5/],
  ['NaN', () => tf.tidy(() => seededImages([1, 8, 8, 3]).mul(tf.tensor1d([1, NaN, 1]))), 0, InvalidInputError, /holds NaN.*only finite values/],
  ['Infinity', () => tf.fill([1, 8, 8, 3], -Infinity), 0, InvalidInputError, /holds -Infinity/],
  ['empty batch', () => tf.zeros([0, 8, 8, 3]), 0, InvalidInputError, /empty/],
  ['class index 3 of 3', () => seededImages([1, 8, 8, 3]), 3, ClassIndexError, /class index 3 is out of range: the model has 3 classes, so allowed are integers 0 to 2/],
  ['class index -1', () => seededImages([1, 8, 8, 3]), -1, ClassIndexError, /out of range/],
  ['class index 0.5', () => seededImages([1, 8, 8, 3]), 0.5, ClassIndexError, /out of range/],
  ['a batch of 2 to computeHeatmap', () => seededImages([2, 8, 8, 3]), 0, InvalidInputError, /takes one image.*Use attribute\(\) for batches/],
];

/**
 * Mocha cases: every {@link RELU_SOFTMAX_CNN_BAD_INPUTS} entry to `computeHeatmap`, and a
 * wrong number of targets to `attribute`, give their typed error and leak no tensor.
 * @param name the method's label in the test titles
 * @param makeMethod builds the method for the (8x8x3, 3-class) model under test; called inside each case
 */
export function itRejectsBadImages(name: string, makeMethod: () => XaiMethod): void {
  for (const [label, makeInput, classIndex, type, message] of RELU_SOFTMAX_CNN_BAD_INPUTS) {
    it(`${name}, ${label}: ${type.name}, and no tensor leaks`, async () => {
      const input = makeInput();
      const method = makeMethod();
      const error = await expectNoLeakOnThrow(() => method.computeHeatmap(input, classIndex));
      expect(error).to.be.instanceOf(type);
      expect((error as Error).message).to.match(message);
      input.dispose();
    });
  }
  it(`${name}: a wrong number of targets in attribute`, async () => {
    const images = seededImages([2, 8, 8, 3]);
    const error = await expectNoLeakOnThrow(() => makeMethod().attribute!(images, [0, 1, 2]));
    expect(error).to.be.instanceOf(InvalidInputError);
    expect((error as Error).message).to.match(/got 3 targets for a batch of 2/);
    images.dispose();
  });
}
