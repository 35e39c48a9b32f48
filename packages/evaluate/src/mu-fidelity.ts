import * as tf from '@tensorflow/tfjs';
import { checkInteger, checkNumber, checkSeed, mixSeed, rejectUnknownKeys, seededRandom, type ModelLike } from '@tfxai/core';
import { featureSums, gridFeatures, segmentFeatures, type FeatureLabels } from './features.js';
import { checkBatch, checkSameBatch, mapOf, readMaps, type HostMaps } from './host-maps.js';
import { blendedScores, prepareModelInputs } from './model-inputs.js';
import { pearsonCorrelation } from './statistics.js';

/** Options of {@link muFidelity}. */
export interface MuFidelityOptions {
  /** Random subsets per example. Default 200 (Xplique's). */
  samples?: number;
  /** Probability that a feature is in the removed subset. Default 0.2 (Xplique's `subset_percent`). */
  subsetFraction?: number;
  /** Features are the cells of a grid with this many cells per spatial axis. Default 9 (Xplique's). Ignored with `segments`. */
  gridSize?: number;
  /** Superpixels instead of the grid: a label map per example (N, ...spatial). */
  segments?: tf.Tensor;
  /** The value removed features take. Default 0. */
  baseline?: number;
  /** Perturbed inputs per model call. Default 32. */
  batchSize?: number;
  /** Seed of the subsets. Default 0. */
  seed?: number;
}

/**
 * MuFidelity (Bhatt, Weller & Moura 2020, "Evaluating and Aggregating
 * Feature-based Model Explanations", IJCAI; defaults of Xplique's
 * `MuFidelity`): the correlation, over random subsets S of features, between
 * the attribution that falls in S and the score drop when S is removed:
 *
 *   mu_F = corr_S( sum_{p in S} R_p ,  f_t(x) - f_t(x with S set to the baseline) )
 *
 * Each feature joins S with probability `subsetFraction`, drawn on the host
 * from `seed` (the same subsets on every backend). Higher is better; NaN
 * when either side does not vary over the subsets (a map of zeros, say).
 * @param images (N, H, W, C) or (N, D, H, W, C)
 * @param maps (N, ...spatial)
 * @returns one correlation in [-1, 1] per example
 */
export async function muFidelity(model: ModelLike, images: tf.Tensor, maps: tf.Tensor, targets: number | readonly number[], options: MuFidelityOptions = {}): Promise<number[]> {
  rejectUnknownKeys('options', options, ['samples', 'subsetFraction', 'gridSize', 'segments', 'baseline', 'batchSize', 'seed']);
  const samples = checkInteger('samples', options.samples ?? 200, 2);
  const subsetFraction = checkNumber('subsetFraction', options.subsetFraction ?? 0.2, { min: 0, minExclusive: true, max: 1 });
  const gridSize = checkInteger('gridSize', options.gridSize ?? 9, 1);
  const baseline = checkNumber('baseline', options.baseline ?? 0);
  const batchSize = checkInteger('batchSize', options.batchSize ?? 32, 1);
  const seed = checkSeed('seed', options.seed ?? 0);
  const inputs = await prepareModelInputs(model, images, targets);
  try {
    const batch = inputs.images.shape[0]!;
    const hostMaps = await readMaps(maps, 'maps', inputs.spatialShape);
    checkBatch(hostMaps, batch, 'maps');
    let segments: HostMaps | undefined;
    if (options.segments !== undefined) {
      segments = await readMaps(options.segments, 'segments', inputs.spatialShape);
      checkSameBatch(segments, hostMaps, 'segments', 'maps');
    }
    const grid = gridFeatures(inputs.spatialShape, gridSize);
    const result: number[] = [];
    for (let i = 0; i < batch; i++) {
      const features: FeatureLabels = segments ? segmentFeatures(mapOf(segments, i)) : grid;
      const sums = featureSums(mapOf(hostMaps, i), features);
      const random = seededRandom(mixSeed(seed, i));
      const attributionInSubset: number[] = [];
      const masks: Float32Array[] = [];
      for (let s = 0; s < samples; s++) {
        const removed = Array.from({ length: features.count }, () => random() < subsetFraction);
        attributionInSubset.push(removed.reduce((sum, r, f) => (r ? sum + sums[f]! : sum), 0));
        masks.push(Float32Array.from(features.labels, (f) => (removed[f] ? 1 : 0)));
      }
      const image = inputs.images.slice(i, 1);
      const fill = tf.fill(image.shape, baseline);
      try {
        const scores = await blendedScores(inputs.adapter, image, fill, masks, inputs.targets[i]!, batchSize);
        result.push(pearsonCorrelation(attributionInSubset, scores.map((score) => inputs.scores[i]! - score)));
      } finally {
        tf.dispose([image, fill]);
      }
    }
    return result;
  } finally {
    inputs.images.dispose();
  }
}
