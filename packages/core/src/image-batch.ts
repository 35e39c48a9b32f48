import type * as tf from '@tensorflow/tfjs';

/** A batch of images (N, H, W, C) or of volumes (N, D, H, W, C). */
export type ImageBatch = tf.Tensor4D | tf.Tensor5D;

/** A heatmap in [0, 1]: (H, W) for an image, (D, H, W) for a volume. */
export type Heatmap = tf.Tensor2D | tf.Tensor3D;

/** How many spatial axes an example has: 2 for images (H, W), 3 for volumes (D, H, W). */
export type SpatialRank = 2 | 3;

/** The spatial sizes of a batch: [H, W] of (N, H, W, C), [D, H, W] of (N, D, H, W, C). */
export function spatialShape(batch: tf.Tensor): number[] {
  return batch.shape.slice(1, -1);
}

/** The spatial rank of a batch (its rank minus the batch and channel axes). */
export function batchSpatialRank(batch: ImageBatch): SpatialRank {
  return batch.rank === 5 ? 3 : 2;
}

/** How a shape is written in messages: '(N, H, W, C)' or '(N, D, H, W, C)'. */
export function batchLayout(spatialRank: SpatialRank): string {
  return spatialRank === 3 ? '(N, D, H, W, C)' : '(N, H, W, C)';
}

/** How one example's shape is written in messages: '(H, W, C)' or '(D, H, W, C)'. */
export function exampleLayout(spatialRank: SpatialRank): string {
  return spatialRank === 3 ? '(D, H, W, C)' : '(H, W, C)';
}
