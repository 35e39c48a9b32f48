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
 * Ties for the maximum go to the first position in row-major order.
 * Any spatial rank: maps and masks (N, H, W) or (N, D, H, W).
 * @returns one 0 or 1 per example
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
    let peak = 0;
    for (let p = 1; p < map.length; p++) if (map[p]! > map[peak]!) peak = p;
    const coords = strides.map((stride, a) => Math.floor(peak / stride) % shape[a]!);
    // Any mask position within the cube of half-width `tolerance` around the peak is a hit.
    const search = (axis: number, offset: number): boolean => {
      if (axis === shape.length) return mask[offset]! > 0.5;
      for (let c = Math.max(0, coords[axis]! - tolerance); c <= Math.min(shape[axis]! - 1, coords[axis]! + tolerance); c++) {
        if (search(axis + 1, offset + c * strides[axis]!)) return true;
      }
      return false;
    };
    return search(0, 0) ? 1 : 0;
  });
}
