import { registerScopedGradient, registerScopedKernel } from '@tfxai/core';
import { avgPool3dGradConfig, avgPoolGradConfig2d } from './gradients/avg-pool-grad.js';
import { conv3dGradConfig } from './gradients/conv3d-grad.js';
import { maxPool3dGradCpuKernel } from './kernels/max-pool-3d-grad-cpu.js';

/**
 * Stock tfjs 4.22 gradients that are wrong, each measured against a plain
 * loop reference (packages/wasm-kernels/test/volume-gradients.test.ts), and
 * their corrections, active inside tfxai's own passes only:
 * - Conv3D: wasm's input and filter gradients are wrong when the output depth
 *   is above 1; no backend takes dilations > 1.
 * - MaxPool3DGrad on cpu: wrong when the pool's height and width differ.
 * - AvgPool and AvgPool3D with padding: every backend divides border windows'
 *   gradients by the full window size instead of the voxels they cover.
 * @returns the functions that take each registration back out
 */
export function registerStockCorrections(): Array<() => void> {
  return [
    registerScopedGradient(conv3dGradConfig()),
    registerScopedGradient(avgPoolGradConfig2d()),
    registerScopedGradient(avgPool3dGradConfig()),
    registerScopedKernel(maxPool3dGradCpuKernel),
  ];
}
