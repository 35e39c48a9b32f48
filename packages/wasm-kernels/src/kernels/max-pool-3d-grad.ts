import * as tf from '@tensorflow/tfjs';
import { heapViews } from '../wasm-heap.js';

interface MaxPool3DGradAttrs {
  filterSize: number | [number, number, number];
  strides: number | [number, number, number];
  pad: 'valid' | 'same' | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** The part of the cpu backend this kernel uses (its tensor storage). */
interface CpuBackend {
  data: { get(dataId: object): { values: ArrayLike<number> } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): tf.TensorInfo;
}

/**
 * MaxPool3D's input gradient into `dx` (zeros, the input's size): each window
 * sends its upstream gradient to the FIRST voxel (depth, row, column order)
 * holding a value strictly greater than everything before it, as the 2-D
 * MaxPoolGrad does on every backend; so ties go to the earliest voxel, padding
 * is never chosen, and overlapping windows accumulate.
 */
function firstMaximumGradient(x: ArrayLike<number>, upstream: ArrayLike<number>, dx: Float32Array, inputShape: number[], attrs: MaxPool3DGradAttrs): void {
  const { filterSize, strides, pad, dimRoundingMode } = attrs;
  const g = tf.backend_util.computePool3DInfo(inputShape as [number, number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
  const { front, top, left } = g.padInfo;
  const channels = g.inChannels;
  let dyIndex = 0;
  for (let b = 0; b < g.batchSize; b++) {
    const xBatch = b * g.inDepth * g.inHeight * g.inWidth * channels;
    for (let od = 0; od < g.outDepth; od++) {
      const d0 = od * g.strideDepth - front;
      for (let oh = 0; oh < g.outHeight; oh++) {
        const h0 = oh * g.strideHeight - top;
        for (let ow = 0; ow < g.outWidth; ow++) {
          const w0 = ow * g.strideWidth - left;
          for (let c = 0; c < channels; c++, dyIndex++) {
            let best = -Infinity;
            let where = -1;
            for (let d = Math.max(d0, 0); d < Math.min(d0 + g.filterDepth, g.inDepth); d++) {
              for (let h = Math.max(h0, 0); h < Math.min(h0 + g.filterHeight, g.inHeight); h++) {
                for (let w = Math.max(w0, 0); w < Math.min(w0 + g.filterWidth, g.inWidth); w++) {
                  const index = xBatch + ((d * g.inHeight + h) * g.inWidth + w) * channels + c;
                  if (x[index]! > best) {
                    best = x[index]!;
                    where = index;
                  }
                }
              }
            }
            if (where >= 0) dx[where]! += upstream[dyIndex]!;
          }
        }
      }
    }
  }
}

/**
 * MaxPool3D's input gradient for the cpu backend. Stock tfjs-backend-cpu
 * 4.22's MaxPool3DGrad is wrong when the pool's height and width differ
 * (measured against finite differences: errors as large as the gradient).
 */
export const maxPool3dGradCpuKernel: Pick<tf.KernelConfig, 'kernelName' | 'backendName' | 'kernelFunc'> = {
  kernelName: 'MaxPool3DGrad',
  backendName: 'cpu',
  kernelFunc({ inputs, backend, attrs }) {
    const { dy, input } = inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
    const cpu = backend as unknown as CpuBackend;
    const x = cpu.data.get(input.dataId).values;
    const dx = new Float32Array(x.length);
    firstMaximumGradient(x, cpu.data.get(dy.dataId).values, dx, [...input.shape], attrs as unknown as MaxPool3DGradAttrs);
    return cpu.makeTensorInfo([...input.shape], 'float32', dx);
  },
};

/**
 * MaxPool3D's input gradient for the wasm backend, on the wasm heap. Stock
 * tfjs-backend-wasm 4.22 sends a tie's gradient to the LAST maximum of the
 * window, unlike cpu and every 2-D MaxPoolGrad: a constant input (IG's zero
 * baseline makes every window a tie) then gave wasm and cpu different maps.
 */
export const maxPool3dGradWasmKernel: Pick<tf.KernelConfig, 'kernelName' | 'backendName' | 'kernelFunc'> = {
  kernelName: 'MaxPool3DGrad',
  backendName: 'wasm',
  kernelFunc({ inputs, backend, attrs }) {
    const { dy, input } = inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
    const { output, outputView, inputViews } = heapViews(backend, [input, dy], [...input.shape], 'float32');
    const dx = outputView as Float32Array;
    dx.fill(0);
    firstMaximumGradient(inputViews[0]!, inputViews[1]!, dx, [...input.shape], attrs as unknown as MaxPool3DGradAttrs);
    return output;
  },
};
