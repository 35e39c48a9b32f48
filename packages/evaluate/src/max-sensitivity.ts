import * as tf from '@tensorflow/tfjs';
import { InvalidInputError, checkInteger, checkNumber, checkSeed, mixSeed, rejectUnknownKeys } from '@tfxai/core';
import type { ExplainFunction } from './explainer.js';
import { userPerturbation, type PerturbationFunction } from './perturbation.js';

/** Options of {@link maxSensitivity}. */
export interface MaxSensitivityOptions {
  /** Perturbed inputs per example (Captum's `n_perturb_samples`). Default 10. */
  samples?: number;
  /** Half-width of the default uniform noise, U(-radius, radius) per value (Captum's `perturb_radius`). Default 0.02. */
  radius?: number;
  /** Your own noise u for (example, sample), shape (...spatial, C); the input becomes x + u. Default: seeded uniform noise. */
  perturbation?: PerturbationFunction;
  /** Seed of the default noise. Default 0. */
  seed?: number;
  /** Perturbed inputs per explanation call (Captum's `max_examples_per_batch`). Default: all `samples` of an example at once. */
  batchSize?: number;
}

/** The Frobenius norm of a flat array, in double precision. */
function norm(values: ArrayLike<number>, offset: number, size: number, minus?: ArrayLike<number>): number {
  let sum = 0;
  for (let k = 0; k < size; k++) sum += (values[offset + k]! - (minus ? minus[k]! : 0)) ** 2;
  return Math.sqrt(sum);
}

/**
 * Max-sensitivity (Yeh, Hsieh, Suggala, Inouye & Ravikumar 2019, "On the
 * (In)fidelity and Sensitivity of Explanations", NeurIPS), exactly as
 * Captum's `captum.metrics.sensitivity_max` with its default perturbation
 * and `norm_ord='fro'`:
 *
 *   SENS_max = max_s || Phi(x) - Phi(x + u_s) ||_F / || Phi(x) ||_F,   u_s ~ U(-r, r)^d
 *
 * where a zero ||Phi(x)|| counts as 1 (Captum's rule). Lower is better.
 * The uniform noise is drawn on the host from `seed` (the same on every backend).
 * @param explain the explanation function Phi (see `heatmapExplainer`, `attributionExplainer`)
 * @param images (N, H, W, C) or (N, D, H, W, C); the explanation function decides what it accepts
 * @param targets one class per example, handed to `explain`
 */
export async function maxSensitivity(explain: ExplainFunction, images: tf.Tensor, targets: number | readonly number[], options: MaxSensitivityOptions = {}): Promise<number[]> {
  rejectUnknownKeys('options', options, ['samples', 'radius', 'perturbation', 'seed', 'batchSize']);
  const samples = checkInteger('samples', options.samples ?? 10, 1);
  const radius = checkNumber('radius', options.radius ?? 0.02, { min: 0 });
  const seed = checkSeed('seed', options.seed ?? 0);
  const batchSize = checkInteger('batchSize', options.batchSize ?? samples, 1);
  if (!(images instanceof tf.Tensor) || images.rank < 2 || images.size === 0) throw new InvalidInputError(`images must be a non-empty tf.Tensor with a batch axis; got ${images instanceof tf.Tensor ? `shape [${images.shape}]` : typeof images}`);
  const batch = images.shape[0]!;
  const targetList = typeof targets === 'number' ? new Array<number>(batch).fill(targets) : [...targets];
  if (targetList.length !== batch) throw new InvalidInputError(`got ${targetList.length} targets for ${batch} images; give one number, or one per image`);
  const exampleShape = images.shape.slice(1);
  const original = await explain(images, targetList);
  const originalValues = Float32Array.from(await original.data());
  const mapSize = original.size / batch;
  original.dispose();
  const results: number[] = [];
  for (let i = 0; i < batch; i++) {
    const reference = originalValues.subarray(i * mapSize, (i + 1) * mapSize);
    const referenceNorm = norm(reference, 0, mapSize) || 1;
    let worst = -Infinity;
    for (let start = 0; start < samples; start += batchSize) {
      const end = Math.min(samples, start + batchSize);
      const perturbed = tf.tidy(() => {
        const x = images.slice(i, 1).toFloat();
        const noise = tf.stack(
          Array.from({ length: end - start }, (_, k) =>
            options.perturbation
              ? userPerturbation(options.perturbation, i, start + k, exampleShape)
              : tf.randomUniform(exampleShape, -radius, radius, 'float32', mixSeed(seed, i * samples + start + k)),
          ),
        );
        return tf.add(x, noise);
      });
      let maps: tf.Tensor;
      try {
        maps = await explain(perturbed, new Array<number>(end - start).fill(targetList[i]!));
      } finally {
        perturbed.dispose();
      }
      const values = await maps.data();
      maps.dispose();
      for (let k = 0; k < end - start; k++) worst = Math.max(worst, norm(values, k * mapSize, mapSize, reference) / referenceNorm);
    }
    results.push(worst);
  }
  return results;
}
