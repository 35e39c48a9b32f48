import * as tf from '@tensorflow/tfjs';
import { AttributionMethod, defineMethod, targetGradients, type AttributionResult, type HeatmapSpec, type PreparedBatch } from '@tfxai/core';

/**
 * Gradient x Input: the input times the gradient of the class score at the input.
 * The core lifecycle (`AttributionMethod`) does the rest: backend, input and
 * model checks, targets, the NaN/Infinity check of the result, the heatmap.
 */
export class GradientXInput extends AttributionMethod {
  readonly name = 'gradient-x-input';

  get heatmapSpec(): HeatmapSpec {
    return { absolute: false, channelReduction: 'sum' };
  }

  protected async attributeBatch({ batch, targets, numClasses }: PreparedBatch): Promise<AttributionResult> {
    return { attributions: tf.tidy(() => tf.mul(targetGradients(this.adapter, batch, targets, numClasses), batch) as tf.Tensor4D) };
  }
}

/** The plugin's whole registration: one call. It takes no options, so any option is refused. */
export const gradientXInputModule = defineMethod({
  name: 'gradient-x-input',
  aliases: ['gxi'],
  description: 'Gradient x Input (Shrikumar et al. 2016), a third-party plugin',
  options: [],
  create: (model, _options, services) => new GradientXInput(model, services),
});
