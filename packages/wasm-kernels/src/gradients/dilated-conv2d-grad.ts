import * as tf from '@tensorflow/tfjs';
import { allOnes, convGeometry, type ConvPadding } from '../conv-geometry.js';
import { conv2dFilterGradient } from '../conv2d-filter-gradient.js';
import { conv2dInputGradient } from '../conv2d-input-gradient.js';

interface Conv2DAttrs {
  strides: number | [number, number];
  pad: ConvPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dilations: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/**
 * A gradient for conv2d that also covers dilation rates > 1, which tfjs-core
 * 4.22 refuses on every backend. Dilated (NHWC): the input gradient is one
 * forward conv2d at the same dilation (conv2dInputGradient), the filter
 * gradient one matrix product per tap (conv2dFilterGradient); both are exact
 * sums of the same products. Every other case goes to `stock`, tfjs's own
 * gradient.
 */
export function dilatedConv2dGradConfig(stock: tf.GradConfig): tf.GradConfig {
  return {
    kernelName: 'Conv2D',
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy, saved, attrs) => {
      const { strides, pad, dataFormat, dilations, dimRoundingMode } = attrs as unknown as Conv2DAttrs;
      if (allOnes(dilations) || dataFormat === 'NCHW') return stock.gradFunc(dy, saved, attrs);
      const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
      const g = convGeometry(x.shape, filter.shape, strides, dilations, pad, dimRoundingMode, false);
      return {
        x: () => conv2dInputGradient(dy as tf.Tensor4D, filter, g),
        filter: () => conv2dFilterGradient(x, dy as tf.Tensor4D, g),
      };
    },
  };
}
