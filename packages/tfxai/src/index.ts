// Registers tfxai's kernels before any method runs (TFXAI_KERNELS=off: none): the wasm backend's
// missing kernels for good; every replacement of a working kernel, gradient or op only inside
// tfxai's own gradient passes (withTfxaiKernels), so a user's tf.grad / model.fit is untouched.
import '@tfxai/wasm-kernels';
export * from '@tfxai/core';
export * from '@tfxai/integrated-gradients';
export * from '@tfxai/perturbation';
export * from '@tfxai/cam';
export * from '@tfxai/gradient-maps';
// Keras 3-D layers tfjs-layers lacks, registered for model loading (adds class names only; see the package).
export * from '@tfxai/volume-layers';
export { registerTfxaiKernels, tfxaiKernelStatus, unregisterTfxaiKernels, useTfxaiKernels, type RegistrationOptions } from '@tfxai/wasm-kernels';
export * from './guided-grad-cam.js';
export * from './guided-grad-cam-module.js';
export * from './official-modules.js';
export * from './default-registry.js';
export type { OfficialMethodName, OfficialMethodOptions, WithSmoothGrad } from './method-options.js';
