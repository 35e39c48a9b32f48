import { checkInteger, rejectUnknownKeys } from '@tfxai/core';
import { mapOf } from './host-maps.js';
import { readMapsAndMasks } from './masks.js';

/** Options of {@link pointingGame}. */
export interface PointingGameOptions {
  /** A hit also counts within this many pixels (Chebyshev distance) of the mask; Zhang et al. used 15. Default 0. */
  tolerance?: number;
}

/**
 * Pointing game (Zhang, Bargal, Lin, Brandt, Shen & Sclaroff 2018, "Top-down
 * Neural Attention by Excitation Backprop", IJCV 126): 1 when the map's
 * maximum lies in the object's mask (or within `tolerance` of it), else 0.
 *
 *   hit = [ argmax_p R_p in mask (dilated by tolerance) ]
 *
 * When several positions share the maximum (piecewise-constant maps: LIME,
 * occlusion), the tie is broken uniformly at random, in expectation: the
 * result is the share of the maximal positions that hit, so a constant map
 * scores the mask's share of the map (chance), not 0 or 1 by position.
 * Any spatial rank: maps and masks (N, H, W) or (N, D, H, W).
 * @returns one value per example: 0 or 1 for a unique maximum, the hit share for a tie
 */
export async function pointingGame(maps: unknown, masks: unknown, options: PointingGameOptions = {}): Promise<number[]> {
  rejectUnknownKeys('options', options, ['tolerance']);
  const tolerance = checkInteger('tolerance', options.tolerance ?? 0, 0);
  const data = await readMapsAndMasks(maps, masks);
  const shape = data.maps.spatialShape;
  const strides = shape.map((_, a) => shape.slice(a + 1).reduce((x, y) => x * y, 1));
  return Array.from({ length: data.maps.batch }, (_, i) => {
    const map = mapOf(data.maps, i);
    const mask = mapOf(data.masks, i);
    let max = -Infinity;
    for (const v of map) max = Math.max(max, v);
    let [peaks, hits] = [0, 0];
    for (let peak = 0; peak < map.length; peak++) {
      if (map[peak] !== max) continue;
      peaks++;
      const coords = strides.map((stride, a) => Math.floor(peak / stride) % shape[a]!);
      // Any mask position within the cube of half-width `tolerance` around the peak is a hit.
      const search = (axis: number, offset: number): boolean => {
        if (axis === shape.length) return mask[offset]! > 0.5;
        for (let c = Math.max(0, coords[axis]! - tolerance); c <= Math.min(shape[axis]! - 1, coords[axis]! + tolerance); c++) {
          if (search(axis + 1, offset + c * strides[axis]!)) return true;
        }
        return false;
      };
      if (search(0, 0)) hits++;
    }
    return hits / peaks;
  });
}
