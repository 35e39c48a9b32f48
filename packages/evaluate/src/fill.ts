import * as tf from '@tensorflow/tfjs';
import { checkChoice, checkNumber, gaussianBlur, gaussianBlur3d } from '@tfxai/core';

/** What removed pixels are replaced with. */
export type FillMode = 'constant' | 'mean' | 'blur';
export const FILL_MODES: readonly FillMode[] = ['constant', 'mean', 'blur'];

/** The fill options of the deletion and insertion curves. */
export interface FillOptions {
  /** `'constant'`: `fillValue`; `'mean'`: the image's mean per channel; `'blur'`: a Gaussian blur of the image (2-D, or 3-D on volumes). Default 'constant'. */
  fill?: FillMode;
  /** The constant of `fill: 'constant'`. Default 0. */
  fillValue?: number;
  /** The blur's standard deviation in pixels (voxels), for `fill: 'blur'`. Default 5. */
  blurSigma?: number;
}
export const FILL_OPTION_KEYS = ['fill', 'fillValue', 'blurSigma'] as const;

/** Checks the fill options and returns them with their defaults. */
export function resolveFill(options: FillOptions): Required<FillOptions> {
  return {
    fill: checkChoice('fill', options.fill ?? 'constant', FILL_MODES),
    fillValue: checkNumber('fillValue', options.fillValue ?? 0),
    blurSigma: checkNumber('blurSigma', options.blurSigma ?? 5, { min: 0, minExclusive: true }),
  };
}

/**
 * The fill of one image (1, ...spatial, C): what a removed pixel shows.
 * The caller disposes it.
 */
export function fillFor(image: tf.Tensor, fill: Required<FillOptions>): tf.Tensor {
  return tf.tidy(() => {
    switch (fill.fill) {
      case 'constant':
        return tf.fill(image.shape, fill.fillValue);
      case 'mean': {
        const spatialAxes = image.shape.slice(1, -1).map((_, a) => a + 1);
        return tf.broadcastTo(tf.mean(image, spatialAxes, true), image.shape);
      }
      case 'blur':
        // prepareModelInputs admits rank 4 (images) and 5 (volumes) only.
        return image.rank === 5 ? gaussianBlur3d(image as tf.Tensor5D, fill.blurSigma) : gaussianBlur(image as tf.Tensor4D, fill.blurSigma);
    }
  });
}
