import * as tf from '@tensorflow/tfjs';
import { assertFinite, assertSingleImage, toImageBatch } from '@tfxai/core';

/**
 * Checks the one image a perturbation method explains and returns it as a
 * float32 batch of one (1, H, W, C) with its pixel values (read once here, for
 * segmentation and fills); the caller disposes the tensor.
 * @throws InvalidInputError for a batch of several images, a bad shape or dtype, an empty image, NaN or Infinity
 */
export async function singleImage(image: tf.Tensor): Promise<{ batch: tf.Tensor4D; pixels: Float32Array }> {
  assertSingleImage(image, 'Perturbation methods explain one image per call');
  const batch = toImageBatch(image, 'image');
  try {
    await assertFinite(batch, 'image');
    return { batch, pixels: await batch.data<'float32'>() };
  } catch (error) {
    batch.dispose();
    throw error;
  }
}
