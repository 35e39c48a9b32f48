import * as tf from '@tensorflow/tfjs';
import { InvalidInputError, assertFinite, toImageBatch } from '@tfxai/core';

/**
 * Checks the one image a perturbation method explains and returns it as a
 * float32 batch of one (1, H, W, C) with its values; the caller disposes the tensor.
 * @throws InvalidInputError for a batch of several images, a bad shape or dtype, NaN or Infinity
 */
export async function singleImage(image: tf.Tensor): Promise<{ batch: tf.Tensor4D; pixels: Float32Array }> {
  if (image instanceof tf.Tensor && image.rank === 4 && image.shape[0] !== 1) {
    throw new InvalidInputError(`perturbation methods explain one image, (1, H, W, C) or (H, W, C); got shape [${image.shape}]`);
  }
  const batch = toImageBatch(image, 'image');
  try {
    await assertFinite(batch, 'image');
    return { batch, pixels: await batch.data<'float32'>() };
  } catch (error) {
    batch.dispose();
    throw error;
  }
}
