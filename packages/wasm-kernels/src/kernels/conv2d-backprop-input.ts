import * as tf from '@tensorflow/tfjs';
import { runComposite } from '../composite-kernel.js';
import { convGeometry, type ConvBackpropAttrs } from '../conv-geometry.js';
import { conv2dInputGradient } from '../conv2d-input-gradient.js';
import { nchwToStock, type TfxaiKernel } from '../tfxai-kernel.js';

/** conv2d's input gradient as one forward conv2d (see conv2dInputGradient); NCHW goes to the stock kernel. */
export const conv2dBackpropInputKernel: TfxaiKernel = {
  kernelName: 'Conv2DBackpropInput',
  role: 'replaces-stock',
  formulation: 'forward Conv2D of the stride-spread, padded dy with the 180-degree-rotated, in/out-transposed filter',
  kernelFunc({ inputs, backend, attrs }, stock) {
    const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as ConvBackpropAttrs<'inputShape'>;
    const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
    if (dataFormat === 'NCHW') return nchwToStock('Conv2DBackpropInput', stock, { inputs, backend, attrs });
    const g = convGeometry(inputShape, filter.shape, strides, 1, pad, dimRoundingMode, false);
    if (dy.shape[0] !== g.batch || dy.shape[1] !== g.outHeight || dy.shape[2] !== g.outWidth) {
      throw new Error(`Conv2DBackpropInput: dy of shape [${dy.shape}] does not fit input shape [${inputShape}] (expected [${g.batch},${g.outHeight},${g.outWidth},...])`);
    }
    return runComposite(backend, [dy, filter], (dyT, filterT) => conv2dInputGradient(dyT as tf.Tensor4D, filterT as tf.Tensor4D, g));
  },
};
