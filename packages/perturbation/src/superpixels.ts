import * as tf from '@tensorflow/tfjs';
import { InvalidOptionError } from '@tfxai/core';
import { labelMapSegmentation, type LabelMap, type Segmentation } from './segmentation.js';
import { resolveSlicOptions, slic, type SlicOptions } from './slic.js';
import { slicVolume } from './slic-volume.js';

/** How the superpixels of LIME and KernelSHAP are found: SLIC options, or a user label map (H, W) (a label volume (D, H, W) for volumes). */
export type SegmentationSpec = SlicOptions | LabelMap;

/** Checks a segmentation option at construction time (a label map's size is checked against each image). */
export function checkSegmentationSpec(spec: SegmentationSpec | undefined): SegmentationSpec {
  if (spec === undefined) return resolveSlicOptions({});
  if (spec instanceof tf.Tensor || Array.isArray(spec)) return spec;
  if (typeof spec === 'object' && spec !== null) return resolveSlicOptions(spec as SlicOptions);
  throw new InvalidOptionError(
    'segmentation',
    `got ${String(spec)}; allowed: SLIC options { algorithm: 'slic', nSegments, compactness, ... } or a label map (a (H, W) tensor or H rows of W integer labels; for volumes a (D, H, W) tensor or D slices of H rows of W labels)`,
  );
}

/**
 * The superpixels of one image (1, H, W, C), or the supervoxels of one volume
 * (1, D, H, W, C): SLIC (3-D SLIC for a volume) on it, or the label map checked against its size.
 */
export async function segmentImage(spec: SegmentationSpec, image: tf.Tensor4D | tf.Tensor5D): Promise<Segmentation> {
  const isVolume = image.rank === 5;
  const [depth, height, width] = isVolume ? image.shape.slice(1, 4) : [undefined, ...image.shape.slice(1, 3)];
  if (spec instanceof tf.Tensor || Array.isArray(spec)) return labelMapSegmentation(spec as LabelMap, height!, width!, depth);
  return isVolume ? slicVolume(image, spec as SlicOptions) : slic(image, spec as SlicOptions);
}
