import * as tf from '@tensorflow/tfjs';
import { FUSED_GRADIENT_ACTIVATIONS } from './gradients/fused-conv-grad.js';

type FusedConvArgs = Parameters<typeof tf.fused.conv2d>[0];
type FusedDepthwiseArgs = Parameters<typeof tf.fused.depthwiseConv2d>[0];
type FusedOps = { conv2d: typeof tf.fused.conv2d; depthwiseConv2d: typeof tf.fused.depthwiseConv2d };

/**
 * How tf.fused.conv2d / tf.fused.depthwiseConv2d run WHILE A GRADIENT IS BEING RECORDED:
 * - 'fused-kernel': calls with a linear or relu activation and a 1-D bias (what tfjs-layers'
 *   Conv2D and converted graph models pass) run the fused KERNEL directly, so the tape
 *   records it under its kernel name and uses tfxai's registered FusedConv2D /
 *   FusedDepthwiseConv2D gradients (lazy per input, any dilation); one backend call
 *   forward instead of conv + add + relu. Other dilated linear calls take the unfused ops.
 * - 'dilated-only': only dilated linear calls are changed: to the unfused ops, whose
 *   replaceable gradients handle dilation (tfjs does the same for non-linear activations).
 * tfjs's fused ops wrap the kernel in a closure gradient that cannot be replaced, refuses
 * dilation and computes filter and bias gradients eagerly. Outside gradient recording,
 * and in every other case, tfjs's own ops run unchanged.
 */
export type FusedConvRoute = 'fused-kernel' | 'dilated-only';

let originals: FusedOps | undefined;

function isDilated(dilations: number | [number, number] | undefined): boolean {
  return dilations !== undefined && (typeof dilations === 'number' ? dilations !== 1 : dilations.some((d) => d !== 1));
}

/** Recording a gradient, NHWC, float32 rank-4 tensors: the calls worth changing at all. */
function eligible(args: FusedConvArgs | FusedDepthwiseArgs): boolean {
  return (
    tf.engine().state.gradientDepth > 0 &&
    (args.dataFormat === undefined || args.dataFormat === 'NHWC') &&
    args.x instanceof tf.Tensor &&
    args.x.rank === 4 &&
    args.x.dtype === 'float32' &&
    args.filter instanceof tf.Tensor &&
    args.preluActivationWeights == null
  );
}

/** A 1-D float32 bias with one entry per output channel, or none: the bias the kernel gradients handle. */
function plainBias(bias: FusedConvArgs['bias'], outChannels: number): boolean {
  return bias == null || (bias instanceof tf.Tensor && bias.rank === 1 && bias.shape[0] === outChannels && bias.dtype === 'float32');
}

function runFusedKernel(kernelName: string, args: FusedConvArgs | FusedDepthwiseArgs): tf.Tensor4D {
  const inputs: tf.NamedTensorMap = { x: args.x as tf.Tensor, filter: args.filter as tf.Tensor };
  if (args.bias != null) inputs['bias'] = args.bias as tf.Tensor;
  const attrs = {
    strides: args.strides,
    pad: args.pad,
    dataFormat: 'NHWC',
    dilations: args.dilations ?? [1, 1],
    dimRoundingMode: args.dimRoundingMode,
    activation: args.activation ?? 'linear',
  };
  return tf.engine().runKernel(kernelName, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor4D;
}

/**
 * Installs the route (see {@link FusedConvRoute}) by replacing the two entries of the
 * tf.fused object. registration.ts applies it only inside tfxai's own gradient passes (a scoped
 * patch of @tfxai/core's withTfxaiKernels, undone by {@link restoreFusedConvs} as the pass ends):
 * outside them tf.fused is tfjs's own.
 * @returns false when tf.fused cannot be patched (an ES-module build whose namespace is frozen)
 */
export function routeFusedConvGradients(route: FusedConvRoute): boolean {
  restoreFusedConvs();
  const fused = tf.fused as unknown as FusedOps;
  const saved: FusedOps = { conv2d: fused.conv2d, depthwiseConv2d: fused.depthwiseConv2d };
  const kernelRoute = (args: FusedConvArgs | FusedDepthwiseArgs, outChannels: number) =>
    route === 'fused-kernel' && FUSED_GRADIENT_ACTIVATIONS.includes(args.activation ?? 'linear') && plainBias(args.bias, outChannels);
  const unfusedRoute = (args: FusedConvArgs | FusedDepthwiseArgs) => (args.activation ?? 'linear') === 'linear' && isDilated(args.dilations);

  const conv2d = ((args: FusedConvArgs) => {
    if (!eligible(args)) return saved.conv2d(args);
    const filter = args.filter as tf.Tensor4D;
    if (kernelRoute(args, filter.shape[3])) return runFusedKernel('FusedConv2D', args);
    if (!unfusedRoute(args)) return saved.conv2d(args);
    const y = tf.conv2d(args.x as tf.Tensor4D, filter, args.strides, args.pad, 'NHWC', args.dilations, args.dimRoundingMode);
    return args.bias == null ? y : tf.add(y, args.bias);
  }) as typeof tf.fused.conv2d;
  const depthwiseConv2d = ((args: FusedDepthwiseArgs) => {
    if (!eligible(args)) return saved.depthwiseConv2d(args);
    const filter = args.filter as tf.Tensor4D;
    if (kernelRoute(args, filter.shape[2] * filter.shape[3])) return runFusedKernel('FusedDepthwiseConv2D', args);
    if (!unfusedRoute(args)) return saved.depthwiseConv2d(args);
    const y = tf.depthwiseConv2d(args.x as tf.Tensor4D, filter, args.strides, args.pad, 'NHWC', args.dilations, args.dimRoundingMode);
    return args.bias == null ? y : tf.add(y, args.bias);
  }) as typeof tf.fused.depthwiseConv2d;
  try {
    fused.conv2d = conv2d;
    fused.depthwiseConv2d = depthwiseConv2d;
  } catch {
    return false;
  }
  if (fused.conv2d !== conv2d || fused.depthwiseConv2d !== depthwiseConv2d) return false;
  originals = saved;
  return true;
}

/** Puts tfjs's own fused ops back. */
export function restoreFusedConvs(): void {
  if (!originals) return;
  const fused = tf.fused as unknown as FusedOps;
  fused.conv2d = originals.conv2d;
  fused.depthwiseConv2d = originals.depthwiseConv2d;
  originals = undefined;
}
