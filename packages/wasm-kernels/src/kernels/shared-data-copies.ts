import type * as tf from '@tensorflow/tfjs';
import type { TfxaiKernel } from '../tfxai-kernel.js';

/** The slice of a TensorFlow.js backend these kernels touch: reference counts of tensor data. */
interface RefCountingBackend {
  incRef(dataId: tf.DataId): void;
}

/** The input's data under a second reference: what the cpu and webgl backends return for a copy. */
function shareData(x: tf.TensorInfo, backend: unknown): tf.TensorInfo {
  (backend as RefCountingBackend).incRef(x.dataId);
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
}

/**
 * Identity without the copy. Every tensor a gradient saves for the backward pass is cloned
 * through this kernel (tfjs-core's engine.saveTensorsForBackwardMode), and stock wasm copies the
 * bytes where cpu and webgl share them; tensor data is immutable, so sharing gives the same
 * numbers. On the 224x224 VGG-style model it is 28 copies of 14 MB or more per IG batch.
 */
export const identityKernel: TfxaiKernel = {
  kernelName: 'Identity',
  role: 'replaces-stock',
  formulation: 'shares the input data (a reference count), as the cpu and webgl backends do, instead of copying it',
  kernelFunc(args, stock) {
    const { x } = args.inputs as { x: tf.TensorInfo };
    if (x.dtype === 'string') return stock!(args); // strings live outside the heap
    return shareData(x, args.backend);
  },
};

/** Cast to the dtype a tensor already has (tfjs's Relu gradient casts its float32 mask): shared, not copied. */
export const castKernel: TfxaiKernel = {
  kernelName: 'Cast',
  role: 'replaces-stock',
  formulation: 'a cast to the same dtype shares the input data, as the cpu backend does; other casts run the stock kernel',
  kernelFunc(args, stock) {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { dtype } = args.attrs as { dtype: tf.DataType };
    if (x.dtype !== dtype || dtype === 'string') return stock!(args);
    return shareData(x, args.backend);
  },
};
