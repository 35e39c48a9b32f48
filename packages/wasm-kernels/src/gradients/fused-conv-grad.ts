import * as tf from '@tensorflow/tfjs';
import { allOnes, convGeometry, type ConvPadding } from '../conv-geometry.js';
import { conv2dFilterGradient } from '../conv2d-filter-gradient.js';
import { conv2dInputGradient } from '../conv2d-input-gradient.js';
import { depthwiseFilterGradient } from '../depthwise-filter-gradient.js';
import { depthwiseInputGradient } from '../depthwise-input-gradient.js';

interface FusedConvAttrs {
  strides: number | [number, number];
  pad: ConvPadding;
  dilations?: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  activation?: string;
}

/** The activations whose gradient these configs know: dy itself, or dy where the output is > 0. */
export const FUSED_GRADIENT_ACTIVATIONS: readonly string[] = ['linear', 'relu'];

/**
 * dy through the fused activation. For relu this asks the gradient registered for the
 * Relu kernel NOW, given the fused output y = relu(x) as its saved input: tfjs's rule
 * (dy * step(x)) and guided backpropagation's (relu(dy) * step(x), which
 * @tfxai/gradient-maps registers for the duration of its pass) give the same numbers
 * on y as on x, because x > 0 exactly where y > 0. So a fused relu is guided exactly
 * where a separate Relu kernel would be.
 */
export function throughActivation(dy: tf.Tensor, output: tf.Tensor, activation: string | undefined): tf.Tensor {
  if (activation !== 'relu') return dy;
  const relu = tf.getGradient('Relu');
  return relu.gradFunc(dy, [output], {})['x']!();
}

/**
 * Runs a backprop kernel by name, so that each backend uses its own registered one
 * (tfxai's on wasm, the backend's elsewhere); tfjs's backprop kernels take no
 * dilation, so dilated cases use tfxai's formulations instead.
 */
function backpropKernel(name: string, inputs: tf.NamedTensorMap, attrs: object): tf.Tensor4D {
  return tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap) as tf.Tensor4D;
}

/**
 * A gradient for the FusedConv2D KERNEL (conv + 1-D bias + linear/relu in one
 * backend call), which tfjs-core does not register: its fused op wraps the
 * kernel in a closure gradient instead, one that computes the filter and bias
 * gradients even when only the input gradient is wanted and refuses
 * dilation. With this config the forward pass of a gradient computation can
 * keep the single fused kernel (see fused-conv-route.ts) while each input's
 * gradient is computed only when asked for, at any dilation: by the backend's
 * backprop kernels (tfxai's on wasm), or tfxai's formulations when dilated.
 */
export function fusedConv2dGradConfig(): tf.GradConfig {
  return {
    kernelName: 'FusedConv2D',
    inputsToSave: ['x', 'filter'],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const [x, filter, output] = saved as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
      const { strides, pad, dilations, dimRoundingMode, activation } = attrs as unknown as FusedConvAttrs;
      const g = convGeometry(x.shape, filter.shape, strides, dilations ?? 1, pad, dimRoundingMode, false);
      const dyActivation = throughActivation(dy as tf.Tensor, output, activation) as tf.Tensor4D;
      const common = { strides, pad, dataFormat: 'NHWC', dimRoundingMode };
      const dilated = !allOnes(dilations);
      return {
        x: () =>
          dilated
            ? conv2dInputGradient(dyActivation, filter, g)
            : backpropKernel('Conv2DBackpropInput', { dy: dyActivation, filter }, { ...common, inputShape: x.shape }),
        filter: () =>
          dilated
            ? conv2dFilterGradient(x, dyActivation, g)
            : backpropKernel('Conv2DBackpropFilter', { x, dy: dyActivation }, { ...common, filterShape: filter.shape }),
        bias: () => tf.sum(dyActivation, [0, 1, 2]),
      };
    },
  };
}

/** The same for the FusedDepthwiseConv2D kernel. */
export function fusedDepthwiseConv2dGradConfig(): tf.GradConfig {
  return {
    kernelName: 'FusedDepthwiseConv2D',
    inputsToSave: ['x', 'filter'],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const [x, filter, output] = saved as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
      const { strides, pad, dilations, dimRoundingMode, activation } = attrs as unknown as FusedConvAttrs;
      const g = convGeometry(x.shape, filter.shape, strides, dilations ?? 1, pad, dimRoundingMode, true);
      const dyActivation = throughActivation(dy as tf.Tensor, output, activation) as tf.Tensor4D;
      const common = { strides, pad, dilations: 1, dimRoundingMode };
      const dilated = !allOnes(dilations);
      return {
        x: () =>
          dilated
            ? depthwiseInputGradient(dyActivation, filter, g)
            : backpropKernel('DepthwiseConv2dNativeBackpropInput', { dy: dyActivation, filter }, { ...common, inputShape: x.shape }),
        filter: () =>
          dilated
            ? depthwiseFilterGradient(x, dyActivation, g, filter.shape[3])
            : backpropKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy: dyActivation }, { ...common, filterShape: filter.shape }),
        bias: () => tf.sum(dyActivation, [0, 1, 2]),
      };
    },
  };
}
