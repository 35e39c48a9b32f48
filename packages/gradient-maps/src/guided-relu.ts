import * as tf from '@tensorflow/tfjs';
import { TfxaiError, withGradientOverrides, withTfxaiKernels } from '@tfxai/core';

/**
 * Guided backpropagation's rule (Springenberg et al. 2015) for the ReLU kernels:
 * pass back only positive gradient, and only where the ReLU's input was positive
 * (ReLU6: where it was in (0, 6]).
 */
const GUIDED_RELU_GRADIENTS: readonly tf.GradConfig[] = [
  {
    kernelName: tf.Relu,
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => {
      const [x] = saved;
      return { x: () => tf.mul(tf.relu(dy as tf.Tensor), tf.step(x!)) };
    },
  },
  {
    kernelName: tf.Relu6,
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => {
      const [x] = saved;
      return { x: () => tf.mul(tf.relu(dy as tf.Tensor), tf.mul(tf.step(x!), tf.cast(tf.lessEqual(x!, 6), 'float32'))) };
    },
  },
];

/**
 * Runs `compute` (a forward and backward pass, e.g. a `tf.grad` call) inside tfxai's kernel
 * scope (`withTfxaiKernels`) with the guided gradient registered for the `Relu` and `Relu6`
 * kernels; the previous gradients are restored exactly in `finally` (`withGradientOverrides`).
 *
 * Why this is scoped exactly: TensorFlow.js looks a kernel's gradient up when the
 * forward op is recorded on the tape, and `compute` runs synchronously, so no
 * other code (another method awaiting in `Promise.all`) can run while the guided
 * gradient is registered. Every ReLU reaches these kernels: `relu` activations of
 * conv/dense layers (fused ops are unfused while gradients are recorded),
 * `tf.layers.reLU`, `activation('relu'|'relu6')`, `tf.relu`/`tf.relu6` in function
 * models, and Relu/Relu6/fused nodes of graph models. Overrides nest.
 * @throws TfxaiError code 'ASYNC_GUIDED_COMPUTATION' when `compute` returns a promise (the scope would end before it runs)
 */
export function withGuidedRelu<T>(compute: () => T): T {
  return withTfxaiKernels(() =>
    withGradientOverrides(GUIDED_RELU_GRADIENTS, () => {
      const result = compute();
      if (result instanceof Promise) {
        result.catch(() => {});
        throw new TfxaiError('ASYNC_GUIDED_COMPUTATION', 'withGuidedRelu needs a synchronous computation (a tf.grad call); an async one would run after the guided gradients are restored');
      }
      return result;
    }),
  );
}
