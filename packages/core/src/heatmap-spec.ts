import * as tf from '@tensorflow/tfjs';
import { CHANNEL_REDUCTIONS, minMaxNormalize, reduceChannels, resizeMap, type ChannelReduction } from './heatmap.js';
import type { OptionSpec } from './option-spec.js';

/**
 * How one example's attributions (1, H, W, C) become a heatmap, as data:
 * every method and the `NoiseTunnel` apply it with {@link attributionHeatmap}.
 */
export interface HeatmapSpec {
  /** Take |attribution| before folding channels. */
  readonly absolute: boolean;
  /** How channels fold into one value per pixel: 'max' (AUCMEDI's signed maximum), 'sum', 'abs-sum', 'l2'. */
  readonly channelReduction: ChannelReduction;
  /** Resize the map bilinearly to [height, width] before normalising. Default: keep the attributions' size. */
  readonly size?: readonly [number, number];
}

/**
 * The heatmap of one example: |.| when `absolute`, channels reduced, resized
 * to `size` when given, min-max normalised to [0, 1] with `eps`. Pure: the
 * caller keeps `attributions`.
 * @param attributions (1, H, W, C)
 * @returns (H, W), or `size`
 */
export function attributionHeatmap(attributions: tf.Tensor4D, spec: HeatmapSpec, eps = 1e-8): tf.Tensor2D {
  return tf.tidy(() => {
    const values = spec.absolute ? tf.abs(attributions) : attributions;
    const map = reduceChannels(values, spec.channelReduction).squeeze([0]) as tf.Tensor2D;
    return minMaxNormalize(spec.size ? resizeMap(map, spec.size) : map, eps);
  });
}

/** The declarations of the two heatmap options gradient methods share, with a method's defaults. */
export function heatmapOptionSpecs(defaults: { absolute: boolean; channelReduction: ChannelReduction }): OptionSpec[] {
  return [
    {
      name: 'absolute',
      type: 'boolean',
      default: defaults.absolute,
      doc: 'take |attribution| before folding channels; `false` keeps the sign (with `channelReduction: \'max\'`: AUCMEDI\'s signed channel maximum)',
    },
    {
      name: 'channelReduction',
      type: 'choice',
      choices: CHANNEL_REDUCTIONS,
      default: defaults.channelReduction,
      doc: 'how `computeHeatmap` folds channels into one value per pixel',
    },
  ];
}
