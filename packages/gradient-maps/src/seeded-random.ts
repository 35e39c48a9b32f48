import * as tf from '@tensorflow/tfjs';
import { InvalidOptionError } from '@tfxai/core';

/**
 * A 32-bit seed for stream `index` of `seed` (a splitmix-style hash), so that
 * neighbouring indices give unrelated random streams.
 */
export function mixSeed(seed: number, index: number): number {
  let h = Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul((index + 1) | 0, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * `count` uniform numbers in [0, 1) from a seeded mulberry32 generator. Made on
 * the host, so the same seed gives the same numbers on every backend.
 */
export function seededUniform(seed: number, count: number): number[] {
  let state = mixSeed(seed, -1);
  const values = new Array<number>(count);
  for (let i = 0; i < count; i++) {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    values[i] = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  return values;
}

/**
 * Standard normal noise of `shape` for sample `sampleIndex` of `seed`.
 * `tf.randomNormal` draws on the host, so every backend gets the same numbers,
 * and each sample has its own stream, so batching does not change the noise.
 */
export function sampleNoise(shape: readonly number[], seed: number, sampleIndex: number): tf.Tensor {
  return tf.randomNormal([...shape], 0, 1, 'float32', mixSeed(seed, sampleIndex));
}

/** Checks a `seed` option: an integer. */
export function checkSeed(option: string, seed: number): number {
  if (!Number.isSafeInteger(seed)) throw new InvalidOptionError(option, `must be an integer; got ${seed}`);
  return seed;
}
