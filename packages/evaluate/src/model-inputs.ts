import * as tf from '@tensorflow/tfjs';
import { InvalidInputError, adaptModel, assertFinite, resolveTargets, type ModelAdapter, type ModelLike } from '@tfxai/core';

/** A checked batch of model inputs with what the metrics need to know about it. */
export interface ModelInputs {
  /** float32 (N, H, W, C) or (N, D, H, W, C); the caller disposes it. */
  images: tf.Tensor;
  adapter: ModelAdapter;
  /** One class per example, checked against the model's class count. */
  targets: number[];
  /** Each example's target score on the unperturbed input. */
  scores: number[];
  /** The model's class count. */
  numClasses: number;
  /** [H, W] or [D, H, W]. */
  spatialShape: number[];
  /** C. */
  channels: number;
}

/**
 * Checks images (rank 4 for images, rank 5 for volumes; finite) and targets,
 * and runs the model once on the batch.
 * @throws InvalidInputError / ClassIndexError for bad images or targets
 */
export async function prepareModelInputs(model: ModelLike, images: unknown, targets: number | readonly number[]): Promise<ModelInputs> {
  if (!(images instanceof tf.Tensor) || (images.rank !== 4 && images.rank !== 5) || images.size === 0) {
    const got = images instanceof tf.Tensor ? `shape [${images.shape}]` : typeof images;
    throw new InvalidInputError(`images must be a non-empty tf.Tensor of rank 4 (N, H, W, C) or 5 (N, D, H, W, C); got ${got}`);
  }
  const adapter = adaptModel(model);
  const batch = tf.tidy(() => images.toFloat());
  try {
    await assertFinite(batch, 'images');
    const scoresTensor = tf.tidy(() => adapter.predict(batch as tf.Tensor4D));
    const rows = (await scoresTensor.array()) as number[][];
    scoresTensor.dispose();
    const numClasses = rows[0]!.length;
    const resolved = resolveTargets(targets, batch.shape[0], numClasses);
    return {
      images: batch,
      adapter,
      targets: resolved,
      scores: resolved.map((t, i) => rows[i]![t]!),
      numClasses,
      spatialShape: batch.shape.slice(1, -1),
      channels: batch.shape[batch.rank - 1]!,
    };
  } catch (error) {
    batch.dispose();
    throw error;
  }
}

/**
 * The target score of every input a builder makes, `batchSize` inputs per
 * model call: `build(start, end)` returns inputs start..end-1 stacked, which
 * this function disposes.
 */
export async function batchedTargetScores(
  adapter: ModelAdapter,
  count: number,
  target: number,
  batchSize: number,
  build: (start: number, end: number) => tf.Tensor,
): Promise<number[]> {
  const scores: number[] = [];
  for (let start = 0; start < count; start += batchSize) {
    const end = Math.min(count, start + batchSize);
    const column = tf.tidy(() => {
      const inputs = build(start, end);
      return adapter.predict(inputs as tf.Tensor4D).slice([0, target], [end - start, 1]);
    });
    scores.push(...(await column.data()));
    column.dispose();
  }
  return scores;
}

/**
 * Scores of one image blended with a fill by masks: input k is
 * `image + (fill - image) * mask_k` (mask 1: the fill's value, 0: the image's),
 * the mask broadcast over channels.
 * @param image (1, ...spatial, C)
 * @param fill (1, ...spatial, C)
 * @param masks one Float32Array of the spatial size per input
 */
export function blendedScores(adapter: ModelAdapter, image: tf.Tensor, fill: tf.Tensor, masks: readonly Float32Array[], target: number, batchSize: number): Promise<number[]> {
  const spatial = image.shape.slice(1, -1);
  const size = masks[0]?.length ?? 0;
  return batchedTargetScores(adapter, masks.length, target, batchSize, (start, end) => {
    const values = new Float32Array((end - start) * size);
    for (let k = start; k < end; k++) values.set(masks[k]!, (k - start) * size);
    const mask = tf.tensor(values, [end - start, ...spatial, 1]);
    return tf.add(image, tf.mul(tf.sub(fill, image), mask));
  });
}
