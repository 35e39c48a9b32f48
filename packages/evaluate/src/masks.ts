import * as tf from '@tensorflow/tfjs';
import { InvalidInputError } from '@tfxai/core';
import { checkSameBatch, mapOf, readMaps, type HostMaps } from './host-maps.js';

/** A box in pixels: x = column and y = row of the first pixel (z = slice for volumes), and its extent. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
  /** Volumes only: the first slice. */
  z?: number;
  /** Volumes only: the number of slices. */
  depth?: number;
}

/**
 * One binary mask (1 inside, 0 outside) of `spatialShape` ([H, W] or [D, H, W])
 * for a box, clipped to the map.
 * @throws InvalidInputError for a box whose fields are not integers, or that misses the map
 */
export function boxMask(box: Box, spatialShape: readonly number[]): Float32Array {
  const volume = spatialShape.length === 3;
  const fields: (keyof Box)[] = volume ? ['x', 'y', 'z', 'width', 'height', 'depth'] : ['x', 'y', 'width', 'height'];
  for (const field of fields) {
    if (!Number.isInteger(box[field])) throw new InvalidInputError(`box.${field} must be an integer; got ${String(box[field])} (a ${volume ? 'volume' : 'image'} box has ${fields.join(', ')})`);
  }
  const starts = volume ? [box.z!, box.y, box.x] : [box.y, box.x];
  const sizes = volume ? [box.depth!, box.height, box.width] : [box.height, box.width];
  const lo = starts.map((s) => Math.max(0, s));
  const hi = starts.map((s, a) => Math.min(spatialShape[a]!, s + sizes[a]!));
  if (lo.some((l, a) => l >= hi[a]!)) throw new InvalidInputError(`box ${JSON.stringify(box)} lies outside the map of shape [${spatialShape}] or is empty`);
  const mask = new Float32Array(spatialShape.reduce((a, b) => a * b, 1));
  const strides = spatialShape.map((_, a) => spatialShape.slice(a + 1).reduce((x, y) => x * y, 1));
  const fill = (axis: number, offset: number): void => {
    for (let i = lo[axis]!; i < hi[axis]!; i++) {
      if (axis === spatialShape.length - 1) mask[offset + i] = 1;
      else fill(axis + 1, offset + i * strides[axis]!);
    }
  };
  fill(0, 0);
  return mask;
}

/** A batch of box masks (N, H, W) or (N, D, H, W), one box per example; the caller disposes it. */
export function masksFromBoxes(boxes: readonly Box[], spatialShape: readonly number[]): tf.Tensor {
  const size = spatialShape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(boxes.length * size);
  boxes.forEach((box, i) => values.set(boxMask(box, spatialShape), i * size));
  return tf.tensor(values, [boxes.length, ...spatialShape]);
}

/** Reads maps and masks of one shape for a localisation metric; a mask value > 0.5 is inside. */
export async function readMapsAndMasks(maps: unknown, masks: unknown): Promise<{ maps: HostMaps; masks: HostMaps }> {
  const hostMaps = await readMaps(maps, 'maps');
  const hostMasks = await readMaps(masks, 'masks', hostMaps.spatialShape);
  checkSameBatch(hostMaps, hostMasks, 'maps', 'masks');
  for (let i = 0; i < hostMasks.batch; i++) {
    if (!mapOf(hostMasks, i).some((v) => v > 0.5)) throw new InvalidInputError(`mask ${i} is empty (no value > 0.5); every example needs a region to point at`);
  }
  return { maps: hostMaps, masks: hostMasks };
}
