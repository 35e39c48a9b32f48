import { InvalidInputError, checkInteger } from '@tfxai/core';

/** Features of one example: which feature each pixel (voxel) belongs to. */
export interface FeatureLabels {
  /** Per position, a feature index 0..count-1. */
  labels: Int32Array;
  /** The number of features. */
  count: number;
}

/** Every position its own feature. */
export function pixelFeatures(size: number): FeatureLabels {
  return { labels: Int32Array.from({ length: size }, (_, i) => i), count: size };
}

/**
 * Features from a label map (superpixels): positions with the same label form
 * one feature, numbered in increasing label order.
 * @throws InvalidInputError for labels that are not integers
 */
export function segmentFeatures(segments: ArrayLike<number>): FeatureLabels {
  const ids = new Map<number, number>();
  for (let p = 0; p < segments.length; p++) {
    if (!Number.isInteger(segments[p])) throw new InvalidInputError(`segments must hold integer labels; got ${segments[p]} at flat index ${p}`);
    ids.set(segments[p]!, 0);
  }
  [...ids.keys()].sort((a, b) => a - b).forEach((id, index) => ids.set(id, index));
  return { labels: Int32Array.from(segments, (s) => ids.get(s)!), count: ids.size };
}

/**
 * A regular grid of `cells` cells along every spatial axis (an axis shorter
 * than `cells` gets one cell per position), as in Xplique's MuFidelity.
 */
export function gridFeatures(spatialShape: readonly number[], cells: number): FeatureLabels {
  checkInteger('gridSize', cells, 1);
  const perAxis = spatialShape.map((n) => Math.min(cells, n));
  const size = spatialShape.reduce((a, b) => a * b, 1);
  const labels = new Int32Array(size);
  for (let p = 0; p < size; p++) {
    let rest = p;
    let label = 0;
    for (let a = spatialShape.length - 1, scale = 1; a >= 0; a--) {
      const coord = rest % spatialShape[a]!;
      rest = Math.floor(rest / spatialShape[a]!);
      label += Math.floor((coord * perAxis[a]!) / spatialShape[a]!) * scale;
      scale *= perAxis[a]!;
    }
    labels[p] = label;
  }
  return { labels, count: perAxis.reduce((a, b) => a * b, 1) };
}

/** Each feature's summed attribution. */
export function featureSums(map: ArrayLike<number>, features: FeatureLabels): Float64Array {
  const sums = new Float64Array(features.count);
  for (let p = 0; p < map.length; p++) sums[features.labels[p]!] += map[p]!;
  return sums;
}

/** Feature indices from the most to the least attributed; ties keep the lower index first. */
export function featuresByAttribution(map: ArrayLike<number>, features: FeatureLabels): number[] {
  const sums = featureSums(map, features);
  return Array.from({ length: features.count }, (_, f) => f).sort((f, g) => sums[g]! - sums[f]! || f - g);
}

/** A spatial mask with 1 at the positions of the chosen features. */
export function maskOfFeatures(features: FeatureLabels, chosen: ArrayLike<boolean | number>): Float32Array {
  return Float32Array.from(features.labels, (f) => (chosen[f] ? 1 : 0));
}
