import { targetGradients, type ImageBatch } from '@tfxai/core';
import { GradientMapMethod, type GradientMapOptions } from './gradient-map-method.js';
import { withGuidedRelu } from './guided-relu.js';

/** Options of {@link GuidedBackprop}. */
export type GuidedBackpropOptions = GradientMapOptions;

/**
 * Guided Backpropagation (Springenberg et al. 2015): the input gradient with every
 * ReLU passing back only positive gradient, and only where its input was positive.
 * The guided rule is in force only during this method's own forward and backward
 * pass (see {@link withGuidedRelu}); every other gradient, before, after or
 * concurrently, stays vanilla. The model is not modified.
 */
export class GuidedBackprop extends GradientMapMethod {
  readonly name = 'guided-backprop';

  protected rowGradients(rows: ImageBatch, targets: readonly number[], numClasses: number): ImageBatch {
    return withGuidedRelu(() => targetGradients(this.adapter, rows, targets, numClasses));
  }
}
