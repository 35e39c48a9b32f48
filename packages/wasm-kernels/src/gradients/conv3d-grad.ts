import * as tf from '@tensorflow/tfjs';
import { conv3dFilterGradient, conv3dInputGradient } from '../conv3d-gradients.js';

interface Conv3DAttrs {
  strides: number | [number, number, number];
  pad: 'valid' | 'same';
  dataFormat: 'NDHWC' | 'NCDHW';
  dilations: number | [number, number, number];
}

/**
 * conv3d's gradient, exact on every backend and for every dilation: stock
 * tfjs 4.22 refuses dilations > 1 (every backend), and stock wasm's
 * Conv3DBackpropInputV2 and Conv3DBackpropFilterV2 are wrong whenever the
 * output depth is above 1 (measured against finite differences). Input
 * gradient: one forward conv3d; filter gradient: one matrix product per tap.
 */
export function conv3dGradConfig(): tf.GradConfig {
  return {
    kernelName: 'Conv3D',
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy, saved, attrs) => {
      const { strides, pad, dilations } = attrs as unknown as Conv3DAttrs;
      const [x, filter] = saved as [tf.Tensor5D, tf.Tensor5D];
      const g = tf.backend_util.computeConv3DInfo(x.shape, filter.shape, strides, dilations, pad);
      return {
        x: () => conv3dInputGradient(dy as tf.Tensor5D, filter, g),
        filter: () => conv3dFilterGradient(x, dy as tf.Tensor5D, g),
      };
    },
  };
}
