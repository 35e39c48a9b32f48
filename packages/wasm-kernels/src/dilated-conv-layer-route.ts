import * as tf from '@tensorflow/tfjs';
import { replaceLayerClassCall, type LayerCall } from '@tfxai/core';

/** The fields of a tfjs-layers Conv2D instance its `call` reads (tfjs-layers 4.22, layers/convolutional.js). */
interface Conv2DInternals {
  rank: number;
  kernel?: { read(): tf.Tensor } | null;
  bias?: { read(): tf.Tensor } | null;
  strides: number[];
  padding: string;
  dataFormat: string;
  dilationRate: number | number[];
  activation?: { apply(x: tf.Tensor): tf.Tensor } | null;
}

function isDilated(rate: number | number[]): boolean {
  return typeof rate === 'number' ? rate !== 1 : rate.some((d) => d !== 1);
}

/** The one 4-D float32 input a call gets, or undefined for anything else (left to tfjs-layers). */
function singleInput(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor4D | undefined {
  const x = Array.isArray(inputs) ? (inputs.length === 1 ? inputs[0] : undefined) : inputs;
  return x instanceof tf.Tensor && x.rank === 4 && x.dtype === 'float32' ? (x as tf.Tensor4D) : undefined;
}

/**
 * Conv2D's call as unfused ops: conv2d (NHWC), + bias, then the layer's activation; what
 * tfjs-layers computes through tf.fused.conv2d, whose closure gradient refuses dilation.
 * The unfused ops' gradients are the registered ones, which tfxai replaces inside its passes
 * with ones that handle dilation (gradients/dilated-conv2d-grad.ts).
 */
function unfusedConv2d(layer: Conv2DInternals, x: tf.Tensor4D, kernel: tf.Tensor4D): tf.Tensor {
  return tf.tidy(() => {
    const channelsFirst = layer.dataFormat === 'channelsFirst';
    let y: tf.Tensor4D = channelsFirst ? tf.transpose(x, [0, 2, 3, 1]) : x;
    y = tf.conv2d(y, kernel, layer.strides as [number, number], layer.padding as 'same' | 'valid', 'NHWC', layer.dilationRate as [number, number]);
    if (layer.bias) y = tf.add(y, layer.bias.read());
    if (channelsFirst) y = tf.transpose(y, [0, 3, 1, 2]);
    // After the transpose back, as tfjs-layers applies a non-fusable activation (softmax is per last axis).
    return layer.activation ? layer.activation.apply(y) : y;
  });
}

function routedCall(layer: tf.layers.Layer, original: LayerCall, inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
  const conv = layer as unknown as Conv2DInternals;
  const x = singleInput(inputs);
  const kernel = conv.kernel?.read();
  const eligible =
    tf.engine().state.gradientDepth > 0 &&
    conv.rank === 2 &&
    isDilated(conv.dilationRate) &&
    (conv.padding === 'same' || conv.padding === 'valid') &&
    (conv.dataFormat === 'channelsLast' || conv.dataFormat === 'channelsFirst') &&
    x !== undefined &&
    kernel instanceof tf.Tensor &&
    kernel.rank === 4;
  return eligible ? unfusedConv2d(conv, x, kernel as tf.Tensor4D) : original(inputs, kwargs);
}

/**
 * Routes dilated tfjs-layers Conv2D layers to unfused ops while a gradient is recorded, by
 * replacing the Conv2D class's `call` (core's replaceLayerClassCall) until the returned undo runs.
 *
 * Why: tfjs-layers' Conv2D runs tf.fused.conv2d, which under a gradient keeps the fused kernel for
 * a linear activation (and for every activation it cannot fuse, which it applies afterwards), and
 * that kernel's gradient refuses dilation rates > 1. In Node, fused-conv-route.ts swaps tf.fused's
 * entries instead; an ES-module bundle (the browser) freezes the tf.fused namespace, but not a
 * class prototype. registration.ts applies this only inside tfxai's own gradient passes (a scoped
 * patch of @tfxai/core's withTfxaiKernels). Calls outside gradient recording, undilated layers and
 * every other case run tfjs-layers' own call.
 * @returns the undo: Conv2D's call is tfjs-layers' own again
 */
export function routeDilatedConvLayers(): () => void {
  return replaceLayerClassCall('Conv2D', routedCall);
}
