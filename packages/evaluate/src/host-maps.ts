import * as tf from '@tensorflow/tfjs';
import { InvalidInputError } from '@tfxai/core';

/**
 * A batch of maps (attributions or heatmaps with no channel axis) read to the
 * host: (N, H, W) for images, (N, D, H, W) for volumes. Every metric that
 * needs no model forward works on these, whatever the spatial rank.
 */
export interface HostMaps {
  /** Row-major values; example i is `values.subarray(i * size, (i + 1) * size)`. */
  values: Float32Array;
  /** N. */
  batch: number;
  /** [H, W] or [D, H, W]. */
  spatialShape: number[];
  /** Values per example: the product of `spatialShape`. */
  size: number;
}

/** Example `i` of a {@link HostMaps} (a view, not a copy). */
export function mapOf(maps: HostMaps, i: number): Float32Array {
  return maps.values.subarray(i * maps.size, (i + 1) * maps.size);
}

/**
 * Checks a batch of maps and reads it to the host.
 * @param maps (N, H, W) or (N, D, H, W), finite
 * @param what how the argument is named in errors
 * @param spatialShape when given, the spatial shape the maps must have (that of the images or the other maps)
 * @throws InvalidInputError for a non-tensor, a wrong rank or shape, or a non-finite value
 */
export async function readMaps(maps: unknown, what: string, spatialShape?: readonly number[]): Promise<HostMaps> {
  if (!(maps instanceof tf.Tensor)) throw new InvalidInputError(`${what} must be a tf.Tensor of shape (N, H, W) or (N, D, H, W); got ${typeof maps}`);
  if (maps.rank !== 3 && maps.rank !== 4) {
    throw new InvalidInputError(`${what} must have rank 3 (N, H, W) or 4 (N, D, H, W), one map per example without a channel axis; got shape [${maps.shape}]`);
  }
  const shape = maps.shape.slice(1);
  if (spatialShape && shape.join() !== spatialShape.join()) {
    throw new InvalidInputError(`${what} has spatial shape [${shape}]; expected [${spatialShape}] (one value per pixel or voxel of the input)`);
  }
  if (maps.size === 0) throw new InvalidInputError(`${what} is empty (shape [${maps.shape}])`);
  const values = Float32Array.from(await maps.data());
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]!)) throw new InvalidInputError(`${what} holds ${values[i]} at flat index ${i}; only finite values are allowed`);
  }
  return { values, batch: maps.shape[0], spatialShape: shape, size: values.length / maps.shape[0] };
}

/** Checks that two map batches have the same batch size. */
export function checkSameBatch(a: HostMaps, b: HostMaps, whatA: string, whatB: string): void {
  if (a.batch !== b.batch) throw new InvalidInputError(`${whatA} has ${a.batch} examples but ${whatB} has ${b.batch}; give one of each per example`);
}

/** Checks that maps have one entry per image. */
export function checkBatch(maps: HostMaps, batch: number, what: string): void {
  if (maps.batch !== batch) throw new InvalidInputError(`${what} has ${maps.batch} examples but the images have ${batch}; give one per image`);
}
