import { targetGradients, type ImageBatch } from '@tfxai/core';
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

  protected rowGradients(rows: ImageBatch, targets: readonly number[], numClasses: number): ImageBatch {
    return targetGradients(this.adapter, rows, targets, numClasses);
  }
}
