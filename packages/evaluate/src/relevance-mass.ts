import { mapOf } from './host-maps.js';
import { readMapsAndMasks } from './masks.js';

/**
 * Relevance mass accuracy (Arras, Osman & Samek 2022, "CLEVR-XAI: A benchmark
 * dataset for the ground truth evaluation of neural network explanations",
 * Information Fusion 81): the share of the positive relevance that falls
 * inside the mask.
 *
 *   mass = sum_{p in mask} max(R_p, 0) / sum_p max(R_p, 0)
 *
 * As in the paper, only positive relevance counts. 0 for a map with no
 * positive value. Any spatial rank: maps and masks (N, H, W) or (N, D, H, W).
 * @returns one value in [0, 1] per example
 */
export async function relevanceMassAccuracy(maps: unknown, masks: unknown): Promise<number[]> {
  const data = await readMapsAndMasks(maps, masks);
  return Array.from({ length: data.maps.batch }, (_, i) => {
    const map = mapOf(data.maps, i);
    const mask = mapOf(data.masks, i);
    let inside = 0;
    let total = 0;
    for (let p = 0; p < map.length; p++) {
      const r = Math.max(map[p]!, 0);
      total += r;
      if (mask[p]! > 0.5) inside += r;
    }
    return total > 0 ? inside / total : 0;
  });
}
