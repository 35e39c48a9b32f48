import * as tf from '@tensorflow/tfjs';
import { cachedNormalNoise } from './noise-cache.js';
import { checkSeed } from './option-checks.js';

/**
 * Seeded randomness that gives the same numbers on every backend: methods draw
 * on the host (in JavaScript), never with backend kernels, so wasm, cpu and
 * tfjs-node agree for the same seed.
 */

/** A source of uniform numbers in [0, 1). */
export type RandomSource = () => number;

/** The 32-bit state of a safe-integer seed: its low and high 32 bits mixed, so no bit is dropped. */
function seedState(seed: number): number {
  return ((seed >>> 0) ^ Math.imul(Math.floor(seed / 4294967296) >>> 0, 0x9e3779b1)) >>> 0;
}

/** mulberry32 from a 32-bit state: small, fast and good enough for sampling. */
function mulberry32(state: number): RandomSource {
  let s = state | 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A seeded generator of uniform numbers in [0, 1) (mulberry32).
 * @param seed a safe integer
 * @throws InvalidOptionError ('seed') for a seed that is not a safe integer
 */
export function seededRandom(seed: number): RandomSource {
  return mulberry32(seedState(checkSeed('seed', seed)));
}

/**
 * A 32-bit seed for stream `index` of `seed` (a splitmix-style hash), so that
 * neighbouring indices give unrelated random streams.
 */
export function mixSeed(seed: number, index: number): number {
  let h = Math.imul(seedState(seed), 0x9e3779b1) ^ Math.imul((index + 1) | 0, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Standard normal noise of `shape` for sample `sampleIndex` of `seed`: the values of
 * `tf.randomNormal(shape, 0, 1, 'float32', mixSeed(seed, sampleIndex))`. Drawn on the
 * host, so every backend gets the same numbers, and each sample has its own stream,
 * so batching samples differently does not change any sample's noise. Kept for the
 * next call (see noise-cache.ts). The caller disposes the tensor.
 */
export function sampleNoise(shape: readonly number[], seed: number, sampleIndex: number): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  // A copy: the cpu backend keeps the array it is given, and the cache's must stay untouched.
  return tf.tensor(cachedNormalNoise(size, mixSeed(seed, sampleIndex)).slice(), [...shape], 'float32');
}

/**
 * The noise of samples `first` to `first + count - 1` ({@link sampleNoise} each), stacked:
 * shape (count, ...shape), built in one host array. The caller disposes the tensor.
 */
export function samplesNoise(shape: readonly number[], seed: number, first: number, count: number): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(count * size);
  for (let k = 0; k < count; k++) values.set(cachedNormalNoise(size, mixSeed(seed, first + k)), k * size);
  return tf.tensor(values, [count, ...shape], 'float32');
}

/** A uniform integer in [0, n). */
export function randomInt(random: RandomSource, n: number): number {
  return Math.min(n - 1, Math.floor(random() * n));
}

/** `k` distinct indices out of [0, n), uniformly (a partial Fisher-Yates shuffle). */
export function randomSubset(random: RandomSource, n: number, k: number): number[] {
  const pool = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < k; i++) {
    const j = i + randomInt(random, n - i);
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, k);
}

/** An index drawn with probability proportional to `weights` (non-negative, not all zero). */
export function randomChoice(random: RandomSource, weights: readonly number[]): number {
  const total = weights.reduce((a, b) => a + b, 0);
  let u = random() * total;
  for (let i = 0; i < weights.length; i++) {
    u -= weights[i]!;
    if (u < 0) return i;
  }
  return weights.length - 1;
}
