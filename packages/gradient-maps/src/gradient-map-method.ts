import * as tf from '@tensorflow/tfjs';
import {
  assertFinite,
  assertSingleImage,
  checkInteger,
  rejectUnknownKeys,
  resolveSmoothGradOptions,
  resolveTargets,
  smoothAttributions,
  toImageBatch,
  type AttributionResult,
  type ResolvedSmoothGradOptions,
  type SmoothGradOptions,
  type MethodOptions,
  type MethodServices,
  type ModelAdapter,
  type ModelLike,
  type XaiMethod,
} from '@tfxai/core';
import { explainedOutputAdapter, type ExplainedOutput } from '@tfxai/cam';
import { classCount } from './class-count.js';
import { gradientHeatmap, resolveGradientHeatmapOptions, type GradientHeatmapOptions, type ResolvedGradientHeatmapOptions } from './gradient-heatmap.js';

/**
 * Gradients of each row's target score with respect to the rows, (rows, H, W, C).
 * Synchronous and tidy-safe: called inside `tf.tidy`.
 */
export type RowGradients = (rows: tf.Tensor4D, targets: readonly number[]) => tf.Tensor4D;

/** Options every gradient map (saliency, guided backprop) takes. */
export interface GradientMapOptions extends MethodOptions, GradientHeatmapOptions {
  /**
   * Average the gradient over noisy copies (SmoothGrad, implemented here natively from
   * the row gradients); `true` for its defaults. Default: off.
   */
  smoothGrad?: SmoothGradOptions | boolean;
  /** Rows (images, or SmoothGrad samples unless `smoothGrad.batchSize` is given) per backward pass; bounds memory. Default: 16. */
  internalBatchSize?: number;
  /**
   * Explain the model's output as it is, or the logits before its final softmax/sigmoid
   * (layers models; gradients of a saturated softmax vanish). Default: 'probabilities' (AUCMEDI's).
   */
  output?: ExplainedOutput;
}

export const GRADIENT_MAP_OPTION_KEYS: readonly string[] = ['layerName', 'absolute', 'channelReduction', 'smoothGrad', 'internalBatchSize', 'output'];

/** Input gradients of a batch, `batchSize` rows per backward pass. */
export function chunkedGradients(gradients: RowGradients, batch: tf.Tensor4D, targets: readonly number[], batchSize: number): tf.Tensor4D {
  const parts: tf.Tensor4D[] = [];
  try {
    for (let start = 0; start < batch.shape[0]; start += batchSize) {
      const count = Math.min(batchSize, batch.shape[0] - start);
      parts.push(tf.tidy(() => gradients(tf.slice(batch, start, count), targets.slice(start, start + count))));
    }
    return tf.concat(parts) as tf.Tensor4D;
  } finally {
    tf.dispose(parts);
  }
}

/**
 * The shared shape of a gradient map: validation, optional SmoothGrad, batching,
 * and the heatmap. A subclass says only how the input gradient is taken.
 */
export abstract class GradientMapMethod implements XaiMethod {
  abstract readonly name: string;
  readonly heatmapOptions: ResolvedGradientHeatmapOptions;
  /** Undefined when SmoothGrad is off. */
  readonly smoothGrad: ResolvedSmoothGradOptions | undefined;
  readonly internalBatchSize: number;
  /** The model as explained (probabilities or logits). */
  protected readonly adapter: ModelAdapter;

  constructor(model: ModelLike, options: GradientMapOptions | undefined, protected readonly services: MethodServices) {
    const given = options ?? {};
    rejectUnknownKeys('options', given, GRADIENT_MAP_OPTION_KEYS);
    this.heatmapOptions = resolveGradientHeatmapOptions(given);
    this.smoothGrad = resolveSmoothGradOptions(given.smoothGrad);
    this.internalBatchSize = checkInteger('internalBatchSize', given.internalBatchSize ?? 16);
    this.adapter = explainedOutputAdapter(services.adaptModel(model), given.output ?? 'probabilities');
  }

  /**
   * Gradients of each row's target score with respect to the rows (synchronous,
   * called inside `tf.tidy`): the one thing the methods differ in.
   */
  protected abstract rowGradients(rows: tf.Tensor4D, targets: readonly number[], numClasses: number): tf.Tensor4D;

  /**
   * The heatmap: |attributions| (unless `absolute: false`), channels reduced by
   * `channelReduction`, min-max normalised to [0, 1].
   * @param image (1, H, W, C) or (H, W, C)
   * @param classIndex the class to explain
   * @param eps normalisation epsilon (default 1e-8)
   */
  async computeHeatmap(image: tf.Tensor, classIndex: number, eps = 1e-8): Promise<tf.Tensor2D> {
    assertSingleImage(image);
    const { attributions } = await this.attribute(image, classIndex);
    try {
      return gradientHeatmap(attributions, this.heatmapOptions, eps);
    } finally {
      attributions.dispose();
    }
  }

  /**
   * Raw signed input gradients (N, H, W, C) of each example's target score
   * (with SmoothGrad: their mean, mean square or variance over the noisy samples).
   * @param images (N, H, W, C) or (H, W, C)
   * @param targets one class for every example, or one per example
   */
  async attribute(images: tf.Tensor, targets: number | readonly number[]): Promise<AttributionResult> {
    await this.services.backend.ready();
    const batch = toImageBatch(images, 'images');
    try {
      await assertFinite(batch, 'images');
      const numClasses = classCount(this.adapter, batch);
      const classes = resolveTargets(targets, batch.shape[0], numClasses);
      const gradients: RowGradients = (rows, rowTargets) => this.rowGradients(rows, rowTargets, numClasses);
      if (!this.smoothGrad) return { attributions: chunkedGradients(gradients, batch, classes, this.internalBatchSize) };
      // Native SmoothGrad: the core sampling loop, one backward pass per chunk of samples.
      const evaluate = async (rows: tf.Tensor4D, rowTargets: readonly number[]) => ({ attributions: tf.tidy(() => gradients(rows, rowTargets)) });
      const { attributions } = await smoothAttributions(evaluate, batch, classes, this.smoothGrad, this.smoothGrad.batchSize ?? this.internalBatchSize);
      return { attributions };
    } finally {
      batch.dispose();
    }
  }
}
