import { checkChoice, checkInteger } from '@tfxai/core';
import { resolveCamOptions, type CamOptions, type ResolvedCamOptions } from './cam-options.js';

/**
 * How Score-CAM turns the channels' scores s_k into weights.
 * - 'softmax': `w = softmax_k(s_k - s_baseline)`, Algorithm 1 of Wang et al. 2020. The
 *   baseline (zero image) score is the same for every channel, so it cancels in the
 *   softmax and is not evaluated.
 * - 'score': `w_k = s_k`, the masked input's score itself, as the authors' public code does.
 */
export type ScoreCamWeighting = 'softmax' | 'score';
/** Every allowed {@link ScoreCamWeighting}. */
export const SCORE_CAM_WEIGHTINGS: readonly ScoreCamWeighting[] = ['softmax', 'score'];

/** Options of Score-CAM: the common CAM options plus batching and the weighting. */
export interface ScoreCamOptions extends CamOptions {
  /** Masked images per model call. Default: 32. */
  batchSize?: number;
  /** Channel weighting. Default: 'softmax' (the paper's Algorithm 1). */
  weighting?: ScoreCamWeighting;
}

/** Score-CAM's own options, filled in and checked. */
export interface ResolvedScoreCamOptions {
  batchSize: number;
  weighting: ScoreCamWeighting;
}

/** The defaults of Score-CAM's own options. */
export const SCORE_CAM_DEFAULTS = Object.freeze({ batchSize: 32, weighting: 'softmax' as ScoreCamWeighting });

/** Fills in Score-CAM's own defaults and rejects values outside the allowed ones (common options: {@link resolveCamOptions}). */
export function resolveScoreCamOptions(options: ScoreCamOptions = {}): ResolvedScoreCamOptions & ResolvedCamOptions {
  const common = resolveCamOptions(options);
  return {
    ...common,
    batchSize: checkInteger('batchSize', options.batchSize ?? SCORE_CAM_DEFAULTS.batchSize),
    weighting: checkChoice('weighting', options.weighting ?? SCORE_CAM_DEFAULTS.weighting, SCORE_CAM_WEIGHTINGS),
  };
}
