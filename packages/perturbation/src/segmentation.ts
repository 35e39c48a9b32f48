import * as tf from '@tensorflow/tfjs';
import { InvalidOptionError } from '@tfxai/core';

/** Superpixels of one image: a label per pixel, row-major, values 0 to count - 1, each used. */
export interface Segmentation {
  readonly height: number;
  readonly width: number;
  /** Length height * width; `labels[r * width + c]` is the superpixel of pixel (r, c). */
  readonly labels: Int32Array;
  /** Number of superpixels. */
  readonly count: number;
}

/**
 * A user-supplied label map: a tensor of shape (H, W), (1, H, W), (H, W, 1) or
 * (1, H, W, 1), or nested arrays (H rows of W labels). Labels are any integers;
 * they are renumbered 0, 1, ... in order of first appearance.
 */
export type LabelMap = tf.Tensor | readonly (readonly number[])[];

/**
 * Renumbers integer labels 0, 1, ... in order of first appearance (row-major).
 * @throws InvalidOptionError ('segmentation') for a non-integer or non-finite label
 */
export function relabel(values: ArrayLike<number>, height: number, width: number): Segmentation {
  const labels = new Int32Array(height * width);
  const ids = new Map<number, number>();
  for (let i = 0; i < labels.length; i++) {
    const value = values[i]!;
    if (!Number.isInteger(value)) {
      throw new InvalidOptionError('segmentation', `label map holds ${value} at pixel (${Math.floor(i / width)}, ${i % width}); labels must be integers`);
    }
    let id = ids.get(value);
    if (id === undefined) ids.set(value, (id = ids.size));
    labels[i] = id;
  }
  return { height, width, labels, count: ids.size };
}

/**
 * Checks a user label map against the image size and renumbers it.
 * @throws InvalidOptionError ('segmentation') when its size is not (height, width) or a label is not an integer
 */
export async function labelMapSegmentation(map: LabelMap, height: number, width: number): Promise<Segmentation> {
  let shape: number[];
  let values: ArrayLike<number>;
  if (map instanceof tf.Tensor) {
    shape = map.shape.filter((size, axis) => !(size === 1 && (axis === 0 || axis === map.rank - 1) && map.rank > 2));
    values = await map.data<'float32'>();
  } else if (Array.isArray(map) && map.every((row) => Array.isArray(row))) {
    shape = [map.length, map[0]?.length ?? 0];
    if (map.some((row) => row.length !== shape[1])) throw new InvalidOptionError('segmentation', 'label map rows have different lengths; give H rows of W labels');
    values = map.flat();
  } else {
    throw new InvalidOptionError('segmentation', `a label map must be a tf.Tensor or an array of rows; got ${typeof map}`);
  }
  if (shape.length !== 2 || shape[0] !== height || shape[1] !== width) {
    const given = map instanceof tf.Tensor ? `[${map.shape}]` : `[${shape}]`;
    throw new InvalidOptionError('segmentation', `label map of shape ${given} does not fit the image of ${height} x ${width}; give a (${height}, ${width}) map`);
  }
  return relabel(values, height, width);
}

/** Pixel count of each superpixel. */
export function segmentSizes(segmentation: Segmentation): number[] {
  const sizes = new Array<number>(segmentation.count).fill(0);
  for (const label of segmentation.labels) sizes[label]!++;
  return sizes;
}

/** A (H, W) map holding `values[label]` at every pixel of each superpixel. */
export function paintSegments(segmentation: Segmentation, values: readonly number[]): tf.Tensor2D {
  const map = new Float32Array(segmentation.labels.length);
  segmentation.labels.forEach((label, i) => (map[i] = values[label]!));
  return tf.tensor2d(map, [segmentation.height, segmentation.width]);
}
