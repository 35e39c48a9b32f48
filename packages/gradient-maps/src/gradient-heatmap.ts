import type { ChannelReduction } from '@tfxai/core';

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

/** The gradient maps' heatmap defaults: |gradient|, channel maximum (Simonyan et al.). */
export const GRADIENT_HEATMAP_DEFAULTS: Readonly<ResolvedGradientHeatmapOptions> = Object.freeze({ absolute: true, channelReduction: 'max' });
