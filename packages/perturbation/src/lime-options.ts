import { resolveSuperpixelMethodOptions, type ResolvedSuperpixelMethodOptions, type SuperpixelMethodOptions } from './superpixel-options.js';
import { checkChoice, checkInteger, checkNumber } from '@tfxai/core';

/** LIME's heatmap: AUCMEDI's binary mask of the top superpixels, or a continuous map of the weights. */
export type LimeMap = 'mask' | 'weights';
export const LIME_MAPS: readonly LimeMap[] = ['mask', 'weights'];

/** Options of LIME Pro / Con (Ribeiro et al. 2016); the defaults are AUCMEDI's and lime's. */
export interface LimeOptions extends SuperpixelMethodOptions {
  /** Perturbed samples, the first with every superpixel on (as lime). Default: 1000 (AUCMEDI's). */
  numSamples?: number;
  /** At most this many superpixels in the mask. Default: 5 (lime's `get_image_and_mask`). */
  numFeatures?: number;
  /** Only superpixels whose weight exceeds this in magnitude enter the mask. Default: 0. */
  minWeight?: number;
  /** Width of the exponential kernel on cosine distance, sqrt(exp(-d^2 / width^2)). Default: 0.25 (lime's image explainer). */
  kernelWidth?: number;
  /** Ridge penalty of the weighted linear fit (intercept not penalised). Default: 1 (lime's `Ridge(alpha=1)`). */
  ridgeAlpha?: number;
  /** 'mask' (AUCMEDI's binary mask) or 'weights' (each superpixel's weight, signed for Pro, negated for Con, min-max normalised). Default: 'mask'. */
  map?: LimeMap;
}

export interface ResolvedLimeOptions extends ResolvedSuperpixelMethodOptions {
  numSamples: number;
  numFeatures: number;
  minWeight: number;
  kernelWidth: number;
  ridgeAlpha: number;
  map: LimeMap;
}

export const LIME_DEFAULTS = Object.freeze({
  numSamples: 1000,
  numFeatures: 5,
  minWeight: 0,
  kernelWidth: 0.25,
  ridgeAlpha: 1,
  map: 'mask' as LimeMap,
});

/** Fills in defaults and rejects values outside the allowed ones. */
export function resolveLimeOptions(options: LimeOptions = {}): ResolvedLimeOptions {
  const d = LIME_DEFAULTS;
  return {
    ...resolveSuperpixelMethodOptions(options),
    numSamples: checkInteger('numSamples', options.numSamples ?? d.numSamples, 2),
    numFeatures: checkInteger('numFeatures', options.numFeatures ?? d.numFeatures, 1),
    minWeight: checkNumber('minWeight', options.minWeight ?? d.minWeight, { min: 0 }),
    kernelWidth: checkNumber('kernelWidth', options.kernelWidth ?? d.kernelWidth, { min: 0, minExclusive: true }),
    ridgeAlpha: checkNumber('ridgeAlpha', options.ridgeAlpha ?? d.ridgeAlpha, { min: 0 }),
    map: checkChoice('map', options.map ?? d.map, LIME_MAPS),
  };
}
