import * as tf from '@tensorflow/tfjs';
import { InvalidOptionError } from '@tfxai/core';

/**
 * Superpixels of one image, or supervoxels of one volume: a label per pixel
 * (voxel), row-major, values 0 to count - 1, each used.
 */
export interface Segmentation {
  /** Only for a volume: its depth (number of slices). Undefined for a 2-D image. */
  readonly depth?: number;
  readonly height: number;
  readonly width: number;
  /**
   * Length (depth *) height * width; `labels[r * width + c]` is the superpixel of pixel (r, c),
   * `labels[(d * height + r) * width + c]` the supervoxel of voxel (d, r, c).
   */
  readonly labels: Int32Array;
  /** Number of superpixels (supervoxels). */
  readonly count: number;
}

/**
 * A user-supplied label map: a tensor of shape (H, W), (1, H, W), (H, W, 1) or
 * (1, H, W, 1), or nested arrays (H rows of W labels); for a volume, a label
 * volume (D, H, W) (also with a leading and/or trailing 1), or D slices of H
 * rows of W labels. Labels are any integers; they are renumbered 0, 1, ... in
 * order of first appearance.
 */
export type LabelMap = tf.Tensor | readonly (readonly number[])[] | readonly (readonly (readonly number[])[])[];

/** The spatial shape of a segmentation: [H, W] or [D, H, W]. */
export function segmentationShape(segmentation: Segmentation): number[] {
  const { depth, height, width } = segmentation;
  return depth === undefined ? [height, width] : [depth, height, width];
}

/**
 * Renumbers integer labels 0, 1, ... in order of first appearance (row-major).
 * @param depth only for a volume: its number of slices
 * @throws InvalidOptionError ('segmentation') for a non-integer or non-finite label
 */
export function relabel(values: ArrayLike<number>, height: number, width: number, depth?: number): Segmentation {
  const labels = new Int32Array((depth ?? 1) * height * width);
  const ids = new Map<number, number>();
  for (let i = 0; i < labels.length; i++) {
    const value = values[i]!;
    if (!Number.isInteger(value)) {
      const [d, r, c] = [Math.floor(i / (height * width)), Math.floor(i / width) % height, i % width];
      const where = depth === undefined ? `pixel (${r}, ${c})` : `voxel (${d}, ${r}, ${c})`;
      throw new InvalidOptionError('segmentation', `label map holds ${value} at ${where}; labels must be integers`);
    }
    let id = ids.get(value);
    if (id === undefined) ids.set(value, (id = ids.size));
    labels[i] = id;
  }
  return depth === undefined ? { height, width, labels, count: ids.size } : { depth, height, width, labels, count: ids.size };
}

/** The shape and row-major values of nested arrays of `rank` levels (no values when nested otherwise); throws for ragged arrays. */
function nestedValues(map: readonly unknown[], rank: number): { shape: number[]; values: number[] } {
  const shape: number[] = [];
  for (let level: unknown = map; Array.isArray(level); level = level[0]) shape.push(level.length);
  // Nested deeper or shallower than the image: the caller reports the shape.
  if (shape.length !== rank) return { shape, values: [] };
  const walk = (node: unknown, axis: number): number[] => {
    if (axis === rank) return [node as number];
    if (!Array.isArray(node) || node.length !== shape[axis]) {
      const unit = rank === 2 ? 'give H rows of W labels' : 'give D slices of H rows of W labels';
      throw new InvalidOptionError('segmentation', `label map rows have different lengths or depths; ${unit}`);
    }
    return node.flatMap((child) => walk(child, axis + 1));
  };
  return { shape, values: walk(map, 0) };
}

/**
 * Checks a user label map against the image size (H, W), or the volume size
 * (D, H, W) when `depth` is given, and renumbers it.
 * @throws InvalidOptionError ('segmentation') when its size does not fit or a label is not an integer
 */
export async function labelMapSegmentation(map: LabelMap, height: number, width: number, depth?: number): Promise<Segmentation> {
  const spatial = depth === undefined ? [height, width] : [depth, height, width];
  const sizeText = spatial.join(' x ');
  const wanted = `(${spatial.join(', ')})`;
  let shape: number[];
  let values: ArrayLike<number>;
  if (map instanceof tf.Tensor) {
    // Accept the spatial shape with an optional leading batch 1 and/or trailing channel 1.
    const fits = [spatial, [1, ...spatial], [...spatial, 1], [1, ...spatial, 1]].some((s) => s.length === map.rank && s.every((v, i) => v === map.shape[i]));
    if (!fits) {
      throw new InvalidOptionError('segmentation', `label map of shape [${map.shape}] does not fit the ${depth === undefined ? 'image' : 'volume'} of ${sizeText}; give a ${wanted} map`);
    }
    shape = spatial;
    values = await map.data<'float32'>();
  } else if (Array.isArray(map) && map.every((row) => Array.isArray(row))) {
    ({ shape, values } = nestedValues(map, spatial.length));
  } else {
    throw new InvalidOptionError('segmentation', `a label map must be a tf.Tensor or nested arrays (${depth === undefined ? 'H rows of W labels' : 'D slices of H rows of W labels'}); got ${typeof map}`);
  }
  if (shape.length !== spatial.length || shape.some((v, i) => v !== spatial[i])) {
    throw new InvalidOptionError('segmentation', `label map of shape [${shape}] does not fit the ${depth === undefined ? 'image' : 'volume'} of ${sizeText}; give a ${wanted} map`);
  }
  return relabel(values, height, width, depth);
}

/** Pixel (voxel) count of each superpixel. */
export function segmentSizes(segmentation: Segmentation): number[] {
  const sizes = new Array<number>(segmentation.count).fill(0);
  for (const label of segmentation.labels) sizes[label]!++;
  return sizes;
}

/** A map holding `values[label]` at every pixel of each superpixel: (H, W) for an image, (D, H, W) for a volume. */
export function paintSegments(segmentation: Segmentation, values: readonly number[]): tf.Tensor2D | tf.Tensor3D {
  const map = new Float32Array(segmentation.labels.length);
  segmentation.labels.forEach((label, i) => (map[i] = values[label]!));
  return segmentation.depth === undefined ? tf.tensor2d(map, [segmentation.height, segmentation.width]) : tf.tensor3d(map, [segmentation.depth, segmentation.height, segmentation.width]);
}
