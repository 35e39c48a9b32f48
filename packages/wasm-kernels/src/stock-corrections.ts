import * as tf from '@tensorflow/tfjs';
import { registerScopedGradient, registerScopedKernel } from '@tfxai/core';
import { resizeBilinearGradShapeFix } from './cpu/resize-bilinear-grad.js';
import { resizeNearestNeighborGradCpu } from './cpu/resize-nearest-neighbor-grad.js';
import { avgPool3dGradConfig, avgPoolGradConfig2d } from './gradients/avg-pool-grad.js';
import { conv3dGradConfig } from './gradients/conv3d-grad.js';
import { conv3dWasmKernel } from './kernels/conv3d-wasm.js';
import { maxPool3dGradCpuKernel, maxPool3dGradWasmKernel } from './kernels/max-pool-3d-grad.js';

/**
 * Stock tfjs 4.22 kernels and gradients that give wrong numbers, each
 * measured against an independent reference (per-example gradients in
 * test/batch-gradients.test.ts, float64 loops in
 * test/volume-gradients.test.ts), and their corrections, active inside
 * tfxai's own passes only:
 * - ResizeNearestNeighborGrad on cpu mixes the examples of a batch;
 *   ResizeBilinearGrad on cpu mislabels the shape of non-square resizes.
 * - Conv3D: wasm's input and filter gradients are wrong when the output depth
 *   is above 1; no backend takes dilations > 1.
 * - MaxPool3DGrad on cpu: wrong when the pool's height and width differ; on
 *   wasm: a tie's gradient goes to the window's last maximum (first elsewhere).
 * - AvgPool and AvgPool3D with padding: every backend divides border windows'
 *   gradients by the full window size instead of the elements they cover.
 * @returns the functions that take each registration back out
 */
export function registerStockCorrections(): Array<() => void> {
  const stockBilinearGrad = tf.getKernel('ResizeBilinearGrad', 'cpu');
  return [
    registerScopedKernel({ kernelName: 'ResizeNearestNeighborGrad', backendName: 'cpu', kernelFunc: resizeNearestNeighborGradCpu }),
    ...(stockBilinearGrad ? [registerScopedKernel({ kernelName: 'ResizeBilinearGrad', backendName: 'cpu', kernelFunc: resizeBilinearGradShapeFix(stockBilinearGrad.kernelFunc) })] : []),
    registerScopedGradient(conv3dGradConfig()),
    registerScopedGradient(avgPoolGradConfig2d()),
    registerScopedGradient(avgPool3dGradConfig()),
    registerScopedKernel(maxPool3dGradCpuKernel),
    registerScopedKernel(maxPool3dGradWasmKernel),
  ];
}

/**
 * Stock wasm Conv3D is a plain loop; inside tfxai's passes it runs as XNNPACK
 * conv2ds, one per depth tap (the same sums; checked in
 * test/volume-gradients.test.ts). Mode 'all' only.
 */
export function registerFasterConv3d(): Array<() => void> {
  const stock = tf.getKernel('Conv3D', 'wasm');
  return stock ? [registerScopedKernel(conv3dWasmKernel(stock.kernelFunc))] : [];
}
