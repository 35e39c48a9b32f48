import { mapOf } from './host-maps.js';
import { readMapsAndMasks } from './masks.js';

/**
 * Relevance rank accuracy (Arras, Osman & Samek 2022, "CLEVR-XAI", Information
 * Fusion 81): with K the mask's size, the share of the K most relevant
 * positions that lie inside the mask.
 *
 *   rank = |top_K(R) ∩ mask| / K
 *
 * Ties at the K-th value go to the earlier positions (row-major). Any spatial
 * rank: maps and masks (N, H, W) or (N, D, H, W).
 * @returns one value in [0, 1] per example
 */
export async function relevanceRankAccuracy(maps: unknown, masks: unknown): Promise<number[]> {
  const data = await readMapsAndMasks(maps, masks);
  return Array.from({ length: data.maps.batch }, (_, i) => {
    const map = mapOf(data.maps, i);
    const mask = mapOf(data.masks, i);
    const k = mask.reduce((count, v) => count + (v > 0.5 ? 1 : 0), 0);
    const order = Array.from({ length: map.length }, (_, p) => p).sort((p, q) => map[q]! - map[p]! || p - q);
    let hits = 0;
    for (let r = 0; r < k; r++) if (mask[order[r]!]! > 0.5) hits++;
    return hits / k;
  });
}
