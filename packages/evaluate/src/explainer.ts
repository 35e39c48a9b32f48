import * as tf from '@tensorflow/tfjs';
import { InvalidOptionError, reduceChannels, type ChannelReduction, type XaiMethod } from '@tfxai/core';

/**
 * How a metric asks for explanations: a batch of inputs and one target per
 * input in, one map per input (N, ...spatial) out, which the metric disposes.
 */
export type ExplainFunction = (images: tf.Tensor, targets: readonly number[]) => Promise<tf.Tensor>;

/**
 * Explanations as the method's heatmaps (AUCMEDI's `computeHeatmap`, one
 * image at a time, min-max normalised to [0, 1]), stacked to (N, H, W).
 * Works with every method, plugins included.
 */
export function heatmapExplainer(method: XaiMethod): ExplainFunction {
  return async (images, targets) => {
    const maps: tf.Tensor[] = [];
    try {
      for (let i = 0; i < targets.length; i++) {
        const image = images.slice(i, 1);
        try {
          maps.push(await method.computeHeatmap(image, targets[i]!));
        } finally {
          image.dispose();
        }
      }
      return tf.stack(maps);
    } finally {
      tf.dispose(maps);
    }
  };
}

/**
 * Explanations as the method's raw attributions from one batched
 * `attribute()` call, channels reduced by `reduction` (default 'sum'), or
 * kept (N, H, W, C) with `reduction: 'none'`.
 * @throws InvalidOptionError when the method has no `attribute()` (CAM methods: use {@link heatmapExplainer})
 */
export function attributionExplainer(method: XaiMethod, reduction: ChannelReduction | 'none' = 'sum'): ExplainFunction {
  if (typeof method.attribute !== 'function') {
    throw new InvalidOptionError('method', `'${method.name}' has no attribute(); use heatmapExplainer(method) for methods that only make heatmaps`);
  }
  return async (images, targets) => {
    const { attributions } = await method.attribute!(images, targets);
    if (reduction === 'none') return attributions;
    const reduced = reduceChannels(attributions, reduction);
    attributions.dispose();
    return reduced;
  };
}
