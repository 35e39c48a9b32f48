// Registers tfxai's wasm gradient kernels (TFXAI_KERNELS=off: none) before any method runs.
import '@tfxai/wasm-kernels';
export * from '@tfxai/core';
export * from '@tfxai/integrated-gradients';
export * from '@tfxai/perturbation';
export * from '@tfxai/cam';
export * from '@tfxai/gradient-maps';
// Keras 3-D layers tfjs-layers lacks, registered for model loading (adds class names only; see the package).
export * from '@tfxai/volume-layers';
export { registerTfxaiKernels, tfxaiKernelStatus, unregisterTfxaiKernels, useTfxaiKernels } from '@tfxai/wasm-kernels';
export * from './official-modules.js';
export * from './default-registry.js';
