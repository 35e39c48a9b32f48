import * as tf from '@tensorflow/tfjs';
import { targetSelector, type MethodServices, type ModelLike } from '@tfxai/core';
import { CamMethod } from './cam-method.js';
import { SCORE_CAM_OPTIONS, resolveScoreCamOptions, type ResolvedScoreCamOptions, type ScoreCamOptions } from './score-cam-options.js';

/** Channel scores of one example: s_k, and whether channel k gave a usable (non-constant) mask. */
interface ChannelScores {
  scores: Float32Array;
  usable: boolean[];
}

/**
 * Score-CAM (Wang et al. 2020), gradient-free: each channel A^k of the target layer
 * is upsampled bilinearly to the input size and min-max normalised into a mask M_k;
 * the channel's score is the explained output for the class on the masked input,
 * `s_k = y_c(x * M_k)`; weights per `weighting` (default: softmax over channels), map
 * `ReLU(sum_k w_k A^k)`. A channel that is constant over the image gives no mask, no share of the softmax and
 * weight 0. Cost per image: one forward pass for A, then ceil(K / batchSize) model
 * calls over the K masked images.
 */
export class ScoreCam extends CamMethod {
  readonly name = 'scorecam';
  readonly scoreCamOptions: ResolvedScoreCamOptions;

  constructor(model: ModelLike, options: ScoreCamOptions | undefined, services: MethodServices) {
    const resolved = resolveScoreCamOptions(options);
    super(model, options, services, SCORE_CAM_OPTIONS);
    this.scoreCamOptions = { batchSize: resolved.batchSize, weighting: resolved.weighting };
  }

  protected async weightedMaps(batch: tf.Tensor4D, targets: number[], numClasses: number): Promise<tf.Tensor3D> {
    const activations = this.layer.activations(batch);
    const maps: tf.Tensor3D[] = [];
    try {
      for (let n = 0; n < batch.shape[0]; n++) {
        const weights = this.#weights(await this.#channelScores(batch, activations, n, targets[n]!, numClasses));
        maps.push(tf.tidy(() => tf.sum(tf.mul(tf.slice(activations, n, 1), tf.tensor1d(weights)), -1) as tf.Tensor3D));
      }
      return tf.concat(maps) as tf.Tensor3D;
    } finally {
      tf.dispose([activations, ...maps]);
    }
  }

  /** s_k for every channel of example n, evaluated batchSize masked images per model call. */
  async #channelScores(batch: tf.Tensor4D, activations: tf.Tensor4D, n: number, target: number, numClasses: number): Promise<ChannelScores> {
    const [, height, width, channels] = activations.shape;
    const scores = new Float32Array(channels);
    const usable: boolean[] = [];
    for (let start = 0; start < channels; start += this.scoreCamOptions.batchSize) {
      const count = Math.min(this.scoreCamOptions.batchSize, channels - start);
      const [chunkScores, chunkUsable] = tf.tidy(() => {
        const features = tf.slice(activations, [n, 0, 0, start], [1, height, width, count]);
        const upsampled = tf.image.resizeBilinear(features, [batch.shape[1], batch.shape[2]]);
        const min = tf.min(upsampled, [1, 2], true);
        const range = tf.sub(tf.max(upsampled, [1, 2], true), min);
        const varies = tf.greater(range, 0);
        // (1, H, W, count) masks in [0, 1] -> (count, H, W, 1), one masked image per channel.
        const masks = tf.where(varies, tf.div(tf.sub(upsampled, min), tf.where(varies, range, tf.onesLike(range))), tf.zerosLike(upsampled));
        const masked = tf.mul(tf.slice(batch, n, 1), tf.transpose(masks, [3, 1, 2, 0]));
        const selected = tf.sum(tf.mul(this.adapter.predict(masked as tf.Tensor4D), targetSelector(new Array<number>(count).fill(target), numClasses)), 1);
        return [selected, varies.reshape([count])];
      });
      const [values, flags] = await Promise.all([chunkScores.data(), chunkUsable.data()]);
      tf.dispose([chunkScores, chunkUsable]);
      scores.set(values as Float32Array, start);
      for (const flag of flags) usable.push(flag !== 0);
    }
    return { scores, usable };
  }

  /** Channel weights from the scores (unusable channels weigh 0). */
  #weights({ scores, usable }: ChannelScores): number[] {
    if (this.scoreCamOptions.weighting === 'score') return Array.from(scores, (s, k) => (usable[k] ? s : 0));
    let max = -Infinity;
    scores.forEach((s, k) => {
      if (usable[k]) max = Math.max(max, s);
    });
    const exps = Array.from(scores, (s, k) => (usable[k] ? Math.exp(s - max) : 0));
    const total = exps.reduce((a, b) => a + b, 0);
    return total > 0 ? exps.map((e) => e / total) : exps;
  }
}
