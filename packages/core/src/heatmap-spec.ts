import * as tf from '@tensorflow/tfjs';
import { CHANNEL_REDUCTIONS, normalizeHeatmap, reduceChannels, resizeSpatialMap, type ChannelReduction } from './heatmap.js';
import type { Heatmap, ImageBatch } from './image-batch.js';
import type { OptionSpec } from './option-spec.js';

/**
 * How one example's attributions (1, H, W, C), or (1, D, H, W, C), become a heatmap, as data:
 * every method and the `NoiseTunnel` apply it with {@link attributionHeatmap}.
 */
export interface HeatmapSpec {
  /** Take |attribution| before folding channels. */
  readonly absolute: boolean;
  /** How channels fold into one value per pixel: 'max' (AUCMEDI's signed maximum), 'sum', 'abs-sum', 'l2'. */
  readonly channelReduction: ChannelReduction;
  /**
   * Resize the map to [height, width] bilinearly, or a volume's to [depth, height, width]
   * trilinearly, before normalising. Default: keep the attributions' size.
   */
  readonly size?: readonly number[];
}

/**
 * The heatmap of one example: |.| when `absolute`, channels reduced, resized
 * to `size` when given, min-max normalised to [0, 1] with `eps`. Pure: the
 * caller keeps `attributions`.
 * @param attributions (1, H, W, C), or a volume's (1, D, H, W, C)
 * @returns (H, W), or (D, H, W) for a volume, or `size`
 */
export function attributionHeatmap(attributions: tf.Tensor4D, spec: HeatmapSpec, eps?: number): tf.Tensor2D;
export function attributionHeatmap(attributions: tf.Tensor5D, spec: HeatmapSpec, eps?: number): tf.Tensor3D;
export function attributionHeatmap(attributions: ImageBatch, spec: HeatmapSpec, eps?: number): Heatmap;
export function attributionHeatmap(attributions: ImageBatch, spec: HeatmapSpec, eps = 1e-8): Heatmap {
  return tf.tidy(() => {
    const values = (spec.absolute ? tf.abs(attributions) : attributions) as ImageBatch;
    const map = reduceChannels(values, spec.channelReduction).squeeze([0]) as Heatmap;
    return normalizeHeatmap(spec.size ? resizeSpatialMap(map, spec.size) : map, eps);
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
