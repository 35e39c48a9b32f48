import * as tf from '@tensorflow/tfjs';
import { allOnes, convGeometry, type ConvPadding } from '../conv-geometry.js';
import { depthwiseFilterGradient } from '../depthwise-filter-gradient.js';
import { depthwiseInputGradient } from '../depthwise-input-gradient.js';

interface DepthwiseConv2dNativeAttrs {
  strides: number | [number, number];
  pad: ConvPadding;
  dilations?: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/**
 * A gradient for depthwiseConv2d that also covers dilation rates > 1
 * (refused by tfjs-core 4.22 on every backend): one forward depthwise conv2d
 * at the same dilation for the input, one multiply-and-sum per tap for the
 * filter. Dilation 1 goes to `stock`, tfjs's own gradient.
 */
export function dilatedDepthwiseConv2dGradConfig(stock: tf.GradConfig): tf.GradConfig {
  return {
    kernelName: 'DepthwiseConv2dNative',
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy, saved, attrs) => {
      const { strides, pad, dilations, dimRoundingMode } = attrs as unknown as DepthwiseConv2dNativeAttrs;
      if (allOnes(dilations)) return stock.gradFunc(dy, saved, attrs);
      const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
      const g = convGeometry(x.shape, filter.shape, strides, dilations ?? 1, pad, dimRoundingMode, true);
      return {
        x: () => depthwiseInputGradient(dy as tf.Tensor4D, filter, g),
        filter: () => depthwiseFilterGradient(x, dy as tf.Tensor4D, g, filter.shape[3]),
      };
    },
  };
}
