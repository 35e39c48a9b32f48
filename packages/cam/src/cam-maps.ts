import * as tf from '@tensorflow/tfjs';
import { resizeMap, resizeVolume } from '@tfxai/core';

/** A stack of class activation maps, one per example: (N, h, w) for images, (N, d, h, w) for volumes. */
export type CamMaps = tf.Tensor3D | tf.Tensor4D;

/**
 * Resizes a stack of CAMs to the input's spatial size with half-pixel (half-voxel)
 * centres: bilinearly for (N, h, w) to [H, W], trilinearly for (N, d, h, w) to [D, H, W].
 * @param size the input's [H, W] or [D, H, W]
 */
export function resizeCamMaps<T extends CamMaps>(maps: T, size: readonly number[]): T {
  return (size.length === 3 ? resizeVolume(maps as tf.Tensor4D, size as [number, number, number]) : resizeMap(maps as tf.Tensor3D, size as [number, number])) as T;
}
