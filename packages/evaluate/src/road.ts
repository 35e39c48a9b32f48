import * as tf from '@tensorflow/tfjs';
import { InvalidOptionError, checkInteger, checkNumber, checkSeed, mixSeed, rejectUnknownKeys, seededRandom, type ModelLike, type RandomSource } from '@tfxai/core';
import { featuresByAttribution, pixelFeatures } from './features.js';
import { checkBatch, mapOf, readMaps } from './host-maps.js';
import { batchedTargetScores, prepareModelInputs } from './model-inputs.js';
import { noisyLinearImputation, noisyLinearImputation3d } from './noisy-linear-imputation.js';
import { mean } from './statistics.js';

/** Options of {@link road}. */
export interface RoadOptions {
  /** Fractions of the pixels (voxels) removed, each in (0, 1). Default 0.1, 0.2, ..., 0.9 (the paper's). */
  fractions?: readonly number[];
  /** Standard deviation of the noise added to imputed values. Default 0.01 (the reference code's). */
  noise?: number;
  /** Seed of the noise. Default 0. */
  seed?: number;
  /** Imputed inputs per model call. Default 32. */
  batchSize?: number;
}

/** One example's ROAD curves. */
export interface RoadResult {
  fractions: number[];
  /** Target score with the most relevant pixels removed first (MoRF): lower is better. */
  morf: number[];
  /** Target score with the least relevant pixels removed first (LeRF): higher is better. */
  lerf: number[];
  /** `(mean(lerf) - mean(morf)) / 2`, as pytorch-grad-cam's ROADCombined: higher is better. */
  combined: number;
}

/**
 * ROAD, RemOve And Debias (Rong, Leemann, Borisov, Kasneci & Kasneci 2022,
 * "A Consistent and Efficient Evaluation Strategy for Attribution Methods",
 * ICML): pixels are removed by attribution rank, most relevant first (MoRF)
 * and least relevant first (LeRF), and filled by noisy linear imputation
 * (see `noisyLinearImputation`), which leaks no information about the removal
 * mask's shape; the target score is recorded per fraction:
 *
 *   MoRF(q) = f_t(impute(x, top q of R)),  LeRF(q) = f_t(impute(x, bottom q of R)).
 *
 * 2-D images and 3-D volumes (on volumes a voxel is imputed from its 6 face
 * and 12 edge neighbours; see `noisyLinearImputation3d`). The noise is drawn
 * on the host from `seed`.
 * @param images (N, H, W, C) or (N, D, H, W, C)
 * @param maps (N, H, W) or (N, D, H, W)
 */
export async function road(model: ModelLike, images: tf.Tensor, maps: tf.Tensor, targets: number | readonly number[], options: RoadOptions = {}): Promise<RoadResult[]> {
  rejectUnknownKeys('options', options, ['fractions', 'noise', 'seed', 'batchSize']);
  const fractions = [...(options.fractions ?? [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9])];
  if (fractions.length === 0) throw new InvalidOptionError('fractions', 'must hold at least one fraction in (0, 1)');
  fractions.forEach((f, k) => checkNumber(`fractions[${k}]`, f, { min: 0, minExclusive: true, max: 1 - 1e-12 }));
  const noise = checkNumber('noise', options.noise ?? 0.01, { min: 0 });
  const seed = checkSeed('seed', options.seed ?? 0);
  const batchSize = checkInteger('batchSize', options.batchSize ?? 32, 1);
  const inputs = await prepareModelInputs(model, images, targets);
  try {
    const batch = inputs.images.shape[0]!;
    const { spatialShape, channels } = inputs;
    // A 2-D image is a volume of depth 1 for the bookkeeping; each keeps its own neighbourhood.
    const [depth, height, width] = spatialShape.length === 3 ? (spatialShape as [number, number, number]) : [1, spatialShape[0]!, spatialShape[1]!];
    const impute = (image: Float32Array, removed: Uint8Array, random: RandomSource) =>
      spatialShape.length === 3
        ? noisyLinearImputation3d(image, depth, height, width, channels, removed, noise, random)
        : noisyLinearImputation(image, height, width, channels, removed, noise, random);
    const hostMaps = await readMaps(maps, 'maps', inputs.spatialShape);
    checkBatch(hostMaps, batch, 'maps');
    const pixels = (await inputs.images.data()) as Float32Array;
    const size = depth * height * width;
    const results: RoadResult[] = [];
    for (let i = 0; i < batch; i++) {
      const order = featuresByAttribution(mapOf(hostMaps, i), pixelFeatures(size));
      const image = pixels.subarray(i * size * channels, (i + 1) * size * channels);
      const imputed: Float32Array[] = [];
      for (const [o, direction] of (['morf', 'lerf'] as const).entries()) {
        fractions.forEach((fraction, k) => {
          const removed = new Uint8Array(size);
          const count = Math.round(fraction * size);
          const chosen = direction === 'morf' ? order.slice(0, count) : order.slice(size - count);
          for (const p of chosen) removed[p] = 1;
          const random = seededRandom(mixSeed(seed, (i * 2 + o) * fractions.length + k));
          imputed.push(impute(image, removed, random));
        });
      }
      const scores = await batchedTargetScores(inputs.adapter, imputed.length, inputs.targets[i]!, batchSize, (start, end) => {
        const values = new Float32Array((end - start) * size * channels);
        for (let k = start; k < end; k++) values.set(imputed[k]!, (k - start) * size * channels);
        return tf.tensor(values, [end - start, ...spatialShape, channels]);
      });
      const morf = scores.slice(0, fractions.length);
      const lerf = scores.slice(fractions.length);
      results.push({ fractions, morf, lerf, combined: (mean(lerf) - mean(morf)) / 2 });
    }
    return results;
  } finally {
    inputs.images.dispose();
  }
}
