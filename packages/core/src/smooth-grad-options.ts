import { InvalidOptionError } from './errors.js';
import { checkSeed, describeOptionValue } from './option-checks.js';
import { checkOptions, type OptionSpec } from './option-spec.js';

/** How SmoothGrad combines the attributions of the noisy samples. */
export type SmoothGradMode = 'plain' | 'squared' | 'vargrad';
export const SMOOTH_GRAD_MODES: readonly SmoothGradMode[] = ['plain', 'squared', 'vargrad'];

/**
 * SmoothGrad (Smilkov et al. 2017), the `smoothGrad` option every method with
 * `attribute()` takes: combine the attributions of noisy copies of the input,
 * `x + N(0, sigma^2)` with `sigma = noiseLevel * (max(x) - min(x))` per image.
 */
export interface SmoothGradOptions {
  /** Noisy copies per example. Default: 25. */
  samples?: number;
  /** Noise standard deviation relative to each image's value range (max - min); 0 gives the method itself. Default: 0.15. */
  noiseLevel?: number;
  /**
   * `'plain'`: mean of the sample attributions (SmoothGrad); `'squared'`: mean of their
   * squares (SmoothGrad-Squared, Hooker et al. 2019); `'vargrad'`: their variance
   * (VarGrad, Adebayo et al. 2018). Default: 'plain'.
   */
  mode?: SmoothGradMode;
  /** Seed of the noise: the same seed gives the same noise on every backend. Default: 0. */
  seed?: number;
  /**
   * Noisy samples per evaluation (per backward pass, or per call of the method's
   * `attribute`); bounds memory and does not change the result.
   * Default: the method's `internalBatchSize` where SmoothGrad is native, 8 in the noise tunnel.
   */
  batchSize?: number;
}

/** Every SmoothGrad option checked; `batchSize` stays undefined when not given (the method's default applies). */
export interface ResolvedSmoothGradOptions {
  samples: number;
  noiseLevel: number;
  mode: SmoothGradMode;
  seed: number;
  batchSize: number | undefined;
}

/** The defaults of {@link SmoothGradOptions} (`batchSize` is the method's). */
export const SMOOTH_GRAD_DEFAULTS = Object.freeze({ samples: 25, noiseLevel: 0.15, mode: 'plain' as SmoothGradMode, seed: 0 });

/** Every key `smoothGrad` may hold. */
export const SMOOTH_GRAD_OPTION_KEYS: readonly string[] = Object.freeze(['samples', 'noiseLevel', 'mode', 'seed', 'batchSize']);

/** The declarations of `smoothGrad`'s keys (checked like a method's options). */
export const SMOOTH_GRAD_OPTION_SPECS: readonly OptionSpec[] = Object.freeze([
  { name: 'samples', type: 'integer', min: 1, default: SMOOTH_GRAD_DEFAULTS.samples, doc: 'noisy copies per example (memory is bounded by `batchSize` whatever it is)' },
  { name: 'noiseLevel', type: 'number', min: 0, default: SMOOTH_GRAD_DEFAULTS.noiseLevel, doc: "noise standard deviation relative to each image's value range; 0 gives the method itself" },
  { name: 'mode', type: 'choice', choices: SMOOTH_GRAD_MODES, default: SMOOTH_GRAD_DEFAULTS.mode, doc: "how the samples' attributions combine: `'plain'` their mean (SmoothGrad), `'squared'` their mean square (SmoothGrad-Squared), `'vargrad'` their variance (VarGrad)" },
  { name: 'seed', type: 'custom', typeDoc: 'safe integer', default: SMOOTH_GRAD_DEFAULTS.seed, check: (value, name) => void checkSeed(name, value), doc: 'seed of the noise; the same seed gives the same noise on every backend (drawn on the host)' },
  { name: 'batchSize', type: 'integer', min: 1, defaultDoc: "native: the method's `internalBatchSize`; tunnel: `8`", doc: "noisy copies per backward pass (native) or per call of the method's `attribute()` (tunnel); bounds memory, does not change the result" },
] satisfies OptionSpec[]);

/**
 * The declaration of the `smoothGrad` option every method with `attribute()` takes
 * (a method with native SmoothGrad lists it among its own options).
 */
export const SMOOTH_GRAD_OPTION: OptionSpec = Object.freeze({
  name: 'smoothGrad',
  type: 'custom',
  typeDoc: '`true`, or `{ samples, noiseLevel, mode, seed, batchSize }`',
  defaultDoc: 'off',
  options: SMOOTH_GRAD_OPTION_SPECS,
  check: (value: unknown) => void resolveSmoothGradOptions(value as SmoothGradOptions | boolean | undefined),
  doc: 'the attributions of noisy copies, combined; see [SmoothGrad](smoothgrad.md)',
});

/**
 * Checks a `smoothGrad` option. `true` means the defaults; `false` or undefined
 * turn SmoothGrad off (undefined is returned).
 * @throws InvalidOptionError naming the offending key ('smoothGrad.samples') and what is allowed
 */
export function resolveSmoothGradOptions(options: SmoothGradOptions | boolean | undefined): ResolvedSmoothGradOptions | undefined {
  if (options === undefined || options === false) return undefined;
  if (options === true) return { ...SMOOTH_GRAD_DEFAULTS, batchSize: undefined };
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidOptionError('smoothGrad', `must be true, false or { ${SMOOTH_GRAD_OPTION_KEYS.join(', ')} }; got ${describeOptionValue(options)}`);
  }
  checkOptions(SMOOTH_GRAD_OPTION_SPECS, options, 'smoothGrad');
  const d = SMOOTH_GRAD_DEFAULTS;
  return {
    samples: options.samples ?? d.samples,
    noiseLevel: options.noiseLevel ?? d.noiseLevel,
    mode: options.mode ?? d.mode,
    seed: options.seed ?? d.seed,
    batchSize: options.batchSize,
  };
}
