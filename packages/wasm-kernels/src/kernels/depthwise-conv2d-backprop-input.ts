import * as tf from '@tensorflow/tfjs';
import { runComposite } from '../composite-kernel.js';
import { convGeometry, type ConvBackpropAttrs } from '../conv-geometry.js';
import { depthwiseInputGradient } from '../depthwise-input-gradient.js';
import type { TfxaiKernel } from '../tfxai-kernel.js';

/** depthwiseConv2d's input gradient (absent from tfjs-backend-wasm 4.22) as one forward depthwise conv2d. */
export const depthwiseConv2dBackpropInputKernel: TfxaiKernel = {
  kernelName: 'DepthwiseConv2dNativeBackpropInput',
  role: 'fills-gap',
  formulation: 'forward DepthwiseConv2dNative of the stride-spread, padded dy with the rotated filter, then a Sum over the channel multiplier',
  kernelFunc({ inputs, backend, attrs }) {
    const { strides, dilations, pad, dimRoundingMode, inputShape } = attrs as unknown as ConvBackpropAttrs<'inputShape'>;
    const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
    const g = convGeometry(inputShape, filter.shape, strides, dilations ?? 1, pad, dimRoundingMode, true);
    return runComposite(backend, [dy, filter], (dyT, filterT) => depthwiseInputGradient(dyT as tf.Tensor4D, filterT as tf.Tensor4D, g));
  },
};
