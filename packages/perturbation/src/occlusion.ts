import * as tf from '@tensorflow/tfjs';
import {
  InvalidOptionError,
  checkFiniteHeatmap,
  normalizeHeatmap,
  type Heatmap,
  type ImageBatch,
  type MethodServices,
  type ModelAdapter,
  type ModelLike,
  type XaiMethod,
} from '@tfxai/core';
import { targetScoresInBatches } from './batched-scores.js';
import { fillImage } from './fill.js';
import { checkStride, defaultPatchSize, perAxis, resolveOcclusionOptions, type OcclusionOptions, type ResolvedOcclusionOptions } from './occlusion-options.js';
import { forEachBoxRun, windowBoxes } from './occlusion-windows.js';
import { withSingleImage } from './single-image.js';

/**
 * Occlusion Sensitivity (Zeiler & Fergus 2014), as AUCMEDI computes it: a
 * patch slides over the image and each window's value, by default
 * `1 - p(class)` with the patch in place, is written to the pixels it hides
 * (averaged where windows overlap). Unlike AUCMEDI, rows and columns are not
 * swapped, so non-square images are covered whole, and by default the patch
 * holds the image's mean colour and is 1/8 of its shorter side (AUCMEDI:
 * `{ patchSize: 16, fill: 127.5 }`). Needs no gradients.
 *
 * Volumes (N = 1, D, H, W, C) work the same way with a box-shaped patch
 * (`patchSize` and `stride` a number or [depth, height, width]): the windows
 * are the product of each axis's windows, so every voxel is covered.
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
   * AUCMEDI's heatmap: the sensitivity map min-max normalised to [0, 1], (H, W)
   * for an image, (D, H, W) for a volume (one min and max for the whole volume).
   * Cost: 1 + (windows) model evaluations, in calls of `batchSize` images.
   * @param image (1, H, W, C) or (H, W, C); a volume (1, D, H, W, C) or (D, H, W, C)
   * @param classIndex the class to explain
   * @param eps normalisation epsilon (default 1e-8)
   */
  computeHeatmap(image: tf.Tensor3D | tf.Tensor4D, classIndex: number, eps?: number): Promise<tf.Tensor2D>;
  computeHeatmap(image: tf.Tensor5D, classIndex: number, eps?: number): Promise<tf.Tensor3D>;
  computeHeatmap(image: tf.Tensor, classIndex: number, eps?: number): Promise<Heatmap>;
  async computeHeatmap(image: tf.Tensor, classIndex: number, eps = 1e-8): Promise<Heatmap> {
    const map = await this.sensitivityMap(image, classIndex);
    const heatmap = normalizeHeatmap(map, eps);
    map.dispose();
    return checkFiniteHeatmap(heatmap, this.name);
  }

  /**
   * The raw map (H, W), or (D, H, W) for a volume: at each pixel (voxel), the mean
   * value of the windows that hide it (`1 - p(class)`, or the score drop with `score: 'drop'`).
   */
  sensitivityMap(image: tf.Tensor3D | tf.Tensor4D, classIndex: number): Promise<tf.Tensor2D>;
  sensitivityMap(image: tf.Tensor5D, classIndex: number): Promise<tf.Tensor3D>;
  sensitivityMap(image: tf.Tensor, classIndex: number): Promise<Heatmap>;
  sensitivityMap(image: tf.Tensor, classIndex: number): Promise<Heatmap> {
    return withSingleImage(this.#adapter, this.services, image, classIndex, ({ batch, target, scores }) => this.#sensitivityMap(batch, target, scores));
  }

  async #sensitivityMap(batch: ImageBatch, target: number, scores: Float32Array): Promise<Heatmap> {
    const owned: tf.Tensor[] = [];
    try {
      const size = batch.shape.slice(1, -1);
      const channels = batch.shape[batch.rank - 1]!;
      const voxels = size.reduce((a, b) => a * b, 1);
      const { edgeWindows, batchSize, score } = this.options;
      const patchSize = this.options.patchSize === undefined ? defaultPatchSize(...size) : perAxis('patchSize', this.options.patchSize, size.length);
      const stride = this.options.stride === undefined ? patchSize : perAxis('stride', this.options.stride, size.length);
      checkStride(stride, patchSize);
      if (patchSize.some((side, axis) => side > size[axis]!)) {
        const what = size.length === 3 ? 'volume' : 'image';
        throw new InvalidOptionError('patchSize', `the patch ${patchSize.join(' x ')} is larger than the ${what} ${size.join(' x ')}; allowed: at most the ${what} size`);
      }
      const background = fillImage(batch, this.options.fill, this.options.blurSigma);
      owned.push(background);
      const difference = tf.sub(background, batch);
      owned.push(difference);

      const windows = windowBoxes(size, patchSize, stride, edgeWindows);
      const occludedScores = await targetScoresInBatches(this.#adapter, windows.length, batchSize, target, scores.length, (start, end) => {
        // image + (fill - image) * mask, one blend per batch. Each window's mask is a
        // box of ones: one contiguous fill per window row (pixels x channels).
        // A full-shape mask keeps wasm off its slow broadcast along channels.
        const mask = new Float32Array((end - start) * voxels * channels);
        for (let i = start; i < end; i++) {
          const offset = (i - start) * voxels;
          forEachBoxRun(windows[i]!, size, (first, length) => mask.fill(1, (offset + first) * channels, (offset + first + length) * channels));
        }
        return tf.add(batch, tf.mul(difference, tf.tensor(mask, [end - start, ...size, channels]))) as ImageBatch;
      });

      const sums = new Float64Array(voxels);
      const counts = new Float64Array(voxels);
      windows.forEach((box, i) => {
        const value = score === 'drop' ? scores[target]! - occludedScores[i]! : 1 - occludedScores[i]!;
        forEachBoxRun(box, size, (first, length) => {
          for (let p = first; p < first + length; p++) {
            sums[p]! += value;
            counts[p]!++;
          }
        });
      });
      return tf.tensor(Float32Array.from(sums, (sum, p) => sum / counts[p]!), size as [number, number]) as Heatmap;
    } finally {
      tf.dispose(owned);
    }
  }
}
