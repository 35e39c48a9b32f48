import { mapOf, readMaps } from './host-maps.js';

/** The Gini index of the magnitudes of one map; 0 for a map of zeros. */
export function giniIndex(values: ArrayLike<number>): number {
  const sorted = Float64Array.from(values, Math.abs).sort();
  const n = sorted.length;
  let weighted = 0;
  let total = 0;
  for (let k = 0; k < n; k++) {
    weighted += (2 * (k + 1) - n - 1) * sorted[k]!;
    total += sorted[k]!;
  }
  return total === 0 ? 0 : weighted / (n * total);
}

/**
 * Sparseness as the Gini index of |R| (Chalasani, Chen, Chowdhury, Wu & Jha
 * 2020, "Concise Explanations of Neural Networks using Adversarial
 * Training", ICML; the formula of Hurley & Rickard 2009):
 *
 *   G = sum_{k=1..n} (2k - n - 1) |R|_(k) / (n sum_k |R|_(k)),   |R|_(1) <= ... <= |R|_(n)
 *
 * 0 for a constant map (all relevance spread evenly), (n - 1) / n for a
 * single non-zero value. Any spatial rank: maps (N, H, W) or (N, D, H, W).
 * @returns one value in [0, 1) per example
 */
export async function sparseness(maps: unknown): Promise<number[]> {
  const data = await readMaps(maps, 'maps');
  return Array.from({ length: data.batch }, (_, i) => giniIndex(mapOf(data, i)));
}
