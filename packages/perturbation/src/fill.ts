import * as tf from '@tensorflow/tfjs';
import { InvalidOptionError, gaussianBlur } from '@tfxai/core';
import type { Segmentation } from './segmentation.js';

/**
 * What hidden pixels become: a constant, the image's mean colour ('mean', per
 * channel), or a Gaussian-blurred copy of the image ('blur').
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

/** The default blur sigma: the image's shorter side / 16, at least 1 pixel (as IG's blur baseline). */
export function defaultBlurSigma(height: number, width: number): number {
  return Math.max(1, Math.min(height, width) / 16);
}

/**
 * The image every hidden pixel is taken from, (1, H, W, C); the caller disposes it.
 * @param image one image (1, H, W, C)
 * @param blurSigma Gaussian sigma for 'blur'; undefined picks {@link defaultBlurSigma}
 * @param superpixels for 'segment-mean': the image's values (row-major) and its superpixels
 */
export function fillImage(
  image: tf.Tensor4D,
  fill: SuperpixelFill,
  blurSigma: number | undefined,
  superpixels?: { pixels: Float32Array; segmentation: Segmentation },
): tf.Tensor4D {
  const [, height, width, channels] = image.shape;
  if (typeof fill === 'number') return tf.fill(image.shape, fill) as tf.Tensor4D;
  if (fill === 'mean') return tf.tidy(() => tf.broadcastTo(tf.mean(image, [1, 2], true), image.shape) as tf.Tensor4D);
  if (fill === 'blur') return gaussianBlur(image, blurSigma ?? defaultBlurSigma(height, width));
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
  return tf.tensor4d(background, image.shape);
}
