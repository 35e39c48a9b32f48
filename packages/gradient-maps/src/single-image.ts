import * as tf from '@tensorflow/tfjs';
import { InvalidInputError } from '@tfxai/core';

/** computeHeatmap takes one image: (1, H, W, C) or (H, W, C). Other ranks and empty batches are left to `toImageBatch`. */
export function assertSingleImage(image: unknown): void {
  if (image instanceof tf.Tensor && image.rank === 4 && image.shape[0] > 1) {
    throw new InvalidInputError(`computeHeatmap takes one image, (1, H, W, C) or (H, W, C); got shape [${image.shape}]. Use attribute() for batches`);
  }
}
