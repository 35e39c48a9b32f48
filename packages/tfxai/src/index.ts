// Registers tfxai's wasm gradient kernels (TFXAI_KERNELS=off: none) before any method runs.
import '@tfxai/wasm-kernels';
export * from '@tfxai/core';
export * from '@tfxai/integrated-gradients';
export * from '@tfxai/perturbation';
export * from '@tfxai/cam';
export * from '@tfxai/gradient-maps';
export { registerTfxaiKernels, tfxaiKernelStatus, unregisterTfxaiKernels, useTfxaiKernels } from '@tfxai/wasm-kernels';
export * from './official-modules.js';
export * from './default-registry.js';
export type { OfficialMethodName, OfficialMethodOptions, WithSmoothGrad } from './method-options.js';
