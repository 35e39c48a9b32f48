import * as tf from '@tensorflow/tfjs';
import { InvalidInputError, checkBoolean, checkInteger, checkNumber, checkSeed, rejectUnknownKeys, sampleNoise, type ModelLike } from '@tfxai/core';
import { prepareModelInputs } from './model-inputs.js';
import { userPerturbation, type PerturbationFunction } from './perturbation.js';

/** Options of {@link infidelity}. */
export interface InfidelityOptions {
  /** Perturbations per example (Captum's `n_perturb_samples`). Default 10. */
  samples?: number;
  /** Standard deviation of the default Gaussian perturbation I. Default 0.003 (Captum's documented example). */
  noiseStd?: number;
  /** Captum's `normalize`: scale the attributions by the optimal beta first. Default false. */
  normalize?: boolean;
  /** Your own perturbation I for (example, sample), shape (...spatial, C); the input is perturbed to x - I. Default: N(0, noiseStd^2) noise from `seed`. */
  perturbation?: PerturbationFunction;
  /** Seed of the default noise (drawn on the host: the same on every backend). Default 0. */
  seed?: number;
  /** Perturbed inputs per model call (Captum's `max_examples_per_batch`). Default 32. */
  batchSize?: number;
}

/**
 * Explanation infidelity (Yeh, Hsieh, Suggala, Inouye & Ravikumar 2019, "On
 * the (In)fidelity and Sensitivity of Explanations", NeurIPS), exactly as
 * Captum's `captum.metrics.infidelity` computes it for a perturbation
 * function that returns `(I, x - I)`:
 *
 *   INFD = (1/S) sum_s ( I_s . R  -  (f_t(x) - f_t(x - I_s)) )^2
 *
 * and with `normalize`, R is first scaled by
 * beta = sum_s (I_s . R)(f_t(x) - f_t(x - I_s)) / sum_s (I_s . R)^2
 * (Captum's safe division: a zero denominator counts as 1). Lower is better;
 * 0 when the attributions explain every score change exactly (a linear model
 * with R = its weights, say).
 * @param images (N, H, W, C) or (N, D, H, W, C)
 * @param attributions the shape of `images`, or (N, ...spatial) maps, broadcast over the channels
 * @returns one value per example
 */
export async function infidelity(model: ModelLike, images: tf.Tensor, attributions: tf.Tensor, targets: number | readonly number[], options: InfidelityOptions = {}): Promise<number[]> {
  rejectUnknownKeys('options', options, ['samples', 'noiseStd', 'normalize', 'perturbation', 'seed', 'batchSize']);
  const samples = checkInteger('samples', options.samples ?? 10, 1);
  const noiseStd = checkNumber('noiseStd', options.noiseStd ?? 0.003, { min: 0, minExclusive: true });
  const normalize = checkBoolean('normalize', options.normalize ?? false);
  const seed = checkSeed('seed', options.seed ?? 0);
  const batchSize = checkInteger('batchSize', options.batchSize ?? 32, 1);
  const inputs = await prepareModelInputs(model, images, targets);
  try {
    const shape = inputs.images.shape;
    const exampleShape = shape.slice(1);
    const ok = attributions instanceof tf.Tensor && (attributions.shape.join() === shape.join() || attributions.shape.join() === shape.slice(0, -1).join());
    if (!ok) {
      throw new InvalidInputError(`attributions must have the images' shape [${shape}] or one value per position [${shape.slice(0, -1)}]; got ${attributions instanceof tf.Tensor ? `[${attributions.shape}]` : typeof attributions}`);
    }
    const results: number[] = [];
    for (let i = 0; i < shape[0]!; i++) {
      const dots: number[] = [];
      const drops: number[] = [];
      for (let start = 0; start < samples; start += batchSize) {
        const end = Math.min(samples, start + batchSize);
        const [dot, perturbedScores] = tf.tidy(() => {
          const perturbations = tf.stack(
            Array.from({ length: end - start }, (_, k) =>
              options.perturbation
                ? userPerturbation(options.perturbation, i, start + k, exampleShape)
                : tf.mul(sampleNoise(exampleShape, seed, i * samples + start + k), noiseStd),
            ),
          );
          const x = inputs.images.slice(i, 1);
          let a = attributions.slice(i, 1).toFloat();
          if (a.rank < x.rank) a = a.expandDims(-1);
          const axes = exampleShape.map((_, d) => d + 1);
          const scores = inputs.adapter.predict(tf.sub(x, perturbations) as tf.Tensor4D).slice([0, inputs.targets[i]!], [end - start, 1]);
          return [tf.sum(tf.mul(perturbations, a), axes), scores];
        });
        dots.push(...(await dot.data()));
        drops.push(...Array.from(await perturbedScores.data(), (score) => inputs.scores[i]! - score));
        tf.dispose([dot, perturbedScores]);
      }
      let value: number;
      if (normalize) {
        const s0 = dots.reduce((s, d) => s + d * d, 0);
        const s1 = dots.reduce((s, d, k) => s + d * drops[k]!, 0);
        const s2 = drops.reduce((s, d) => s + d * d, 0);
        const beta = s1 / (s0 === 0 ? 1 : s0);
        value = beta * beta * s0 - 2 * beta * s1 + s2;
      } else {
        value = dots.reduce((s, d, k) => s + (d - drops[k]!) ** 2, 0);
      }
      results.push(value / samples);
    }
    return results;
  } finally {
    inputs.images.dispose();
  }
}
