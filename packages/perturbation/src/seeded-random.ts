import { InvalidOptionError } from '@tfxai/core';

/** A source of uniform numbers in [0, 1). */
export type RandomSource = () => number;

/**
 * A small seeded PRNG (mulberry32) in plain JavaScript, so that the same seed
 * draws the same samples on every backend (tf.random* depends on the backend).
 * @param seed a safe integer; its low and high 32 bits are mixed into the state
 */
export function seededRandom(seed: number): RandomSource {
  if (!Number.isSafeInteger(seed)) throw new InvalidOptionError('seed', `must be a safe integer; got ${seed}`);
  let state = (seed >>> 0) ^ Math.imul(Math.floor(seed / 4294967296) >>> 0, 0x9e3779b1);
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
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
