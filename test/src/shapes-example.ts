import * as tf from '@tensorflow/tfjs';
import { expectNoLeak } from '@tfxai/test-utils';

/** A drawn shape's bounding box in the bundled 2-D example (pixels). */
export interface Box { x: number; y: number; width: number; height: number }
/** The bundled example's generated images (N, H, W, C), their classes and the box of the shape that decides each. */
export interface Dataset { images: Float32Array; shape: [number, number, number, number]; labels: number[]; boxes: Box[] }

// The example's helpers are plain .mjs files; imported by URL so that tsc leaves them alone.
const exampleDir = new URL('../../examples/synthetic-shapes/', import.meta.url);
export const { loadExampleModel } = (await import(new URL('load-model.mjs', exampleDir).href)) as { loadExampleModel(): Promise<tf.LayersModel> };
export const { makeDataset } = (await import(new URL('dataset.mjs', exampleDir).href)) as { makeDataset(o: { count: number; seed: number }): Dataset };

/** Image `i` of the dataset as (1, H, W, C); the caller disposes it. */
export function exampleImage(data: Dataset, i: number): tf.Tensor4D {
  const [, height, width, channels] = data.shape;
  const size = height * width * channels;
  return tf.tensor4d(data.images.subarray(i * size, (i + 1) * size), [1, height, width, channels]);
}

/** The values of a method's heatmap of `image` for `classIndex`, checked to leave no tensor behind. */
export function heatmapValues(method: { computeHeatmap(image: tf.Tensor4D, classIndex: number): Promise<tf.Tensor> }, image: tf.Tensor4D, classIndex: number): Promise<Float32Array> {
  return expectNoLeak(async () => {
    const heatmap = await method.computeHeatmap(image, classIndex);
    const values = (await heatmap.data()) as Float32Array;
    heatmap.dispose();
    return values;
  });
}

/**
 * The map's peak as (row, column): the largest value. Where the maximum is a plateau
 * (superpixel and occlusion maps are piecewise constant), the plateau's pixel nearest
 * its centroid, not its first pixel in row order (which would sit on the plateau's top
 * edge, outside the shape whenever the superpixel reaches above it). For maps without
 * ties (the gradient methods) it is the argmax.
 */
export function peak(map: ArrayLike<number>, width: number): [number, number] {
  let max = -Infinity;
  for (let i = 0; i < map.length; i++) max = Math.max(max, map[i]!);
  const plateau: [number, number][] = [];
  for (let i = 0; i < map.length; i++) if (map[i] === max) plateau.push([Math.floor(i / width), i % width]);
  const [cr, cc] = plateau.reduce(([r, c], [pr, pc]) => [r + pr / plateau.length, c + pc / plateau.length], [0, 0]);
  return plateau.reduce((best, p) => ((p[0] - cr) ** 2 + (p[1] - cc) ** 2 < (best[0] - cr) ** 2 + (best[1] - cc) ** 2 ? p : best));
}

/** True when (row, column) lies in the box grown by `margin` pixels on every side. */
export function inBox([row, column]: [number, number], box: Box, margin: number): boolean {
  return column >= box.x - margin && column < box.x + box.width + margin && row >= box.y - margin && row < box.y + box.height + margin;
}

/** The chance that a uniformly random pixel lies in the grown box, averaged over `boxes`. */
export function boxChance(boxes: readonly Box[], margin: number, height: number, width: number): number {
  return boxes.reduce((acc, b) => acc + ((b.width + 2 * margin) * (b.height + 2 * margin)) / (height * width), 0) / boxes.length;
}
