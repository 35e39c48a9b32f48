import type { RandomSource } from '@tfxai/core';

/** A standard normal draw from a uniform source (Box-Muller), on the host so every backend sees the same numbers. */
export function standardNormal(random: RandomSource): number {
  const u = 1 - random(); // (0, 1]: the log stays finite
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}
