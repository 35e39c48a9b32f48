import * as tf from '@tensorflow/tfjs';
import { combineMoments, disposeMoments, mergeMoments, needsDeviations, sampleMoments, type SampleMoments } from './sample-moments.js';
import { samplesNoise } from './seeded-random.js';
import type { ResolvedSmoothGradOptions } from './smooth-grad-options.js';
import type { ImageBatch } from './image-batch.js';
import type { AttributionResult } from './xai-method.js';

/**
 * Attributions of `rows` (count, H, W, C), all copies of one example, for their
 * targets (one per row); the caller of this function owns and disposes the result.
 */
export type RowAttributions = (rows: ImageBatch, targets: readonly number[]) => Promise<AttributionResult>;

/**
 * SmoothGrad over a batch, the one implementation every method shares: for each
 * example x_i, `samples` noisy copies `x_i + sigma_i z_s` with
 * `sigma_i = noiseLevel * (max(x_i) - min(x_i))`, evaluated `batchSize` rows per
 * call of `evaluate`, their attributions combined by `mode`.
 * - Sample s uses the noise `sampleNoise(shape, seed, s)` (drawn on the host: the
 *   same on every backend), scaled by each example's own sigma, so an example's
 *   result depends neither on the batch it came in nor on `batchSize`.
 * - Chunks are merged exactly (Chan et al.), so `batchSize` changes only rounding.
 * - In `'plain'` mode, when every evaluation reports a convergence delta, the
 *   result carries their mean per example: the completeness gap of the mean attribution.
 * @param batch finite images (N, H, W, C) or volumes (N, D, H, W, C); the caller keeps it
 * @param targets one checked class per example
 * @returns the shape of the evaluated attributions ((N, h, w, c) or (N, d, h, w, c)); the caller disposes it
 */
export async function smoothAttributions(
  evaluate: RowAttributions,
  batch: ImageBatch,
  targets: readonly number[],
  options: ResolvedSmoothGradOptions,
  batchSize: number,
): Promise<AttributionResult> {
  const n = batch.shape[0];
  const example = batch.shape.slice(1);
  const exampleAxes = example.map((_, i) => i + 1);
  const moments: (SampleMoments | undefined)[] = new Array(n).fill(undefined);
  const deltaSums: number[] | undefined = options.mode === 'plain' ? new Array<number>(n).fill(0) : undefined;
  let everyDelta = true;
  const sigmas = tf.tidy(() => tf.mul(tf.sub(tf.max(batch, exampleAxes, true), tf.min(batch, exampleAxes, true)), options.noiseLevel));
  try {
    for (let start = 0; start < options.samples; start += batchSize) {
      const count = Math.min(batchSize, options.samples - start);
      const noise = samplesNoise(example, options.seed, start, count) as ImageBatch;
      try {
        for (let i = 0; i < n; i++) {
          const rows = tf.tidy(() => tf.add(tf.slice(batch, i, 1), tf.mul(noise, tf.slice(sigmas, i, 1))) as ImageBatch);
          let result: AttributionResult;
          try {
            result = await evaluate(rows, new Array<number>(count).fill(targets[i]!));
          } finally {
            rows.dispose();
          }
          try {
            moments[i] = mergeMoments(moments[i], sampleMoments(result.attributions, needsDeviations(options.mode)));
          } finally {
            result.attributions.dispose();
          }
          if (result.convergenceDelta?.length === count) {
            if (deltaSums) deltaSums[i]! += result.convergenceDelta.reduce((a, b) => a + b, 0);
          } else {
            everyDelta = false;
          }
        }
      } finally {
        noise.dispose();
      }
    }
    const attributions = tf.tidy(() => tf.concat(moments.map((m) => combineMoments(m!, options.mode))) as ImageBatch);
    return deltaSums && everyDelta ? { attributions, convergenceDelta: deltaSums.map((sum) => sum / options.samples) } : { attributions };
  } finally {
    sigmas.dispose();
    moments.forEach(disposeMoments);
  }
}
