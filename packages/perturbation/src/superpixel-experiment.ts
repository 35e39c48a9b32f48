import * as tf from '@tensorflow/tfjs';
import type { ImageBatch, ModelAdapter } from '@tfxai/core';
import { targetScoresInBatches } from './batched-scores.js';
import { fillImage } from './fill.js';
import type { Segmentation } from './segmentation.js';
import { SuperpixelPerturbation } from './superpixel-perturbation.js';
import type { ResolvedSuperpixelMethodOptions } from './superpixel-options.js';
import { segmentImage } from './superpixels.js';
import type { PreparedImage } from './single-image.js';

/**
 * One image (or volume) ready for coalition experiments: checked, segmented, its class
 * checked and its own score known. Owns tensors: call {@link dispose}.
 */
export class SuperpixelExperiment {
  private constructor(
    readonly segmentation: Segmentation,
    /** The target-class score of the unperturbed image. */
    readonly prediction: number,
    readonly target: number,
    readonly numClasses: number,
    private readonly adapter: ModelAdapter,
    private readonly batchSize: number,
    private readonly perturbation: SuperpixelPerturbation<ImageBatch>,
    private readonly owned: tf.Tensor[],
  ) {}

  /**
   * @param prepared the image and class, checked by the lifecycle (see `withSingleImage`); the image stays the caller's
   * @throws InvalidOptionError ('segmentation') for a label map that does not fit; TfxaiError NON_FINITE_SCORE for a non-finite score
   */
  static async create(adapter: ModelAdapter, prepared: PreparedImage, options: ResolvedSuperpixelMethodOptions): Promise<SuperpixelExperiment> {
    const { batch, target } = prepared;
    const owned: tf.Tensor[] = [];
    try {
      const pixels = await batch.data<'float32'>();
      const { scores } = prepared;
      const segmentation = await segmentImage(options.segmentation, batch);
      const background = fillImage(batch, options.fill, options.blurSigma, { pixels, segmentation });
      owned.push(background);
      const perturbation = new SuperpixelPerturbation<ImageBatch>(batch, background, segmentation);
      return new SuperpixelExperiment(segmentation, scores[target]!, target, scores.length, adapter, options.batchSize, perturbation, owned);
    } catch (error) {
      tf.dispose(owned);
      throw error;
    }
  }

  /** The target score of the image with each row's superpixels shown and the rest hidden, `batchSize` rows per model call. */
  evaluate(coalitions: readonly ArrayLike<number>[]): Promise<Float64Array> {
    return targetScoresInBatches(this.adapter, coalitions.length, this.batchSize, this.target, this.numClasses, (start, end) =>
      this.perturbation.images(coalitions.slice(start, end)),
    );
  }

  dispose(): void {
    this.perturbation.dispose();
    tf.dispose(this.owned);
  }
}
