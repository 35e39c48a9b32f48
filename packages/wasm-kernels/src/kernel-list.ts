import { conv2dBackpropFilterKernel } from './kernels/conv2d-backprop-filter.js';
import { conv2dBackpropInputKernel } from './kernels/conv2d-backprop-input.js';
import { depthwiseConv2dBackpropFilterKernel } from './kernels/depthwise-conv2d-backprop-filter.js';
import { depthwiseConv2dBackpropInputKernel } from './kernels/depthwise-conv2d-backprop-input.js';
import { maxPoolGradKernel } from './kernels/max-pool-grad.js';
import { castKernel, identityKernel } from './kernels/shared-data-copies.js';
import { unsortedSegmentSumKernel } from './kernels/unsorted-segment-sum.js';
import type { TfxaiKernel } from './tfxai-kernel.js';

/** Every kernel tfxai registers for wasm, one line each. */
export const TFXAI_WASM_KERNELS: readonly TfxaiKernel[] = [
  conv2dBackpropInputKernel,
  conv2dBackpropFilterKernel,
  depthwiseConv2dBackpropInputKernel,
  depthwiseConv2dBackpropFilterKernel,
  maxPoolGradKernel,
  unsortedSegmentSumKernel,
  identityKernel,
  castKernel,
];
