import * as tf from '@tensorflow/tfjs';
import type { Heatmap } from '@tfxai/core';
import {
  InvalidOptionError,
  checkFiniteHeatmap,
  minMaxNormalize,
  type MethodServices,
  type ModelAdapter,
  type ModelLike,
  type XaiMethod,
} from '@tfxai/core';
import { targetScoresInBatches } from './batched-scores.js';
import { fillImage } from './fill.js';
import { checkStride, defaultPatchSize, resolveOcclusionOptions, type OcclusionOptions, type ResolvedOcclusionOptions } from './occlusion-options.js';
import { windowSpans, type Span } from './occlusion-windows.js';
import { withSingleImage } from './single-image.js';

/**
 * Occlusion Sensitivity (Zeiler & Fergus 2014), as AUCMEDI computes it: a
 * patch slides over the image and each window's value, by default
 * `1 - p(class)` with the patch in place, is written to the pixels it hides
 * (averaged where windows overlap). Unlike AUCMEDI, rows and columns are not
 * swapped, so non-square images are covered whole, and by default the patch
 * holds the image's mean colour and is 1/8 of its shorter side (AUCMEDI:
 * `{ patchSize: 16, fill: 127.5 }`). Needs no gradients.
 */
export class OcclusionSensitivity implements XaiMethod {
  readonly name = 'occlusion';
  readonly options: ResolvedOcclusionOptions;
  readonly #adapter: ModelAdapter;

  constructor(model: ModelLike, options: OcclusionOptions | undefined, private readonly services: MethodServices) {
    this.options = resolveOcclusionOptions(options);
    this.#adapter = services.adaptModel(model);
  }

  /**
   * AUCMEDI's heatmap: the sensitivity map min-max normalised to [0, 1].
   * Cost: 1 + (windows) model evaluations, in calls of `batchSize` images.
   * @param image (1, H, W, C) or (H, W, C)
   * @param classIndex the class to explain
   * @param eps normalisation epsilon (default 1e-8)
   */
  computeHeatmap(image: tf.Tensor3D | tf.Tensor4D, classIndex: number, eps?: number): Promise<tf.Tensor2D>;
  computeHeatmap(image: tf.Tensor5D, classIndex: number, eps?: number): Promise<tf.Tensor3D>;
  computeHeatmap(image: tf.Tensor, classIndex: number, eps?: number): Promise<Heatmap>;
  async computeHeatmap(image: tf.Tensor, classIndex: number, eps = 1e-8): Promise<Heatmap> {
    const map = await this.sensitivityMap(image, classIndex);
    const heatmap = minMaxNormalize(map, eps);
    map.dispose();
    return checkFiniteHeatmap(heatmap, this.name);
  }

  /**
   * The raw map (H, W): at each pixel, the mean value of the windows that hide
   * it (`1 - p(class)`, or the score drop with `score: 'drop'`).
   */
  sensitivityMap(image: tf.Tensor, classIndex: number): Promise<tf.Tensor2D> {
    return withSingleImage(this.#adapter, this.services, image, classIndex, ({ batch, target, scores }) => this.#sensitivityMap(batch, target, scores));
  }

  async #sensitivityMap(batch: tf.Tensor4D, target: number, scores: Float32Array): Promise<tf.Tensor2D> {
    const owned: tf.Tensor[] = [];
    try {
      const [, height, width, channels] = batch.shape;
      const { edgeWindows, batchSize, score } = this.options;
      const patchSize = this.options.patchSize ?? defaultPatchSize(height, width);
      const stride = this.options.stride ?? patchSize;
      checkStride(stride, patchSize);
      if (patchSize[0] > height || patchSize[1] > width) {
        throw new InvalidOptionError('patchSize', `the patch ${patchSize[0]} x ${patchSize[1]} is larger than the image ${height} x ${width}; allowed: at most the image size`);
      }
      const background = fillImage(batch, this.options.fill, this.options.blurSigma);
      owned.push(background);
      const difference = tf.sub(background, batch);
      owned.push(difference);

      const rows = windowSpans(height, patchSize[0], stride[0], edgeWindows);
      const cols = windowSpans(width, patchSize[1], stride[1], edgeWindows);
      const windows = rows.flatMap((row) => cols.map((col) => [row, col] as [Span, Span]));
      const occludedScores = await targetScoresInBatches(this.#adapter, windows.length, batchSize, target, scores.length, (start, end) => {
        // image + (fill - image) * mask, one blend per batch. Each window's mask is a
        // rectangle of ones: one contiguous fill per window row (pixels x channels).
        // A full-shape mask keeps wasm off its slow broadcast along channels.
        const mask = new Float32Array((end - start) * height * width * channels);
        for (let i = start; i < end; i++) {
          const [row, col] = windows[i]!;
          for (let r = row.start; r < row.end; r++) {
            const rowStart = (((i - start) * height + r) * width) * channels;
            mask.fill(1, rowStart + col.start * channels, rowStart + col.end * channels);
          }
        }
        return tf.add(batch, tf.mul(difference, tf.tensor4d(mask, [end - start, height, width, channels]))) as tf.Tensor4D;
      });

      const sums = new Float64Array(height * width);
      const counts = new Float64Array(height * width);
      windows.forEach(([row, col], i) => {
        const value = score === 'drop' ? scores[target]! - occludedScores[i]! : 1 - occludedScores[i]!;
        for (let r = row.start; r < row.end; r++) {
          for (let c = col.start; c < col.end; c++) {
            sums[r * width + c]! += value;
            counts[r * width + c]!++;
          }
        }
      });
      return tf.tensor2d(Float32Array.from(sums, (sum, p) => sum / counts[p]!), [height, width]);
    } finally {
      tf.dispose(owned);
    }
  }
}
