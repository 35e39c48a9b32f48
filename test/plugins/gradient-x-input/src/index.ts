import * as tf from '@tensorflow/tfjs';
import {
  defineMethod,
  minMaxNormalize,
  reduceChannels,
  resolveTargets,
  targetGradients,
  toImageBatch,
  assertFinite,
  type AttributionResult,
  type MethodServices,
  type ModelLike,
  type XaiMethod,
} from '@tfxai/core';

/** Gradient x Input: the input times the gradient of the class score at the input. */
export class GradientXInput implements XaiMethod {
  readonly name = 'gradient-x-input';
  constructor(private readonly model: ModelLike, private readonly services: MethodServices) {}

  async attribute(images: tf.Tensor, targets: number | readonly number[]): Promise<AttributionResult> {
    await this.services.backend.ready();
    const adapter = this.services.adaptModel(this.model);
    const batch = toImageBatch(images, 'images');
    try {
      await assertFinite(batch);
      const numClasses = tf.tidy(() => adapter.predict(batch.slice(0, 1)).shape[1]);
      const classes = resolveTargets(targets, batch.shape[0], numClasses);
      const attributions = tf.tidy(() => tf.mul(targetGradients(adapter, batch, classes, numClasses), batch) as tf.Tensor4D);
      return { attributions };
    } finally {
      batch.dispose();
    }
  }

  async computeHeatmap(image: tf.Tensor, classIndex: number, eps = 1e-8): Promise<tf.Tensor2D> {
    const { attributions } = await this.attribute(image, classIndex);
    const map = tf.tidy(() => minMaxNormalize(reduceChannels(attributions, 'sum').squeeze([0]) as tf.Tensor2D, eps));
    attributions.dispose();
    return map;
  }
}

/** The plugin's whole registration: one call. */
export const gradientXInputModule = defineMethod({
  name: 'gradient-x-input',
  aliases: ['gxi'],
  description: 'Gradient x Input (Shrikumar et al. 2016), a third-party plugin',
  create: (model, _options, services) => new GradientXInput(model, services),
});
