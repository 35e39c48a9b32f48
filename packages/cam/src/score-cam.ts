import * as tf from '@tensorflow/tfjs';
import { resizeVolume, targetSelector, withTfxaiKernels, type ImageBatch, type MethodServices, type ModelLike } from '@tfxai/core';
import type { CamMaps } from './cam-maps.js';
import { CamMethod } from './cam-method.js';
import { spatialAxes, type FeatureMaps } from './layer-activations.js';
import { SCORE_CAM_OPTIONS, resolveScoreCamOptions, type ResolvedScoreCamOptions, type ScoreCamOptions } from './score-cam-options.js';

/** Channel scores of one example: s_k, and whether channel k gave a usable (non-constant) mask. */
interface ChannelScores {
  scores: Float32Array;
  usable: boolean[];
}

/**
 * Score-CAM (Wang et al. 2020), gradient-free: each channel A^k of the target layer
 * is upsampled bilinearly to the input size (trilinearly with half-voxel centres for a
 * volume) and min-max normalised into a mask M_k;
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

  protected async weightedMaps(batch: ImageBatch, targets: number[], numClasses: number): Promise<CamMaps> {
    const activations = this.layer.activations(batch);
    const maps: CamMaps[] = [];
    try {
      for (let n = 0; n < batch.shape[0]; n++) {
        const weights = this.#weights(await this.#channelScores(batch, activations, n, targets[n]!, numClasses));
        maps.push(tf.tidy(() => tf.sum(tf.mul(tf.slice(activations, n, 1), tf.tensor1d(weights)), -1) as CamMaps));
      }
      return tf.concat(maps) as CamMaps;
    } finally {
      tf.dispose([activations, ...maps]);
    }
  }

  /** s_k for every channel of example n, evaluated batchSize masked images per model call. */
  async #channelScores(batch: ImageBatch, activations: FeatureMaps, n: number, target: number, numClasses: number): Promise<ChannelScores> {
    const channels = activations.shape[activations.rank - 1]!;
    const axes = spatialAxes(activations);
    const scores = new Float32Array(channels);
    const usable: boolean[] = [];
    for (let start = 0; start < channels; start += this.scoreCamOptions.batchSize) {
      const count = Math.min(this.scoreCamOptions.batchSize, channels - start);
      const [chunkScores, chunkUsable] = tf.tidy(() => {
        const features = tf.slice(activations, [n, ...axes.map(() => 0), start], [1, ...axes.map(() => -1), count]);
        const upsampled = upsampleChannels(features, batch.shape.slice(1, -1));
        const min = tf.min(upsampled, axes, true);
        const range = tf.sub(tf.max(upsampled, axes, true), min);
        const varies = tf.greater(range, 0);
        // (1, ...spatial, count) masks in [0, 1] -> (count, ...spatial, 1), one masked input per channel.
        const masks = tf.where(varies, tf.div(tf.sub(upsampled, min), tf.where(varies, range, tf.onesLike(range))), tf.zerosLike(upsampled));
        const masked = tf.mul(tf.slice(batch, n, 1), tf.transpose(masks, [axes.length + 1, ...axes, 0]));
        // Inside tfxai's kernel scope: its faster forward kernels (wasm Conv3D as XNNPACK conv2ds) apply here too.
        const scored = withTfxaiKernels(() => this.adapter.predict(masked as ImageBatch));
        const selected = tf.sum(tf.mul(scored, targetSelector(new Array<number>(count).fill(target), numClasses)), 1);
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

/**
 * One example's channels (1, ...spatial, count) upsampled to the input's size, same layout.
 * Images: bilinear as tf.image.resizeBilinear's default (what Score-CAM has always used
 * in 2-D). Volumes: trilinear with half-voxel centres (core's resizeVolume), each channel
 * resized as its own volume.
 */
function upsampleChannels(features: tf.Tensor, size: number[]): tf.Tensor {
  if (features.rank === 4) return tf.image.resizeBilinear(features as tf.Tensor4D, [size[0]!, size[1]!]);
  const channelsFirst = tf.transpose(features.squeeze([0]), [3, 0, 1, 2]) as tf.Tensor4D;
  return tf.transpose(resizeVolume(channelsFirst, size as [number, number, number]), [1, 2, 3, 0]).expandDims(0);
}
