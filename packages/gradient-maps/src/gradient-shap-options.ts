import { EXPLAINED_OUTPUTS, type ExplainedOutput } from '@tfxai/cam';
import { checkChoice, checkInteger, checkNumber, checkSeed, rejectUnknownKeys, type MethodOptions } from '@tfxai/core';
import { checkBaselineSpecs, type BaselineSpec } from '@tfxai/integrated-gradients';
import { resolveGradientHeatmapOptions, type GradientHeatmapOptions, type ResolvedGradientHeatmapOptions } from './gradient-heatmap.js';

/** Options of GradientSHAP (Captum's `GradientShap`). */
export interface GradientShapOptions extends MethodOptions, GradientHeatmapOptions {
  /**
   * The baseline distribution: one baseline or a list; each sample draws one of them
   * uniformly at random. Each entry is any Integrated Gradients baseline: `'zeros'`,
   * a number, a tensor (H, W, C) / (1, H, W, C) / (N, H, W, C), `'blur'`,
   * `{ type: 'blur', sigma }`, `{ type: 'uniform', low, high, seed }`.
   * Named like Integrated Gradients' option (Captum calls it `baselines`). Default: 'zeros'.
   */
  baseline?: BaselineSpec | BaselineSpec[];
  /** Random (baseline, alpha, noise) samples per example. Default: 50. */
  numSamples?: number;
  /**
   * Standard deviation of the Gaussian noise added to the input in each sample, in
   * input units (Captum's `stdevs`); 0 turns the noise off.
   * Default: 0.09 times each image's value range (max - min).
   */
  stdevs?: number;
  /** Seed of every random draw: the same seed gives the same result on every backend. Default: 0. */
  seed?: number;
  /** Samples per backward pass; bounds memory. Default: 16. */
  internalBatchSize?: number;
  /** Explain the model's output as it is, or the logits before its final softmax/sigmoid. Default: 'probabilities'. */
  output?: ExplainedOutput;
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

const KNOWN_KEYS = ['layerName', 'baseline', 'numSamples', 'stdevs', 'seed', 'internalBatchSize', 'output', 'absolute', 'channelReduction'];

/** Fills in defaults and rejects values outside the allowed ones. */
export function resolveGradientShapOptions(options: GradientShapOptions = {}): ResolvedGradientShapOptions {
  rejectUnknownKeys('options', options, KNOWN_KEYS);
  const d = GRADIENT_SHAP_DEFAULTS;
  return {
    baselines: checkBaselineSpecs(options.baseline ?? d.baseline),
    numSamples: checkInteger('numSamples', options.numSamples ?? d.numSamples),
    stdevs: options.stdevs === undefined ? undefined : checkNumber('stdevs', options.stdevs, { min: 0 }),
    seed: checkSeed('seed', options.seed ?? d.seed),
    internalBatchSize: checkInteger('internalBatchSize', options.internalBatchSize ?? d.internalBatchSize),
    output: checkChoice('output', options.output ?? 'probabilities', EXPLAINED_OUTPUTS),
    heatmap: resolveGradientHeatmapOptions(options, d.heatmap),
  };
}
