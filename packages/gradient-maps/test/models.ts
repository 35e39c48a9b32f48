import * as tf from '@tensorflow/tfjs';
import type { ModelFunction } from '@tfxai/core';

// Shared with the cross-package Guided Grad-CAM tests (test/src), hence in test-utils.
export { reluSoftmaxCnn, seededImages } from '@tfxai/test-utils';

/**
 * A small seeded softmax CNN over 6x6x2 inputs with 3 classes and ELU
 * activations (continuously differentiable, so central finite differences are
 * accurate): conv 3x3 (elu), strided conv 2x2 (elu), flatten, dense softmax.
 * ELU, like ReLU, keeps tfjs-layers' convolutions unfused under tf.grad; a
 * fused linear convolution would need Conv2DBackpropFilter, which stock wasm lacks.
 * `finalActivation: 'linear'` gives the same weights without the softmax: the logits.
 */
export function smoothSoftmaxCnn(seed = 3, finalActivation: 'softmax' | 'linear' = 'softmax'): tf.LayersModel {
  const init = (offset: number) => tf.initializers.glorotUniform({ seed: seed + offset });
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [6, 6, 2], filters: 4, kernelSize: 3, padding: 'same', activation: 'elu', kernelInitializer: init(1), biasInitializer: 'zeros' }),
      tf.layers.conv2d({ filters: 4, kernelSize: 2, strides: 2, activation: 'elu', kernelInitializer: init(2) }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 3, activation: finalActivation, kernelInitializer: init(3) }),
    ],
  });
}

/** F(x) = flatten(x) . W, with W (H*W*C, classes) from cos(i): IG and GradientSHAP both equal w * (x - b). */
export function linearModel(pixels: number, classes: number): { model: ModelFunction; weights: tf.Tensor2D; w: number[] } {
  const w = Array.from({ length: pixels * classes }, (_, i) => Math.cos(i + 0.3));
  const weights = tf.tensor2d(w, [pixels, classes]);
  return { model: (x) => tf.matMul(x.reshape([x.shape[0], pixels]), weights), weights, w };
}

/** F_c(x) = sum_i a[c][i] x_i^2: the gradient 2 a x is linear in x, so noise moments have closed forms. */
export function quadraticModel(pixels: number, classes: number): { model: ModelFunction; coefficients: tf.Tensor2D; a: number[][] } {
  const a = Array.from({ length: classes }, (_, c) => Array.from({ length: pixels }, (_, i) => Math.sin(1 + i + 3 * c)));
  const coefficients = tf.tensor2d(a.flat(), [classes, pixels]).transpose() as tf.Tensor2D;
  return { model: (x) => tf.matMul(tf.square(x.reshape([x.shape[0], pixels])), coefficients), coefficients, a };
}
