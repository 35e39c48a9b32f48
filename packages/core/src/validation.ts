import * as tf from '@tensorflow/tfjs';
import { InvalidInputError } from './errors.js';

/**
 * Checks an image argument and returns it as a float32 batch (N, H, W, C).
 * Accepts (H, W, C) as a batch of one. The result is a new tensor the caller
 * disposes (it is a tidy-safe clone even when no change was needed).
 * @param what how the argument is named in error messages
 */
export function toImageBatch(image: unknown, what = 'image'): tf.Tensor4D {
  if (!(image instanceof tf.Tensor)) {
    throw new InvalidInputError(`${what} must be a tf.Tensor of shape (N, H, W, C) or (H, W, C); got ${describe(image)}`);
  }
  if (image.rank !== 3 && image.rank !== 4) {
    throw new InvalidInputError(`${what} must have rank 4 (N, H, W, C) or 3 (H, W, C); got rank ${image.rank}, shape [${image.shape}]`);
  }
  if (image.dtype !== 'float32' && image.dtype !== 'int32') {
    throw new InvalidInputError(`${what} must be float32 or int32; got ${image.dtype}`);
  }
  if (image.size === 0) {
    throw new InvalidInputError(`${what} is empty (shape [${image.shape}]); it needs at least one example with H, W, C > 0`);
  }
  return tf.tidy(() => {
    const batch = image.rank === 3 ? image.expandDims(0) : image.clone();
    return batch.toFloat() as tf.Tensor4D;
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
