import * as tf from '@tensorflow/tfjs';
import { InvalidInputError } from './errors.js';
import { batchLayout, exampleLayout, type ImageBatch, type SpatialRank } from './image-batch.js';

/**
 * Checks an image argument and returns it as a float32 batch: (N, H, W, C)
 * images or (N, D, H, W, C) volumes. One example without its batch axis is a
 * batch of one: (H, W, C) for images, (D, H, W, C) for volumes. Which layout a
 * rank-4 tensor has is decided by `spatialRank` (the model's: 2 for images,
 * 3 for volumes); without it, rank 4 is a batch of images and rank 5 one of
 * volumes. The result is a new tensor the caller disposes (a tidy-safe clone
 * even when no change was needed).
 * @param what how the argument is named in error messages
 * @param spatialRank the spatial rank the model takes, when known
 */
export function toImageBatch(image: unknown, what = 'image', spatialRank?: SpatialRank): ImageBatch {
  const allowed =
    spatialRank === undefined
      ? 'rank 4 (N, H, W, C) or 3 (H, W, C) for images, rank 5 (N, D, H, W, C) for volumes'
      : `rank ${spatialRank + 2} ${batchLayout(spatialRank)} or ${spatialRank + 1} ${exampleLayout(spatialRank)}, as the model takes ${spatialRank === 3 ? 'volumes' : 'images'}`;
  if (!(image instanceof tf.Tensor)) {
    throw new InvalidInputError(`${what} must be a tf.Tensor of ${allowed}; got ${describe(image)}`);
  }
  const ranks = spatialRank === undefined ? [3, 4, 5] : [spatialRank + 1, spatialRank + 2];
  if (!ranks.includes(image.rank)) {
    throw new InvalidInputError(`${what} must have ${allowed}; got rank ${image.rank}, shape [${image.shape}]`);
  }
  if (image.dtype !== 'float32' && image.dtype !== 'int32') {
    throw new InvalidInputError(`${what} must be float32 or int32; got ${image.dtype}`);
  }
  if (image.size === 0) {
    throw new InvalidInputError(`${what} is empty (shape [${image.shape}]); it needs at least one example with every size > 0`);
  }
  // One example without the batch axis: rank 3 for images, rank 4 for volumes.
  const single = image.rank === (spatialRank ?? 2) + 1;
  return tf.tidy(() => {
    const batch = single ? image.expandDims(0) : image.clone();
    return batch.toFloat() as ImageBatch;
  });
}

/** Throws when a tensor holds NaN or +-Infinity, saying where the first one is. */
export async function assertFinite(x: tf.Tensor, what = 'image'): Promise<void> {
  const values = await x.data();
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]!)) {
      throw new InvalidInputError(`${what} holds ${values[i]} at flat index ${i} (shape [${x.shape}]); only finite values are allowed`);
    }
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}
