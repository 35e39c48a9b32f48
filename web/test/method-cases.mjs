// The method runs the browser test checks: every official method, with options small enough for
// a SwiftShader page (software WebGL) and every random draw seeded, so that Node's cpu run and the
// page's run see the same inputs. Shared by the page harness and the Node side of the test.

/** Example images the checks run on (examples/synthetic-shapes/images). */
export const CASE_IMAGES = ['plus-01.png', 'x-02.png'];

/** One entry per official method: its registry name and the options used in both runs. */
export const METHOD_CASES = [
  { method: 'integrated-gradients', options: { numSteps: 16 } },
  { method: 'gradcam', options: {} },
  { method: 'gradcam++', options: {} },
  { method: 'scorecam', options: {} },
  { method: 'saliency', options: {} },
  { method: 'guided-backprop', options: {} },
  { method: 'guided-gradcam', options: {} },
  { method: 'gradient-shap', options: { numSamples: 8, seed: 7 } },
  { method: 'occlusion', options: { patchSize: 16, stride: 8 } },
  { method: 'lime-pro', options: { numSamples: 64, seed: 7, map: 'weights' } },
  { method: 'lime-con', options: { numSamples: 64, seed: 7, map: 'weights' } },
  { method: 'kernel-shap', options: { numSamples: 64, seed: 7 } },
];

/**
 * Gradient methods on a model with dilated Conv2D layers (the wasm kernel tests' Dilated family,
 * packages/wasm-kernels/test/families.ts, built after every family so that its seeded weights are
 * the same in the page and in Node), for class 1 of a seeded 16x16 input
 * (tf.randomUniform([1, 16, 16, 3], 0, 1, 'float32', DILATED_INPUT_SEED)).
 */
export const DILATED_FAMILY = 'Dilated (linear and relu dilated conv2d, dilated separable conv)';
export const DILATED_INPUT_SEED = 13;
export const DILATED_TARGET = 1;
export const DILATED_METHOD_CASES = [
  { method: 'integrated-gradients', options: { numSteps: 8 } },
  { method: 'saliency', options: {} },
  { method: 'guided-backprop', options: {} },
  { method: 'gradient-shap', options: { numSamples: 4, seed: 7 } },
  { method: 'gradcam', options: {} },
  { method: 'guided-gradcam', options: {} },
];
