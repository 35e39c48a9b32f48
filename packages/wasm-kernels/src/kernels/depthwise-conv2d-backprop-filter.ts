import * as tf from '@tensorflow/tfjs';
import { runComposite } from '../composite-kernel.js';
import { convGeometry, type ConvBackpropAttrs } from '../conv-geometry.js';
import { depthwiseFilterGradient } from '../depthwise-filter-gradient.js';
import type { TfxaiKernel } from '../tfxai-kernel.js';

/** depthwiseConv2d's filter gradient (absent from tfjs-backend-wasm 4.22): per filter tap, a Multiply and a Sum. */
export const depthwiseConv2dBackpropFilterKernel: TfxaiKernel = {
  kernelName: 'DepthwiseConv2dNativeBackpropFilter',
  role: 'fills-gap',
  formulation: "per filter tap, forward Multiply of the tap's slice of the padded input with dy, then Sum over batch and positions",
  kernelFunc({ inputs, backend, attrs }) {
    const { strides, dilations, pad, dimRoundingMode, filterShape } = attrs as unknown as ConvBackpropAttrs<'filterShape'>;
    const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const g = convGeometry(x.shape, filterShape, strides, dilations ?? 1, pad, dimRoundingMode, true);
    return runComposite(backend, [x, dy], (xT, dyT) => depthwiseFilterGradient(xT as tf.Tensor4D, dyT as tf.Tensor4D, g, filterShape[3]));
  },
};
