import * as tf from '@tensorflow/tfjs';
import { InvalidInputError } from './errors.js';
import type { SpatialRank } from './image-batch.js';

/**
 * `computeHeatmap` explains one example: an image (1, H, W, C) or (H, W, C), or
 * a volume (1, D, H, W, C) or (D, H, W, C). A batch of several is an
 * InvalidInputError; other ranks, dtypes and empty batches are left to
 * `toImageBatch`, whose messages say more about them.
 * @param batchAdvice what to do instead, appended to the message (default: 'Use attribute() for batches')
 * @param spatialRank the model's (2: images, 3: volumes); unknown: rank 4 is a batch of images, rank 5 one of volumes
 */
export function assertSingleImage(image: unknown, batchAdvice = 'Use attribute() for batches', spatialRank?: SpatialRank): void {
  if (!(image instanceof tf.Tensor)) return;
  const batched = spatialRank === undefined ? image.rank === 4 || image.rank === 5 : image.rank === spatialRank + 2;
  if (batched && image.shape[0]! > 1) {
    const layout = image.rank === 5 ? '(1, D, H, W, C) or (D, H, W, C)' : '(1, H, W, C) or (H, W, C)';
    throw new InvalidInputError(`computeHeatmap takes one ${image.rank === 5 ? 'volume' : 'image'}, ${layout}; got shape [${image.shape}]. ${batchAdvice}`);
  }
}
