import { mapOf, readMaps } from './host-maps.js';

/**
 * Complexity as the entropy of the map's fractional contributions (Bhatt,
 * Weller & Moura 2020, "Evaluating and Aggregating Feature-based Model
 * Explanations", IJCAI):
 *
 *   P_p = |R_p| / sum_q |R_q|,   H = -sum_p P_p ln P_p
 *
 * in nats; 0 for a single non-zero value, ln(n) for a constant map, 0 for a
 * map of zeros. Lower is simpler. Any spatial rank: maps (N, H, W) or (N, D, H, W).
 * @returns one value in [0, ln n] per example
 */
export async function entropy(maps: unknown): Promise<number[]> {
  const data = await readMaps(maps, 'maps');
  return Array.from({ length: data.batch }, (_, i) => {
    const map = mapOf(data, i);
    const total = map.reduce((sum, v) => sum + Math.abs(v), 0);
    if (total === 0) return 0;
    let h = 0;
    for (const v of map) {
      const p = Math.abs(v) / total;
      if (p > 0) h -= p * Math.log(p);
    }
    return h;
  });
}
