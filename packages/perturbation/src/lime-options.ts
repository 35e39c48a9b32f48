import { resolveDeclaredOptions, type OptionSpec } from '@tfxai/core';
import { MAX_SAMPLES, SUPERPIXEL_OPTIONS, checkSampleCount, resolveSuperpixelMethodOptions, type ResolvedSuperpixelMethodOptions, type SuperpixelMethodOptions } from './superpixel-options.js';

/** LIME's heatmap: a continuous map of the superpixels' weights, or AUCMEDI's binary mask of the top superpixels. */
export type LimeMap = 'mask' | 'weights';
export const LIME_MAPS: readonly LimeMap[] = ['mask', 'weights'];

/**
 * Options of LIME Pro / Con (Ribeiro et al. 2016). The defaults show the
 * deciding region on any input range (weights map, mean-colour fill);
 * AUCMEDI's settings: `{ map: 'mask', fill: 0 }`.
 */
export interface LimeOptions extends SuperpixelMethodOptions {
  /** Perturbed samples, the first with every superpixel on (as lime); 2 to 100000 (raise with `limits: { numSamples }`). Default: 1000 (AUCMEDI's). */
  numSamples?: number;
  /** With `map: 'mask'`: at most this many superpixels in the mask. Default: 5 (lime's `get_image_and_mask`). */
  numFeatures?: number;
  /** With `map: 'mask'`: only superpixels whose weight exceeds this in magnitude enter the mask. Default: 0. */
  minWeight?: number;
  /** Width of the exponential kernel on cosine distance, sqrt(exp(-d^2 / width^2)). Default: 0.25 (lime's image explainer). */
  kernelWidth?: number;
  /** Ridge penalty of the weighted linear fit (intercept not penalised). Default: 1 (lime's `Ridge(alpha=1)`). */
  ridgeAlpha?: number;
  /** 'weights' (each superpixel's weight, signed for Pro, negated for Con, min-max normalised) or 'mask' (AUCMEDI's binary mask of the top superpixels). Default: 'weights'. */
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
  map: 'weights' as LimeMap,
});

/** The declared options of LIME Pro and Con (the docs table is generated from them). */
export const LIME_OPTIONS: readonly OptionSpec[] = Object.freeze([
  {
    name: 'numSamples',
    type: 'custom',
    typeDoc: `integer ≥ 2 and ≤ ${MAX_SAMPLES} (raise with \`limits: { numSamples }\`)`,
    max: MAX_SAMPLES,
    default: LIME_DEFAULTS.numSamples,
    doc: 'perturbed samples (model evaluations), the first with every superpixel shown; AUCMEDI\'s 1000',
    check: (value) => void checkSampleCount(value, 2, { numSamples: Infinity }),
  },
  {
    name: 'map',
    type: 'choice',
    choices: LIME_MAPS,
    default: LIME_DEFAULTS.map,
    doc: "`'weights'`: each superpixel's weight (negated for Con), min-max normalised; `'mask'`: AUCMEDI's binary mask of the top `numFeatures` superpixels",
  },
  { name: 'numFeatures', type: 'integer', min: 1, default: LIME_DEFAULTS.numFeatures, doc: "with `map: 'mask'`: at most this many superpixels in the mask (lime's `get_image_and_mask`)" },
  { name: 'minWeight', type: 'number', min: 0, default: LIME_DEFAULTS.minWeight, doc: "with `map: 'mask'`: only superpixels whose \\|weight\\| exceeds this enter the mask" },
  { name: 'kernelWidth', type: 'number', min: 0, minExclusive: true, default: LIME_DEFAULTS.kernelWidth, doc: "width of the exponential kernel on cosine distance, `sqrt(exp(−d² / width²))` (lime's image explainer)" },
  { name: 'ridgeAlpha', type: 'number', min: 0, default: LIME_DEFAULTS.ridgeAlpha, doc: "ridge penalty of the weighted linear fit, intercept not penalised (lime's `Ridge(alpha=1)`)" },
  ...SUPERPIXEL_OPTIONS,
] satisfies OptionSpec[]);

/** Checks the options against {@link LIME_OPTIONS} and fills in defaults. */
export function resolveLimeOptions(options?: LimeOptions, method = 'lime-pro'): ResolvedLimeOptions {
  const given = resolveDeclaredOptions(LIME_OPTIONS, options, method) as LimeOptions & typeof LIME_DEFAULTS;
  return {
    ...resolveSuperpixelMethodOptions(given),
    numSamples: checkSampleCount(given.numSamples, 2, options?.limits),
    numFeatures: given.numFeatures,
    minWeight: given.minWeight,
    kernelWidth: given.kernelWidth,
    ridgeAlpha: given.ridgeAlpha,
    map: given.map,
  };
}
