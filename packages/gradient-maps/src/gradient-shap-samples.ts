import { randomInt, seededRandom } from '@tfxai/core';

/** One GradientSHAP draw: which baseline, and where on the path to it. */
export interface GradientShapSample {
  /** Index into the baseline list, uniform over it. */
  baselineIndex: number;
  /** Position on the path from baseline (0) to the noisy input (1), uniform in [0, 1). */
  alpha: number;
}

/**
 * The seeded draws of a GradientSHAP run, made on the host (the same on every
 * backend). Sample `s`'s input noise is `sampleNoise(shape, seed, s)`.
 */
export function gradientShapSamples(seed: number, numSamples: number, numBaselines: number): GradientShapSample[] {
  const random = seededRandom(seed);
  return Array.from({ length: numSamples }, () => ({ baselineIndex: randomInt(random, numBaselines), alpha: random() }));
}
