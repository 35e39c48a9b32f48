import * as tf from '@tensorflow/tfjs';
import { runComposite } from '../composite-kernel.js';
import { convGeometry, type ConvBackpropAttrs } from '../conv-geometry.js';
import { conv2dFilterGradient } from '../conv2d-filter-gradient.js';
import { nchwToStock, type TfxaiKernel } from '../tfxai-kernel.js';

/** conv2d's filter gradient (absent from tfjs-backend-wasm 4.22): one forward MatMul per filter tap. */
export const conv2dBackpropFilterKernel: TfxaiKernel = {
  kernelName: 'Conv2DBackpropFilter',
  role: 'fills-gap',
  formulation: "per filter tap, forward BatchMatMul of the tap's (strided) slice of the padded input with dy",
  kernelFunc({ inputs, backend, attrs }, stock) {
    const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as ConvBackpropAttrs<'filterShape'>;
    const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    if (dataFormat === 'NCHW') return nchwToStock('Conv2DBackpropFilter', stock, { inputs, backend, attrs });
    const g = convGeometry(x.shape, filterShape, strides, 1, pad, dimRoundingMode, false);
    return runComposite(backend, [x, dy], (xT, dyT) => conv2dFilterGradient(xT as tf.Tensor4D, dyT as tf.Tensor4D, g));
  },
};
