import * as tf from '@tensorflow/tfjs';
import { InvalidOptionError, gaussianBlur, gaussianBlur3d } from '@tfxai/core';
import type { Segmentation } from './segmentation.js';

/**
 * What hidden pixels (voxels) become: a constant, the image's mean colour
 * ('mean', per channel), or a Gaussian-blurred copy of the image ('blur').
 */
export type FillValue = number | 'mean' | 'blur';
/** Superpixel methods also offer 'segment-mean': each superpixel's own mean colour (LIME's `hide_color=None`). */
export type SuperpixelFill = FillValue | 'segment-mean';

/** Checks a fill option; `allowSegmentMean` for the superpixel methods. */
export function checkFill<T extends SuperpixelFill>(value: T, allowSegmentMean: boolean): T {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (value === 'mean' || value === 'blur' || (allowSegmentMean && value === 'segment-mean')) return value;
  const allowed = `a finite number, 'mean', 'blur'${allowSegmentMean ? ", 'segment-mean'" : ''}`;
  throw new InvalidOptionError('fill', `got ${JSON.stringify(value)}; allowed: ${allowed}`);
}

/** The default blur sigma: the image's shorter side (a volume's shortest) / 16, at least 1 pixel (as IG's blur baseline). */
export function defaultBlurSigma(...sides: number[]): number {
  return Math.max(1, Math.min(...sides) / 16);
}

/**
 * The image every hidden pixel is taken from, (1, H, W, C) or (1, D, H, W, C)
 * for a volume; the caller disposes it.
 * @param image one image (1, H, W, C) or one volume (1, D, H, W, C)
 * @param blurSigma Gaussian sigma for 'blur' (3-D for a volume); undefined picks {@link defaultBlurSigma}
 * @param superpixels for 'segment-mean': the image's values (row-major) and its superpixels
 */
export function fillImage<T extends tf.Tensor4D | tf.Tensor5D>(
  image: T,
  fill: SuperpixelFill,
  blurSigma: number | undefined,
  superpixels?: { pixels: Float32Array; segmentation: Segmentation },
): T {
  const spatial = image.shape.slice(1, -1);
  const channels = image.shape[image.rank - 1]!;
  if (typeof fill === 'number') return tf.fill(image.shape, fill) as T;
  const spatialAxes = spatial.map((_, i) => i + 1);
  if (fill === 'mean') return tf.tidy(() => tf.broadcastTo(tf.mean(image, spatialAxes, true), image.shape) as T);
  if (fill === 'blur') {
    const sigma = blurSigma ?? defaultBlurSigma(...spatial);
    return (image.rank === 5 ? gaussianBlur3d(image as tf.Tensor5D, sigma) : gaussianBlur(image as tf.Tensor4D, sigma)) as T;
  }
  if (!superpixels) throw new InvalidOptionError('fill', "'segment-mean' needs superpixels; use it with LIME or KernelSHAP");
  const { pixels, segmentation } = superpixels;
  const sums = new Float64Array(segmentation.count * channels);
  const counts = new Float64Array(segmentation.count);
  segmentation.labels.forEach((label, p) => {
    counts[label]!++;
    for (let j = 0; j < channels; j++) sums[label * channels + j]! += pixels[p * channels + j]!;
  });
  const background = new Float32Array(pixels.length);
  segmentation.labels.forEach((label, p) => {
    for (let j = 0; j < channels; j++) background[p * channels + j] = sums[label * channels + j]! / counts[label]!;
  });
  return tf.tensor(background, image.shape) as T;
}
