import { mapOf } from './host-maps.js';
import { readMapsAndMasks } from './masks.js';

/**
 * Energy-based pointing game (Wang, Wang, Du, Yang, Zhang, Ding, Mardziel & Hu
 * 2020, "Score-CAM: Score-Weighted Visual Explanations for Convolutional
 * Neural Networks", CVPR workshops): the share of the map's energy inside
 * the box or mask, after min-max normalisation of the map to [0, 1].
 *
 *   energy = sum_{p in mask} M_p / sum_p M_p,   M = (R - min R) / (max R - min R)
 *
 * 0 for a constant map (it has no energy after normalisation). Any spatial
 * rank: maps and masks (N, H, W) or (N, D, H, W).
 * @returns one value in [0, 1] per example
 */
export async function energyPointingGame(maps: unknown, masks: unknown): Promise<number[]> {
  const data = await readMapsAndMasks(maps, masks);
  return Array.from({ length: data.maps.batch }, (_, i) => {
    const map = mapOf(data.maps, i);
    const mask = mapOf(data.masks, i);
    let min = Infinity;
    let max = -Infinity;
    for (const v of map) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    if (max === min) return 0;
    let inside = 0;
    let total = 0;
    for (let p = 0; p < map.length; p++) {
      const m = (map[p]! - min) / (max - min);
      total += m;
      if (mask[p]! > 0.5) inside += m;
    }
    return inside / total;
  });
}
