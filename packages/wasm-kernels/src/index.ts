import { registerTfxaiKernels } from './registration.js';

export * from './registration.js';
export * from './tfxai-kernel.js';
export { TFXAI_WASM_KERNELS } from './kernel-list.js';
export { conv2dInputGradient } from './conv2d-input-gradient.js';
export { conv2dFilterGradient } from './conv2d-filter-gradient.js';
export { depthwiseInputGradient } from './depthwise-input-gradient.js';
export { depthwiseFilterGradient } from './depthwise-filter-gradient.js';
export { convGeometry, type ConvGeometry, type ConvPadding } from './conv-geometry.js';
export { heapHelperStatus } from './heap-helpers.js';

// Importing the package registers the kernels (TFXAI_KERNELS=off: none): the wasm gaps for good,
// everything that replaces a working kernel, gradient or op inside withTfxaiKernels only.
registerTfxaiKernels();
