import * as tf from '@tensorflow/tfjs';

/** A convolution's padding argument, as tfjs ops take it. */
export type ConvPadding = 'valid' | 'same' | number | [[number, number], [number, number], [number, number], [number, number]];

/**
 * The attributes tfjs hands a conv2d or depthwise backprop kernel: the common
 * ones and the shape of what the kernel computes the gradient of
 * (`'filterShape'` for filter gradients, `'inputShape'` for input gradients).
 */
export type ConvBackpropAttrs<Of extends 'filterShape' | 'inputShape'> = {
  strides: number | [number, number];
  dilations?: number | [number, number];
  pad: ConvPadding;
  /** Only conv2d's kernels have a layout; tfxai's formulations are NHWC. */
  dataFormat?: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
} & Record<Of, [number, number, number, number]>;


/** The numbers every gradient formulation here needs, in NHWC. */
export interface ConvGeometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  outHeight: number;
  outWidth: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  dilationHeight: number;
  dilationWidth: number;
  /** (filterHeight - 1) * dilationHeight + 1 */
  effectiveFilterHeight: number;
  effectiveFilterWidth: number;
  padTop: number;
  padBottom: number;
  padLeft: number;
  padRight: number;
}

type Pair = number | [number, number];

/**
 * The geometry tfjs itself computes for the forward convolution (same
 * padding split, same rounding), so that gradients line up with the forward
 * pass element for element.
 */
export function convGeometry(
  inputShape: readonly number[],
  filterShape: readonly number[],
  strides: Pair,
  dilations: Pair,
  pad: ConvPadding,
  dimRoundingMode: 'floor' | 'round' | 'ceil' | undefined,
  depthwise: boolean,
): ConvGeometry {
  const info = tf.backend_util.computeConv2DInfo(
    inputShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    strides,
    dilations,
    pad as 'valid',
    dimRoundingMode,
    depthwise,
  );
  return {
    batch: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    dilationHeight: info.dilationHeight,
    dilationWidth: info.dilationWidth,
    effectiveFilterHeight: info.effectiveFilterHeight,
    effectiveFilterWidth: info.effectiveFilterWidth,
    padTop: info.padInfo.top,
    padBottom: info.padInfo.bottom,
    padLeft: info.padInfo.left,
    padRight: info.padInfo.right,
  };
}

/** True when every entry of a stride or dilation argument is 1. */
export function allOnes(value: Pair | undefined | null): boolean {
  if (value === undefined || value === null) return true;
  return typeof value === 'number' ? value === 1 : value.every((v) => v === 1);
}
