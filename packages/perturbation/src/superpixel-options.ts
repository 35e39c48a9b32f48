import { checkInteger, checkNumber, checkSeed, type MethodOptions } from '@tfxai/core';
import { checkFill, type SuperpixelFill } from './fill.js';
import { checkSegmentationSpec, type SegmentationSpec } from './superpixels.js';

/** Options LIME and KernelSHAP share: superpixels, what hides them, batching, seed. */
export interface SuperpixelMethodOptions extends MethodOptions {
  /** SLIC options ({@link SlicOptions}, defaults there) or a label map (H, W) of integer superpixel labels. Default: SLIC with its defaults. */
  segmentation?: SegmentationSpec;
  /** What hidden superpixels show: a constant, 'mean', 'blur' or 'segment-mean' (each superpixel's mean colour, LIME's `hide_color=None`). Default: 0 (AUCMEDI's). */
  fill?: SuperpixelFill;
  /** Gaussian sigma in pixels for fill 'blur'. Default: the image's shorter side / 16, at least 1. */
  blurSigma?: number;
  /** Perturbed images per model call. Default: 32. */
  batchSize?: number;
  /** Seed of the coalition sampling; the same seed gives the same result on every backend. Default: 0. */
  seed?: number;
}

export interface ResolvedSuperpixelMethodOptions {
  segmentation: SegmentationSpec;
  fill: SuperpixelFill;
  blurSigma: number | undefined;
  batchSize: number;
  seed: number;
}

/** Fills in and checks the shared options. */
export function resolveSuperpixelMethodOptions(options: SuperpixelMethodOptions): ResolvedSuperpixelMethodOptions {
  const seed = checkSeed('seed', options.seed ?? 0);
  return {
    segmentation: checkSegmentationSpec(options.segmentation),
    fill: checkFill(options.fill ?? 0, true),
    blurSigma: options.blurSigma === undefined ? undefined : checkNumber('blurSigma', options.blurSigma, { min: 0, minExclusive: true }),
    batchSize: checkInteger('batchSize', options.batchSize ?? 32, 1),
    seed,
  };
}
