import * as tf from '@tensorflow/tfjs';
import { CHANNEL_REDUCTIONS, checkBoolean, checkChoice, minMaxNormalize, reduceChannels, type ChannelReduction } from '@tfxai/core';

/** How a gradient map's (N, H, W, C) attributions become a 2-D heatmap. */
export interface GradientHeatmapOptions {
  /**
   * Take |gradient| before reducing channels, as Simonyan et al. do. `false` keeps
   * the sign: with `channelReduction: 'max'` that is AUCMEDI's signed channel maximum.
   * Default: true.
   */
  absolute?: boolean;
  /** How channels fold into one value per pixel: 'max', 'sum', 'abs-sum', 'l2'. Default: 'max'. */
  channelReduction?: ChannelReduction;
}

export type ResolvedGradientHeatmapOptions = Required<GradientHeatmapOptions>;

export const GRADIENT_HEATMAP_DEFAULTS: Readonly<ResolvedGradientHeatmapOptions> = Object.freeze({ absolute: true, channelReduction: 'max' });

/**
 * Fills in and checks the heatmap options.
 * @param defaults the method's defaults (default: {@link GRADIENT_HEATMAP_DEFAULTS})
 */
export function resolveGradientHeatmapOptions(options: GradientHeatmapOptions, defaults: ResolvedGradientHeatmapOptions = GRADIENT_HEATMAP_DEFAULTS): ResolvedGradientHeatmapOptions {
  return {
    absolute: checkBoolean('absolute', options.absolute ?? defaults.absolute),
    channelReduction: checkChoice('channelReduction', options.channelReduction ?? defaults.channelReduction, CHANNEL_REDUCTIONS),
  };
}

/**
 * The heatmap of one example's attributions (1, H, W, C): optional |.|, channels
 * reduced, min-max normalised to [0, 1] with `eps`. Returns (H, W).
 */
export function gradientHeatmap(attributions: tf.Tensor4D, options: ResolvedGradientHeatmapOptions, eps: number): tf.Tensor2D {
  return tf.tidy(() => {
    const values = options.absolute ? tf.abs(attributions) : attributions;
    const map = reduceChannels(values, options.channelReduction).squeeze([0]) as tf.Tensor2D;
    return minMaxNormalize(map, eps);
  });
}
