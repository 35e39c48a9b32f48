import * as tf from '@tensorflow/tfjs';
import { InvalidInputError, TfxaiError, withTfxaiKernels, type ImageBatch, type ModelAdapter } from '@tfxai/core';

/**
 * The target-class score of `count` perturbed images, built and evaluated
 * `batchSize` at a time: one model call per batch, never one per image.
 * @param build makes the images of rows [start, end) as one (end - start, H, W, C) batch ((end - start, D, H, W, C) for volumes), inside a tidy
 */
export async function targetScoresInBatches(
  adapter: ModelAdapter,
  count: number,
  batchSize: number,
  target: number,
  numClasses: number,
  build: (start: number, end: number) => ImageBatch,
): Promise<Float64Array> {
  const scores = new Float64Array(count);
  for (let start = 0; start < count; start += batchSize) {
    const end = Math.min(count, start + batchSize);
    const column = tf.tidy(() => {
      // Inside tfxai's kernel scope: its faster forward kernels (wasm Conv3D as XNNPACK conv2ds) apply here too.
      const all = withTfxaiKernels(() => adapter.predict(build(start, end)));
      if (all.shape[0] !== end - start || all.shape[1] !== numClasses) {
        throw new InvalidInputError(`the model returned scores of shape [${all.shape}] for ${end - start} images; expected [${end - start},${numClasses}]`);
      }
      return tf.slice(all, [0, target], [end - start, 1]);
    });
    const values = await column.data<'float32'>();
    column.dispose();
    checkFiniteScores(values, `perturbed images ${start} to ${end - 1}`);
    scores.set(values, start);
  }
  return scores;
}

/** Throws TfxaiError NON_FINITE_SCORE when a score is NaN or +-Infinity: a perturbation map from such scores means nothing. */
export function checkFiniteScores(values: Float32Array, what: string): void {
  const bad = values.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new TfxaiError('NON_FINITE_SCORE', `the model returned ${values[bad]} for ${what}; perturbation methods need finite scores`);
}
