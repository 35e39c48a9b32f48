import { InvalidOptionError, resolveDeclaredOptions, type OptionSpec } from '@tfxai/core';
import { MAX_SAMPLES, SUPERPIXEL_OPTIONS, checkSampleCount, resolveSuperpixelMethodOptions, type ResolvedSuperpixelMethodOptions, type SuperpixelMethodOptions } from './superpixel-options.js';

/** KernelSHAP's heatmap: the Shapley values as they are ('signed'), their magnitude, or their positive part. */
export type KernelShapMap = 'signed' | 'absolute' | 'positive';
export const KERNEL_SHAP_MAPS: readonly KernelShapMap[] = ['signed', 'absolute', 'positive'];

/** Options of KernelSHAP (Lundberg & Lee 2017). */
export interface KernelShapOptions extends SuperpixelMethodOptions {
  /**
   * Coalitions evaluated besides the empty and the full one. 'auto' is shap's
   * 2 M + 2048 for M superpixels. Capped at 2^M - 2: at the cap every coalition
   * is enumerated and the result is the exact Shapley values. At most 100000
   * (raise with `limits: { numSamples }`). Default: 'auto'.
   */
  numSamples?: number | 'auto';
  /** How computeHeatmap shows the values before min-max normalisation. Default: 'signed'. */
  map?: KernelShapMap;
}

export interface ResolvedKernelShapOptions extends ResolvedSuperpixelMethodOptions {
  numSamples: number | 'auto';
  map: KernelShapMap;
}

export const KERNEL_SHAP_DEFAULTS = Object.freeze({ numSamples: 'auto' as number | 'auto', map: 'signed' as KernelShapMap });

function checkNumSamples(value: unknown, limits: unknown): number | 'auto' {
  if (value === 'auto') return value;
  if (typeof value !== 'number') throw new InvalidOptionError('numSamples', `got ${JSON.stringify(value)}; allowed: 'auto' or an integer >= 2`);
  return checkSampleCount(value, 2, limits);
}

/** The declared options of KernelSHAP (the docs table is generated from them). */
export const KERNEL_SHAP_OPTIONS: readonly OptionSpec[] = Object.freeze([
  {
    name: 'numSamples',
    type: 'custom',
    typeDoc: `\`'auto'\`, or an integer ≥ 2 and ≤ ${MAX_SAMPLES} (raise with \`limits: { numSamples }\`)`,
    max: MAX_SAMPLES,
    default: KERNEL_SHAP_DEFAULTS.numSamples,
    doc: "coalitions evaluated besides the empty and the full one; `'auto'` is shap's `2M + 2048` for M superpixels; capped at `2^M − 2`, where every coalition is enumerated and the values are exact",
    check: (value) => void checkNumSamples(value, { numSamples: Infinity }),
  },
  {
    name: 'map',
    type: 'choice',
    choices: KERNEL_SHAP_MAPS,
    default: KERNEL_SHAP_DEFAULTS.map,
    doc: "how `computeHeatmap` shows the values before min-max normalisation: as they are, their magnitude, or their positive part",
  },
  ...SUPERPIXEL_OPTIONS,
] satisfies OptionSpec[]);

/** Checks the options against {@link KERNEL_SHAP_OPTIONS} and fills in defaults. */
export function resolveKernelShapOptions(options?: KernelShapOptions): ResolvedKernelShapOptions {
  const given = resolveDeclaredOptions(KERNEL_SHAP_OPTIONS, options, 'kernel-shap') as KernelShapOptions & typeof KERNEL_SHAP_DEFAULTS;
  return {
    ...resolveSuperpixelMethodOptions(given),
    numSamples: checkNumSamples(given.numSamples, options?.limits),
    map: given.map,
  };
}

/** The coalitions to evaluate for M superpixels: the request (or 2 M + 2048), capped at 2^M - 2. */
export function kernelShapBudget(numSamples: number | 'auto', m: number): number {
  const requested = numSamples === 'auto' ? 2 * m + 2048 : numSamples;
  return m >= 53 ? requested : Math.min(requested, 2 ** m - 2);
}
