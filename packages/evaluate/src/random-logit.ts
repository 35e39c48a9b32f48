import * as tf from '@tensorflow/tfjs';
import { InvalidInputError, checkInteger, checkSeed, mixSeed, randomInt, rejectUnknownKeys, seededRandom } from '@tfxai/core';
import type { ExplainFunction } from './explainer.js';
import { mapOf, readMaps } from './host-maps.js';
import { minMaxScaled } from './min-max-scale.js';
import { structuralSimilarity } from './ssim.js';
import { spearmanCorrelation } from './spearman.js';

/** Options of {@link randomLogit}. */
export interface RandomLogitOptions {
  /** The model's class count (the random class is drawn from the others). */
  numClasses: number;
  /** Seed of the random classes. Default 0. */
  seed?: number;
}

/** The result of {@link randomLogit}. */
export interface RandomLogitResult {
  /** The class each example was compared against, drawn uniformly from the classes other than its target. */
  randomTargets: number[];
  /** Per example: SSIM between the min-max-normalised maps for the target and the random class (lower is better). */
  ssim: number[];
  /** Per example: Spearman's rank correlation between the two maps (lower is better). */
  spearman: number[];
}

/**
 * Random logit test (Sixt, Granz & Landgraf 2020, "When Explanations Lie: Why
 * Many Modified BP Attributions Fail", ICML; the data randomisation idea of
 * Adebayo et al. 2018): the map for the target class is compared with the
 * map for a random other class. A class-sensitive method gives different
 * maps, so low similarity is better:
 *
 *   SSIM(Phi(x, t), Phi(x, t')),  t' ~ U({0..K-1} \ {t}).
 * @param explain the explanation function
 * @param images as `explain` takes them, N examples
 * @param targets one class per example
 */
export async function randomLogit(explain: ExplainFunction, images: tf.Tensor, targets: readonly number[], options: RandomLogitOptions): Promise<RandomLogitResult> {
  rejectUnknownKeys('options', options, ['numClasses', 'seed']);
  const numClasses = checkInteger('numClasses', options.numClasses, 2);
  const seed = checkSeed('seed', options.seed ?? 0);
  if (!(images instanceof tf.Tensor) || images.shape[0] !== targets.length) throw new InvalidInputError(`give one target per image; got ${targets.length} targets for ${images instanceof tf.Tensor ? images.shape[0] : 'no'} images`);
  targets.forEach((t) => checkInteger('targets', t, 0));
  const randomTargets = targets.map((t, i) => {
    if (t >= numClasses) throw new InvalidInputError(`target ${t} is not below numClasses ${numClasses}`);
    const draw = randomInt(seededRandom(mixSeed(seed, i)), numClasses - 1);
    return draw >= t ? draw + 1 : draw;
  });
  const [original, other] = [await explain(images, targets), await explain(images, randomTargets)];
  try {
    const a = await readMaps(original, 'explanations');
    const b = await readMaps(other, 'explanations', a.spatialShape);
    const ssim: number[] = [];
    const spearman: number[] = [];
    for (let i = 0; i < a.batch; i++) {
      ssim.push(structuralSimilarity(minMaxScaled(mapOf(a, i)), minMaxScaled(mapOf(b, i)), a.spatialShape));
      spearman.push(spearmanCorrelation(mapOf(a, i), mapOf(b, i)));
    }
    return { randomTargets, ssim, spearman };
  } finally {
    tf.dispose([original, other]);
  }
}
