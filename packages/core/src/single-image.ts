import * as tf from '@tensorflow/tfjs';
import { InvalidInputError } from './errors.js';

/**
 * `computeHeatmap` explains one image: (1, H, W, C) or (H, W, C). A batch of
 * several is an InvalidInputError; other ranks, dtypes and empty batches are
 * left to `toImageBatch`, whose messages say more about them.
 * @param batchAdvice what to do instead, appended to the message (default: 'Use attribute() for batches')
 */
export function assertSingleImage(image: unknown, batchAdvice = 'Use attribute() for batches'): void {
  if (image instanceof tf.Tensor && image.rank === 4 && image.shape[0] > 1) {
    throw new InvalidInputError(`computeHeatmap takes one image, (1, H, W, C) or (H, W, C); got shape [${image.shape}]. ${batchAdvice}`);
  }
}
