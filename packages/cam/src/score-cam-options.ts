import { resolveDeclaredOptions, type OptionSpec } from '@tfxai/core';
import { CAM_OPTIONS, resolveCamOptions, type CamOptions, type ResolvedCamOptions } from './cam-options.js';

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

/** The declared options of Score-CAM: the CAM options plus its own. */
export const SCORE_CAM_OPTIONS: readonly OptionSpec[] = Object.freeze([
  ...CAM_OPTIONS,
  {
    name: 'batchSize',
    type: 'integer',
    min: 1,
    default: SCORE_CAM_DEFAULTS.batchSize,
    doc: 'masked images per model call; memory stays bounded whatever the channel count, and results equal a one-channel-at-a-time loop',
  },
  {
    name: 'weighting',
    type: 'choice',
    choices: SCORE_CAM_WEIGHTINGS,
    default: SCORE_CAM_DEFAULTS.weighting,
    doc: "`'softmax'` over the masked scores (the paper's Algorithm 1) or `'score'`, the scores themselves (the authors' code)",
  },
] satisfies OptionSpec[]);

/** Checks the options against {@link SCORE_CAM_OPTIONS} and fills in defaults. */
export function resolveScoreCamOptions(options?: ScoreCamOptions): ResolvedScoreCamOptions & ResolvedCamOptions {
  const common = resolveCamOptions(options, SCORE_CAM_OPTIONS, 'scorecam');
  const own = resolveDeclaredOptions(SCORE_CAM_OPTIONS, options, 'scorecam') as Required<ScoreCamOptions>;
  return { ...common, batchSize: own.batchSize, weighting: own.weighting };
}
