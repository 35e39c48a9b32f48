import {
  BASELINE_OPTION,
  checkBaselineSpecs,
  checkSeed,
  heatmapOptionSpecs,
  resolveDeclaredOptions,
  type BaselineSpec,
  type ExplainedOutput,
  type OptionSpec,
} from '@tfxai/core';
import type { GradientHeatmapOptions, ResolvedGradientHeatmapOptions } from './gradient-heatmap.js';
import { INTERNAL_BATCH_SIZE_OPTION, OUTPUT_OPTION } from './gradient-map-method.js';

/** Options of GradientSHAP (Captum's `GradientShap`). */
export interface GradientShapOptions extends GradientHeatmapOptions {
  /**
   * The baseline distribution: one baseline or a list; each sample draws one of them
   * uniformly at random. Each entry is any Integrated Gradients baseline: `'zeros'`,
   * a number, a tensor (H, W, C) / (1, H, W, C) / (N, H, W, C) (volumes: (D, H, W, C) and so on), `'blur'`,
   * `{ type: 'blur', sigma }`, `{ type: 'uniform', low, high, seed }`.
   * Named like Integrated Gradients' option (Captum calls it `baselines`). Default: 'zeros'.
   */
  baseline?: BaselineSpec | BaselineSpec[];
  /** Random (baseline, alpha, noise) samples per example, 1 to 10000 (raise with `limits: { numSamples }`). Default: 50. */
  numSamples?: number;
  /**
   * Standard deviation of the Gaussian noise added to the input in each sample, in
   * input units (Captum's `stdevs`); 0 turns the noise off.
   * Default: 0.09 times each image's value range (max - min).
   */
  stdevs?: number;
  /** Seed of every random draw: the same seed gives the same result on every backend. Default: 0. */
  seed?: number;
  /** Samples per backward pass, 1 to 1024; bounds memory. Default: 16. */
  internalBatchSize?: number;
  /** Explain the model's output as it is, or the logits before its final softmax/sigmoid. Default: 'probabilities'. */
  output?: ExplainedOutput;
  /** Raised upper bounds of bounded options, e.g. `{ numSamples: 20000 }`. Default: none. */
  limits?: { numSamples?: number; internalBatchSize?: number };
}

/** Every option filled in and checked; `stdevs` undefined means 0.09 of each image's range. */
export interface ResolvedGradientShapOptions {
  baselines: BaselineSpec[];
  numSamples: number;
  stdevs: number | undefined;
  seed: number;
  internalBatchSize: number;
  output: ExplainedOutput;
  heatmap: ResolvedGradientHeatmapOptions;
}

export const GRADIENT_SHAP_DEFAULTS = Object.freeze({
  baseline: 'zeros' as BaselineSpec,
  numSamples: 50,
  /** Default noise, relative to each image's value range. */
  relativeStdev: 0.09,
  seed: 0,
  internalBatchSize: 16,
  /** Signed attributions, as Integrated Gradients: the heatmap keeps the sign. */
  heatmap: Object.freeze({ absolute: false, channelReduction: 'max' }) as Readonly<ResolvedGradientHeatmapOptions>,
});

/** The declared options of GradientSHAP (the docs table is generated from them). */
export const GRADIENT_SHAP_OPTIONS: readonly OptionSpec[] = Object.freeze([
  { ...BASELINE_OPTION, doc: 'the baseline distribution: each sample draws one of the listed baselines uniformly' },
  {
    name: 'numSamples',
    type: 'integer',
    min: 1,
    max: 10000,
    default: GRADIENT_SHAP_DEFAULTS.numSamples,
    doc: 'random (baseline, alpha, noise) samples per example; the convergence delta shrinks as it grows',
  },
  {
    name: 'stdevs',
    type: 'number',
    min: 0,
    defaultDoc: '0.09 × (max − min) of each image',
    doc: "standard deviation of the Gaussian noise added to the input per sample, in input units (Captum's `stdevs`); `0` turns the noise off",
  },
  {
    name: 'seed',
    type: 'custom',
    typeDoc: 'safe integer',
    default: GRADIENT_SHAP_DEFAULTS.seed,
    check: (value, name) => void checkSeed(name, value),
    doc: 'seed of every random draw (baseline index, alpha, noise), drawn on the host: the same on every backend',
  },
  { ...INTERNAL_BATCH_SIZE_OPTION, doc: 'samples per backward pass at most (fewer when the model and image size need more than `PASS_MEMORY_BUDGET`, 768 MiB, per pass); results do not depend on it' },
  OUTPUT_OPTION,
  ...heatmapOptionSpecs(GRADIENT_SHAP_DEFAULTS.heatmap),
] satisfies OptionSpec[]);

/** Checks the options against {@link GRADIENT_SHAP_OPTIONS} and fills in defaults. */
export function resolveGradientShapOptions(options: GradientShapOptions = {}): ResolvedGradientShapOptions {
  const given = resolveDeclaredOptions(GRADIENT_SHAP_OPTIONS, options, 'gradient-shap') as Required<GradientShapOptions>;
  return {
    baselines: checkBaselineSpecs(given.baseline),
    numSamples: given.numSamples,
    stdevs: given.stdevs,
    seed: given.seed,
    internalBatchSize: given.internalBatchSize,
    output: given.output,
    heatmap: { absolute: given.absolute, channelReduction: given.channelReduction },
  };
}
