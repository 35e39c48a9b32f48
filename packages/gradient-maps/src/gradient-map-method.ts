import * as tf from '@tensorflow/tfjs';
import {
  AttributionMethod,
  EXPLAINED_OUTPUTS,
  SMOOTH_GRAD_OPTION,
  explainedOutputAdapter,
  heatmapOptionSpecs,
  resolveDeclaredOptions,
  resolveSmoothGradOptions,
  rowsPerPass,
  smoothAttributions,
  type AttributionResult,
  type ExplainedOutput,
  type HeatmapSpec,
  type ImageBatch,
  type MethodServices,
  type ModelLike,
  type OptionSpec,
  type PreparedBatch,
  type ResolvedSmoothGradOptions,
  type SmoothGradOptions,
} from '@tfxai/core';
import { GRADIENT_HEATMAP_DEFAULTS, type GradientHeatmapOptions, type ResolvedGradientHeatmapOptions } from './gradient-heatmap.js';

/**
 * Gradients of each row's target score with respect to the rows, (rows, H, W, C)
 * or (rows, D, H, W, C): the rows' shape. Synchronous and tidy-safe: called inside `tf.tidy`.
 */
export type RowGradients = (rows: ImageBatch, targets: readonly number[]) => ImageBatch;

/** Options every gradient map (saliency, guided backprop) takes. */
export interface GradientMapOptions extends GradientHeatmapOptions {
  /**
   * Average the gradient over noisy copies (SmoothGrad, implemented here natively from
   * the row gradients); `true` for its defaults. Default: off.
   */
  smoothGrad?: SmoothGradOptions | boolean;
  /** Rows (images, or SmoothGrad samples unless `smoothGrad.batchSize` is given) per backward pass, 1 to 1024; bounds memory. Default: 16. */
  internalBatchSize?: number;
  /**
   * Explain the model's output as it is, or the logits before its final softmax/sigmoid
   * (layers models; gradients of a saturated softmax vanish). Default: 'probabilities' (AUCMEDI's).
   */
  output?: ExplainedOutput;
  /** Raised upper bounds of bounded options, e.g. `{ internalBatchSize: 4096 }`. Default: none. */
  limits?: { internalBatchSize?: number };
}

/** The `internalBatchSize` option of the gradient maps. */
export const INTERNAL_BATCH_SIZE_OPTION: OptionSpec = Object.freeze({
  name: 'internalBatchSize',
  type: 'integer',
  min: 1,
  max: 1024,
  default: 16,
  doc: 'rows (images, or SmoothGrad samples unless `smoothGrad.batchSize` is given) per backward pass at most (fewer when the model and image size need more than `PASS_MEMORY_BUDGET`, 768 MiB, per pass); results do not depend on it',
});

/** The `output` option: which scores are explained. */
export const OUTPUT_OPTION: OptionSpec = Object.freeze({
  name: 'output',
  type: 'choice',
  choices: EXPLAINED_OUTPUTS,
  default: 'probabilities',
  doc: "`'logits'` explains the scores before a final softmax/sigmoid (layers models only; see [Grad-CAM](gradcam.md#options) for what is bypassed)",
});

/** The declared options of saliency and guided backprop (the docs tables are generated from them). */
export const GRADIENT_MAP_OPTIONS: readonly OptionSpec[] = Object.freeze([
  ...heatmapOptionSpecs(GRADIENT_HEATMAP_DEFAULTS),
  OUTPUT_OPTION,
  SMOOTH_GRAD_OPTION,
  INTERNAL_BATCH_SIZE_OPTION,
]);

/** Every key a gradient map's options may hold. */
export const GRADIENT_MAP_OPTION_KEYS: readonly string[] = GRADIENT_MAP_OPTIONS.map((spec) => spec.name);

/** Input gradients of a batch, `batchSize` rows per backward pass. */
export function chunkedGradients(gradients: RowGradients, batch: ImageBatch, targets: readonly number[], batchSize: number): ImageBatch {
  const parts: ImageBatch[] = [];
  try {
    for (let start = 0; start < batch.shape[0]; start += batchSize) {
      const count = Math.min(batchSize, batch.shape[0] - start);
      parts.push(tf.tidy(() => gradients(tf.slice(batch, start, count) as ImageBatch, targets.slice(start, start + count))));
    }
    return tf.concat(parts) as ImageBatch;
  } finally {
    tf.dispose(parts);
  }
}

/**
 * The shared shape of a gradient map: optional native SmoothGrad and batching
 * on top of the core lifecycle. A subclass says only how the input gradient is taken.
 * The heatmap: |attributions| (unless `absolute: false`), channels reduced by
 * `channelReduction`, min-max normalised to [0, 1]; on volumes (N, D, H, W, C)
 * the same per voxel, a (D, H, W) map normalised over the whole volume.
 */
export abstract class GradientMapMethod extends AttributionMethod {
  readonly heatmapOptions: ResolvedGradientHeatmapOptions;
  /** Undefined when SmoothGrad is off. */
  readonly smoothGrad: ResolvedSmoothGradOptions | undefined;
  readonly internalBatchSize: number;

  constructor(model: ModelLike, options: GradientMapOptions | undefined, services: MethodServices) {
    // Through the registry the options were already checked under the method's name.
    const given = resolveDeclaredOptions(GRADIENT_MAP_OPTIONS, options) as Required<GradientMapOptions>;
    super(model, services, (adapter) => explainedOutputAdapter(adapter, given.output));
    this.heatmapOptions = { absolute: given.absolute, channelReduction: given.channelReduction };
    this.smoothGrad = resolveSmoothGradOptions(given.smoothGrad);
    this.internalBatchSize = given.internalBatchSize;
  }

  get heatmapSpec(): HeatmapSpec {
    return this.heatmapOptions;
  }

  /**
   * Gradients of each row's target score with respect to the rows (synchronous,
   * called inside `tf.tidy`): the one thing the methods differ in.
   */
  protected abstract rowGradients(rows: ImageBatch, targets: readonly number[], numClasses: number): ImageBatch;

  /**
   * Raw signed input gradients (N, H, W, C), or (N, D, H, W, C) for volumes, of each example's target score
   * (with SmoothGrad: their mean, mean square or variance over the noisy samples).
   */
  protected async attributeBatch(prepared: PreparedBatch): Promise<AttributionResult> {
    const { batch, targets, numClasses } = prepared;
    const gradients: RowGradients = (rows, rowTargets) => this.rowGradients(rows, rowTargets, numClasses);
    if (!this.smoothGrad) return { attributions: chunkedGradients(gradients, batch, targets, rowsPerPass(prepared, this.internalBatchSize)) };
    // Native SmoothGrad: the core sampling loop, one backward pass per chunk of samples.
    const evaluate = async (rows: ImageBatch, rowTargets: readonly number[]) => ({ attributions: tf.tidy(() => gradients(rows, rowTargets)) });
    const batchSize = rowsPerPass(prepared, this.smoothGrad.batchSize ?? this.internalBatchSize);
    const { attributions } = await smoothAttributions(evaluate, batch, targets, this.smoothGrad, batchSize);
    return { attributions };
  }
}
