import * as tf from '@tensorflow/tfjs';
import { InvalidOptionError, checkChoice, checkNumber, gaussianBlur } from '@tfxai/core';

/** What removed pixels are replaced with. */
export type FillMode = 'constant' | 'mean' | 'blur';
export const FILL_MODES: readonly FillMode[] = ['constant', 'mean', 'blur'];

/** The fill options of the deletion and insertion curves. */
export interface FillOptions {
  /** `'constant'`: `fillValue`; `'mean'`: the image's mean per channel; `'blur'`: a Gaussian blur of the image (2-D only). Default 'constant'. */
  fill?: FillMode;
  /** The constant of `fill: 'constant'`. Default 0. */
  fillValue?: number;
  /** The blur's standard deviation in pixels, for `fill: 'blur'`. Default 5. */
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
 * @throws InvalidOptionError for 'blur' on a volume
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
        if (image.rank !== 4) throw new InvalidOptionError('fill', `'blur' works on 2-D images (N, H, W, C); got shape [${image.shape}]; use 'constant' or 'mean' for volumes`);
        return gaussianBlur(image as tf.Tensor4D, fill.blurSigma);
    }
  });
}
