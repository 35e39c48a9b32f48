import * as tf from '@tensorflow/tfjs';
import { assertSingleImage, modelSpatialRank, withPreparedBatch, type ImageBatch, type MethodServices, type ModelAdapter } from '@tfxai/core';
import { checkFiniteScores } from './batched-scores.js';

/** The one image (or volume) a perturbation method explains, checked by the core lifecycle. */
export interface PreparedImage {
  /** (1, H, W, C), or (1, D, H, W, C) for a volume; float32, finite, fitting the model. Owned by the lifecycle: do not dispose. */
  readonly batch: ImageBatch;
  /** The checked class index. */
  readonly target: number;
  /** The model's scores of the image, every class (finite). */
  readonly scores: Float32Array;
}

/**
 * Runs `compute` on one image checked by the core lifecycle (`withPreparedBatch`:
 * backend ready, rank, dtype, fit to the model, NaN/Infinity, class index), with
 * the model's scores of the image. The image tensor is disposed when `compute` settles.
 *
 * Why the adapter records: for a model that does not declare its class count, the
 * lifecycle reads it from one forward pass of this very image; those scores are
 * the image's own, so they are kept and no second pass is made.
 * @throws InvalidInputError for a batch of several images and every bad input the lifecycle refuses; ClassIndexError;
 *   TfxaiError NON_FINITE_SCORE when the model's scores of the image are not finite
 */
export async function withSingleImage<T>(
  adapter: ModelAdapter,
  services: MethodServices,
  image: tf.Tensor,
  classIndex: number,
  compute: (prepared: PreparedImage) => Promise<T>,
): Promise<T> {
  assertSingleImage(image, 'Perturbation methods explain one image per call', modelSpatialRank(adapter));
  let recorded: tf.Tensor | undefined;
  const recording: ModelAdapter = {
    isModelAdapter: true,
    kind: adapter.kind,
    model: adapter.model,
    inputShape: adapter.inputShape,
    predict: (x) => {
      const scores = adapter.predict(x);
      recorded ??= tf.keep(scores.clone());
      return scores;
    },
  };
  try {
    return await withPreparedBatch(recording, services, image, classIndex, async ({ batch, targets }) => {
      const scoresTensor = recorded ?? tf.tidy(() => adapter.predict(batch));
      const scores = await scoresTensor.data<'float32'>();
      if (scoresTensor !== recorded) scoresTensor.dispose();
      checkFiniteScores(scores, 'the image');
      return compute({ batch, target: targets[0]!, scores });
    });
  } finally {
    recorded?.dispose();
  }
}
