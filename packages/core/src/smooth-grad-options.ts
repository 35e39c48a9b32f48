import { InvalidOptionError } from './errors.js';
import { checkChoice, checkInteger, checkNumber, checkSeed, rejectUnknownKeys } from './option-checks.js';

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

/**
 * Checks a `smoothGrad` option. `true` means the defaults; `false` or undefined
 * turn SmoothGrad off (undefined is returned).
 * @throws InvalidOptionError naming the offending key ('smoothGrad.samples') and what is allowed
 */
export function resolveSmoothGradOptions(options: SmoothGradOptions | boolean | undefined): ResolvedSmoothGradOptions | undefined {
  if (options === undefined || options === false) return undefined;
  if (options === true) return { ...SMOOTH_GRAD_DEFAULTS, batchSize: undefined };
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidOptionError('smoothGrad', `must be true, false or { ${SMOOTH_GRAD_OPTION_KEYS.join(', ')} }; got ${JSON.stringify(options)}`);
  }
  rejectUnknownKeys('smoothGrad', options, SMOOTH_GRAD_OPTION_KEYS);
  const d = SMOOTH_GRAD_DEFAULTS;
  return {
    samples: checkInteger('smoothGrad.samples', options.samples ?? d.samples),
    noiseLevel: checkNumber('smoothGrad.noiseLevel', options.noiseLevel ?? d.noiseLevel, { min: 0 }),
    mode: checkChoice('smoothGrad.mode', options.mode ?? d.mode, SMOOTH_GRAD_MODES),
    seed: checkSeed('smoothGrad.seed', options.seed ?? d.seed),
    batchSize: options.batchSize === undefined ? undefined : checkInteger('smoothGrad.batchSize', options.batchSize),
  };
}
