import * as tf from '@tensorflow/tfjs';
import { runComposite } from '../composite-kernel.js';
import { convGeometry, type ConvPadding } from '../conv-geometry.js';
import { conv2dInputGradient } from '../conv2d-input-gradient.js';
import type { TfxaiKernel } from '../tfxai-kernel.js';

interface Conv2DBackpropInputAttrs {
  strides: number | [number, number];
  pad: ConvPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  inputShape: [number, number, number, number];
}

/** conv2d's input gradient as one forward conv2d (see conv2dInputGradient); NCHW goes to the stock kernel. */
export const conv2dBackpropInputKernel: TfxaiKernel = {
  kernelName: 'Conv2DBackpropInput',
  role: 'replaces-stock',
  formulation: 'forward Conv2D of the stride-spread, padded dy with the 180-degree-rotated, in/out-transposed filter',
  kernelFunc({ inputs, backend, attrs }, stock) {
    const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as Conv2DBackpropInputAttrs;
    const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
    if (dataFormat === 'NCHW') {
      if (!stock) throw new Error("tfxai Conv2DBackpropInput on wasm supports dataFormat 'NHWC' only");
      return stock({ inputs, backend, attrs });
    }
    const g = convGeometry(inputShape, filter.shape, strides, 1, pad, dimRoundingMode, false);
    if (dy.shape[0] !== g.batch || dy.shape[1] !== g.outHeight || dy.shape[2] !== g.outWidth) {
      throw new Error(`Conv2DBackpropInput: dy of shape [${dy.shape}] does not fit input shape [${inputShape}] (expected [${g.batch},${g.outHeight},${g.outWidth},...])`);
    }
    return runComposite(backend, [dy, filter], (dyT, filterT) => conv2dInputGradient(dyT as tf.Tensor4D, filterT as tf.Tensor4D, g));
  },
};
