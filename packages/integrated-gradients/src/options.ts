import {
  BASELINE_OPTION,
  CHANNEL_REDUCTIONS,
  checkBaselineSpecs,
  resolveDeclaredOptions,
  type BaselineSpec,
  type ChannelReduction,
  type OptionSpec,
} from '@tfxai/core';
import { QUADRATURE_RULES, type QuadratureRule } from './quadrature.js';

/** Options of Integrated Gradients; the defaults reproduce AUCMEDI exactly. */
export interface IntegratedGradientsOptions {
  /** Intervals on the path (trapezoid: numSteps + 1 points), 1 to 10000 (raise with `limits: { numSteps }`). Default: 50. */
  numSteps?: number;
  /** Quadrature rule. Default: 'trapezoid'. */
  rule?: QuadratureRule;
  /** Baseline, or a list of baselines whose attributions are averaged. Default: 'zeros'. */
  baseline?: BaselineSpec | BaselineSpec[];
  /** Path points per model call, 1 to 1024; bounds memory whatever numSteps is (8 was as fast as 16 or 32 in the bench, with 40% less memory). Default: 8. */
  internalBatchSize?: number;
  /** How computeHeatmap folds channels into one map. Default: 'max' (AUCMEDI's signed maximum). */
  channelReduction?: ChannelReduction;
  /** Multiply the mean gradient by (x - baseline), as the paper does. Default: true. */
  multiplyByInputs?: boolean;
  /**
   * When the model is a tf.Sequential starting with a Conv2D (or, on volumes, a Conv3D): run that layer's forward pass
   * once per baseline and its backward pass once per chunk instead of once per path point
   * (first-layer-shortcut.ts); equal to the plain computation up to float rounding. Other
   * models take the plain path. Default: false.
   */
  firstLayerShortcut?: boolean;
  /** Raised upper bounds of bounded options, e.g. `{ numSteps: 20000 }`. Default: none. */
  limits?: { numSteps?: number; internalBatchSize?: number };
}

/** Every option filled in and checked. */
export type ResolvedIntegratedGradientsOptions = Required<Omit<IntegratedGradientsOptions, 'baseline' | 'limits'>> & { baselines: BaselineSpec[] };

export const INTEGRATED_GRADIENTS_DEFAULTS = Object.freeze({
  numSteps: 50,
  rule: 'trapezoid' as QuadratureRule,
  baseline: 'zeros' as BaselineSpec,
  internalBatchSize: 8,
  channelReduction: 'max' as ChannelReduction,
  multiplyByInputs: true,
  firstLayerShortcut: false,
});

/** The declared options of Integrated Gradients (the docs table is generated from them). */
export const INTEGRATED_GRADIENTS_OPTIONS: readonly OptionSpec[] = Object.freeze([
  {
    name: 'numSteps',
    type: 'integer',
    min: 1,
    max: 10000,
    default: INTEGRATED_GRADIENTS_DEFAULTS.numSteps,
    doc: 'intervals on the path; the trapezoid rule evaluates `numSteps + 1` points `k / numSteps`',
  },
  {
    name: 'rule',
    type: 'choice',
    choices: QUADRATURE_RULES,
    default: INTEGRATED_GRADIENTS_DEFAULTS.rule,
    doc: "the quadrature: Riemann sums (`'left'`, `'right'`, `'middle'`, weights `1/n`), `'trapezoid'`, or `'gauss-legendre'` (n nodes, exact for polynomial paths of degree ≤ 2n − 1); every rule's weights sum to 1 (Captum's trapezoid sums to (n − 1)/n)",
  },
  {
    ...BASELINE_OPTION,
    doc: "the path's start; `'blur'` sigma defaults to the shorter side / 16, `'uniform'` to the input's min..max and seed 0; a list of baselines is averaged",
  },
  {
    name: 'internalBatchSize',
    type: 'integer',
    min: 1,
    max: 1024,
    default: INTEGRATED_GRADIENTS_DEFAULTS.internalBatchSize,
    doc: 'path points per model call at most (fewer when the model and image size need more than `PASS_MEMORY_BUDGET`, 768 MiB, per pass): memory stays bounded whatever `numSteps` is; results equal one-point-at-a-time evaluation',
  },
  {
    name: 'channelReduction',
    type: 'choice',
    choices: CHANNEL_REDUCTIONS,
    default: INTEGRATED_GRADIENTS_DEFAULTS.channelReduction,
    doc: "how `computeHeatmap` folds channels: `'max'` is AUCMEDI's signed maximum",
  },
  {
    name: 'multiplyByInputs',
    type: 'boolean',
    default: INTEGRATED_GRADIENTS_DEFAULTS.multiplyByInputs,
    doc: 'multiply the path-averaged gradient by `(x − b)`; `false` returns the averaged gradient alone (no convergence delta then)',
  },
  {
    name: 'firstLayerShortcut',
    type: 'boolean',
    default: INTEGRATED_GRADIENTS_DEFAULTS.firstLayerShortcut,
    doc: "for a `tf.Sequential` starting with a `Conv2D` or `Conv3D`: that layer's forward pass once per baseline and its backward pass once per chunk instead of once per path point; equal to the plain path to float rounding; other models ignore it",
  },
] satisfies OptionSpec[]);

/** Checks the options against {@link INTEGRATED_GRADIENTS_OPTIONS} and fills in defaults. */
export function resolveOptions(options?: IntegratedGradientsOptions): ResolvedIntegratedGradientsOptions {
  const { baseline, ...rest } = resolveDeclaredOptions(INTEGRATED_GRADIENTS_OPTIONS, options, 'integrated-gradients') as Required<IntegratedGradientsOptions>;
  return { ...rest, baselines: checkBaselineSpecs(baseline) } as ResolvedIntegratedGradientsOptions;
}
