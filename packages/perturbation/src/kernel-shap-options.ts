import { InvalidOptionError, checkChoice, checkInteger } from '@tfxai/core';
import { resolveSuperpixelMethodOptions, type ResolvedSuperpixelMethodOptions, type SuperpixelMethodOptions } from './superpixel-options.js';

/** KernelSHAP's heatmap: the Shapley values as they are ('signed'), their magnitude, or their positive part. */
export type KernelShapMap = 'signed' | 'absolute' | 'positive';
export const KERNEL_SHAP_MAPS: readonly KernelShapMap[] = ['signed', 'absolute', 'positive'];

/** Options of KernelSHAP (Lundberg & Lee 2017). */
export interface KernelShapOptions extends SuperpixelMethodOptions {
  /**
   * Coalitions evaluated besides the empty and the full one. 'auto' is shap's
   * 2 M + 2048 for M superpixels. Capped at 2^M - 2: at the cap every coalition
   * is enumerated and the result is the exact Shapley values. Default: 'auto'.
   */
  numSamples?: number | 'auto';
  /** How computeHeatmap shows the values before min-max normalisation. Default: 'signed'. */
  map?: KernelShapMap;
}

export interface ResolvedKernelShapOptions extends ResolvedSuperpixelMethodOptions {
  numSamples: number | 'auto';
  map: KernelShapMap;
}

/** Fills in defaults and rejects values outside the allowed ones. */
export function resolveKernelShapOptions(options: KernelShapOptions = {}): ResolvedKernelShapOptions {
  const numSamples = options.numSamples ?? 'auto';
  if (numSamples !== 'auto' && typeof numSamples !== 'number') {
    throw new InvalidOptionError('numSamples', `got ${JSON.stringify(numSamples)}; allowed: 'auto' or an integer >= 2`);
  }
  return {
    ...resolveSuperpixelMethodOptions(options),
    numSamples: numSamples === 'auto' ? 'auto' : checkInteger('numSamples', numSamples, 2),
    map: checkChoice('map', options.map ?? 'signed', KERNEL_SHAP_MAPS),
  };
}

/** The coalitions to evaluate for M superpixels: the request (or 2 M + 2048), capped at 2^M - 2. */
export function kernelShapBudget(numSamples: number | 'auto', m: number): number {
  const requested = numSamples === 'auto' ? 2 * m + 2048 : numSamples;
  return m >= 53 ? requested : Math.min(requested, 2 ** m - 2);
}
