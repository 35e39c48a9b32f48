import type * as tf from '@tensorflow/tfjs';
import { targetGradients } from '@tfxai/core';
import { GradientMapMethod, type GradientMapOptions } from './gradient-map-method.js';

/** Options of {@link Saliency}. */
export type SaliencyOptions = GradientMapOptions;

/**
 * Saliency map (Simonyan et al. 2014): the input gradient `d y_c / d x` of the
 * class score. The heatmap is the maximum over channels of |gradient|, as in the
 * paper; `absolute: false` gives AUCMEDI's signed channel maximum.
 */
export class Saliency extends GradientMapMethod {
  readonly name = 'saliency';

  protected rowGradients(rows: tf.Tensor4D, targets: readonly number[], numClasses: number): tf.Tensor4D {
    return targetGradients(this.adapter, rows, targets, numClasses);
  }
}
