import * as tf from '@tensorflow/tfjs';
import { registerScopedGradient, registerScopedKernel } from '@tfxai/core';
import { avgPool3dGradConfig, avgPoolGradConfig2d } from './gradients/avg-pool-grad.js';
import { conv3dGradConfig } from './gradients/conv3d-grad.js';
import { conv3dWasmKernel } from './kernels/conv3d-wasm.js';
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
 * And one that is slow: stock wasm Conv3D is a plain loop; inside tfxai's
 * passes it runs as XNNPACK conv2ds, one per depth tap (same sums).
 * @returns the functions that take each registration back out
 */
export function registerStockCorrections(): Array<() => void> {
  const stockWasmConv3d = tf.getKernel('Conv3D', 'wasm');
  return [
    registerScopedGradient(conv3dGradConfig()),
    registerScopedGradient(avgPoolGradConfig2d()),
    registerScopedGradient(avgPool3dGradConfig()),
    registerScopedKernel(maxPool3dGradCpuKernel),
    ...(stockWasmConv3d ? [registerScopedKernel(conv3dWasmKernel(stockWasmConv3d.kernelFunc))] : []),
  ];
}
