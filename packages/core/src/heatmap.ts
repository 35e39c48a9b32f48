import * as tf from '@tensorflow/tfjs';
import { InvalidOptionError } from './errors.js';
import type { Heatmap } from './image-batch.js';
import { checkNumber } from './option-checks.js';
import { resizeVolume } from './resize-volume.js';

/** How per-channel attributions become one value per pixel. */
export type ChannelReduction = 'max' | 'sum' | 'abs-sum' | 'l2';
export const CHANNEL_REDUCTIONS: readonly ChannelReduction[] = ['max', 'sum', 'abs-sum', 'l2'];

/**
 * Reduces the channel axis of (N, H, W, C) attributions to (N, H, W), or of
 * volumes (N, D, H, W, C) to (N, D, H, W).
 * `max` is AUCMEDI's signed maximum; `abs-sum` and `l2` are the magnitudes
 * other libraries use.
 */
export function reduceChannels(attributions: tf.Tensor4D, mode?: ChannelReduction): tf.Tensor3D;
export function reduceChannels(attributions: tf.Tensor5D, mode?: ChannelReduction): tf.Tensor4D;
export function reduceChannels(attributions: tf.Tensor4D | tf.Tensor5D, mode?: ChannelReduction): tf.Tensor3D | tf.Tensor4D;
export function reduceChannels(attributions: tf.Tensor4D | tf.Tensor5D, mode: ChannelReduction = 'max'): tf.Tensor3D | tf.Tensor4D {
  return tf.tidy(() => {
    switch (mode) {
      case 'max':
        return tf.max(attributions, -1);
      case 'sum':
        return tf.sum(attributions, -1);
      case 'abs-sum':
        return tf.sum(tf.abs(attributions), -1);
      case 'l2':
        return tf.sqrt(tf.sum(tf.square(attributions), -1));
      default:
        throw new InvalidOptionError('channelReduction', `got '${String(mode)}'; allowed: ${CHANNEL_REDUCTIONS.join(', ')}`);
    }
  });
}

/**
 * AUCMEDI's intensity normalisation, map by map: `(h - min) / (max - min + eps)`.
 * Accepts one map (H, W) or a stack (N, H, W); min and max are taken per map.
 * @param eps keeps a constant map finite; a finite number >= 0 (default 1e-8)
 * @throws InvalidOptionError ('eps') for NaN, Infinity or a negative eps
 */
export function minMaxNormalize<T extends tf.Tensor2D | tf.Tensor3D>(maps: T, eps = 1e-8): T {
  // One map is normalizeHeatmap's case; a stack is normalised map by map.
  if (maps.rank === 2) return normalizeHeatmap(maps, eps);
  // NaN or a negative eps would silently give a NaN or inverted map.
  checkNumber('eps', eps, { min: 0 });
  return tf.tidy(() => {
    const min = tf.min(maps, [1, 2], true);
    const max = tf.max(maps, [1, 2], true);
    return tf.div(tf.sub(maps, min), tf.add(tf.sub(max, min), eps)) as T;
  });
}

/**
 * Resizes one map (H, W) or a stack (N, H, W) bilinearly to `size` [height, width],
 * with half-pixel centres: the same sampling as OpenCV's bilinear resize, which
 * AUCMEDI uses (through albumentations) to bring heatmaps to the image size.
 */
export function resizeMap<T extends tf.Tensor2D | tf.Tensor3D>(maps: T, size: readonly [number, number]): T {
  return tf.tidy(() => {
    const stack = (maps.rank === 2 ? maps.expandDims(0) : maps) as tf.Tensor3D;
    const resized = tf.image.resizeBilinear(stack.expandDims(-1) as tf.Tensor4D, [size[0], size[1]], false, true).squeeze([3]);
    return (maps.rank === 2 ? resized.squeeze([0]) : resized) as T;
  });
}

/**
 * Min-max normalisation of one heatmap as a whole, `(h - min) / (max - min + eps)`:
 * an image's (H, W) or a volume's (D, H, W) (one min and max for the whole
 * volume, not per slice; {@link minMaxNormalize} reads a 3-D tensor as a stack).
 * @param eps a finite number >= 0 (default 1e-8)
 */
export function normalizeHeatmap<T extends Heatmap>(map: T, eps = 1e-8): T {
  checkNumber('eps', eps, { min: 0 });
  return tf.tidy(() => {
    const min = tf.min(map);
    const max = tf.max(map);
    return tf.div(tf.sub(map, min), tf.add(tf.sub(max, min), eps)) as T;
  });
}

/**
 * Resizes one heatmap to `size` with half-pixel (half-voxel) centres: an
 * image's (H, W) bilinearly to [height, width] ({@link resizeMap}), a volume's
 * (D, H, W) trilinearly to [depth, height, width] ({@link resizeVolume}).
 * @throws InvalidOptionError when `size` does not have one entry per axis of the map
 */
export function resizeSpatialMap<T extends Heatmap>(map: T, size: readonly number[]): T {
  if (size.length !== map.rank) {
    throw new InvalidOptionError('size', `a ${map.rank === 3 ? 'volume' : 'image'} map (shape [${map.shape}]) resizes to ${map.rank} sizes; got [${size}]`);
  }
  return (map.rank === 3 ? resizeVolume(map as tf.Tensor3D, size as [number, number, number]) : resizeMap(map as tf.Tensor2D, size as [number, number])) as T;
}
