import type * as tf from '@tensorflow/tfjs';
import type { Heatmap, SpatialRank } from './image-batch.js';
import { TfBackendService, type BackendService } from './backend.js';
import { InvalidInputError, InvalidOptionError } from './errors.js';
import { checkFiniteHeatmap, checkFiniteResult } from './attribution-method.js';
import { CHANNEL_REDUCTIONS, type ChannelReduction } from './heatmap.js';
import { attributionHeatmap } from './heatmap-spec.js';
import type { MethodServices } from './method-services.js';
import { checkBoolean, checkChoice } from './option-checks.js';
import { assertSingleImage } from './single-image.js';
import { smoothAttributions } from './smooth-attributions.js';
import { resolveSmoothGradOptions, type ResolvedSmoothGradOptions, type SmoothGradOptions } from './smooth-grad-options.js';
import { assertFinite, toImageBatch } from './validation.js';
import type { AttributionResult, XaiMethod } from './xai-method.js';

/** Options of {@link NoiseTunnel}: SmoothGrad's, plus how the heatmap folds channels. */
export interface NoiseTunnelOptions extends SmoothGradOptions {
  /** Take |attribution| before folding channels in computeHeatmap. Default: false (signed, as Integrated Gradients). */
  absolute?: boolean;
  /**
   * How computeHeatmap folds the channels of the combined attributions: 'max' (AUCMEDI's
   * signed maximum), 'sum', 'abs-sum', 'l2'. CAM attributions have one channel, so it
   * does not matter there. Default: 'max'.
   */
  channelReduction?: ChannelReduction;
}

/** Rows per call of the inner method's attribute() when `smoothGrad.batchSize` is not given. */
export const NOISE_TUNNEL_BATCH_SIZE = 8;

/** A method with raw attributions, which is what the noise tunnel needs. */
export type AttributingMethod = XaiMethod & Required<Pick<XaiMethod, 'attribute'>>;

/**
 * SmoothGrad for any method with `attribute()` (Captum's `NoiseTunnel`): the
 * inner method's attributions of `samples` noisy copies of each image, combined
 * by `mode` (mean, mean square or variance; see {@link smoothAttributions}). The
 * copies go to the inner method `batchSize` rows per `attribute` call.
 * The registry wraps a method in it when `smoothGrad` is asked of a method
 * without its own SmoothGrad. Its `name` is the inner method's.
 * Cost: `samples` times the inner method's cost per image, in
 * `ceil(samples / batchSize)` calls per image.
 */
export class NoiseTunnel implements XaiMethod {
  readonly name: string;
  /** SmoothGrad's options, checked; `batchSize` filled in. */
  readonly smoothGrad: ResolvedSmoothGradOptions & { batchSize: number };
  readonly channelReduction: ChannelReduction;
  readonly absolute: boolean;
  readonly #backend: BackendService;

  /** The inner method's model's spatial rank, when it says (every AttributionMethod does): how a rank-4 tensor is read. */
  get #spatialRank(): SpatialRank | undefined {
    return (this.inner as { spatialRank?: SpatialRank }).spatialRank;
  }

  /**
   * @param inner the wrapped method; it must have `attribute()`
   * @param options SmoothGrad's options (`true`: all defaults)
   * @param services the registry's services (default: the process-wide backend choice)
   * @throws InvalidOptionError ('smoothGrad') when `inner` has no attribute(), or for a bad option
   */
  constructor(readonly inner: XaiMethod, options: NoiseTunnelOptions | true = {}, services?: MethodServices) {
    if (typeof inner?.attribute !== 'function') {
      throw new InvalidOptionError('smoothGrad', `method '${String(inner?.name)}' has no attribute(); SmoothGrad needs raw attributions, so it works only with methods that have attribute()`);
    }
    const { channelReduction, absolute, ...smoothGrad } = options === true ? {} : (options ?? {});
    const resolved = resolveSmoothGradOptions(smoothGrad)!;
    this.smoothGrad = { ...resolved, batchSize: resolved.batchSize ?? NOISE_TUNNEL_BATCH_SIZE };
    this.channelReduction = checkChoice('channelReduction', channelReduction ?? 'max', CHANNEL_REDUCTIONS);
    this.absolute = checkBoolean('absolute', absolute ?? false);
    this.name = inner.name;
    this.#backend = services?.backend ?? new TfBackendService();
  }

  /**
   * The heatmap: the combined attributions (|.| with `absolute`), channels reduced
   * by `channelReduction`, min-max normalised to [0, 1].
   * @param image an image (1, H, W, C) or (H, W, C); a volume (1, D, H, W, C) or (D, H, W, C)
   * @param classIndex the class to explain
   * @param eps normalisation epsilon (default 1e-8)
   * @returns (H, W), or (D, H, W) for a volume
   */
  computeHeatmap(image: tf.Tensor3D | tf.Tensor4D, classIndex: number, eps?: number): Promise<tf.Tensor2D>;
  computeHeatmap(image: tf.Tensor5D, classIndex: number, eps?: number): Promise<tf.Tensor3D>;
  computeHeatmap(image: tf.Tensor, classIndex: number, eps?: number): Promise<Heatmap>;
  async computeHeatmap(image: tf.Tensor, classIndex: number, eps = 1e-8): Promise<Heatmap> {
    assertSingleImage(image, undefined, this.#spatialRank);
    const { attributions } = await this.attribute(image, classIndex);
    let heatmap: Heatmap;
    try {
      heatmap = attributionHeatmap(attributions, { absolute: this.absolute, channelReduction: this.channelReduction }, eps);
    } finally {
      attributions.dispose();
    }
    return checkFiniteHeatmap(heatmap, this.name);
  }

  /**
   * The inner method's attributions combined over the noisy samples, with the
   * inner method's shape (N, H, W, C) or (N, D, H, W, C), or with C = 1 for CAMs. In 'plain' mode,
   * when the inner method reports convergence deltas, their mean per example.
   * @param images (N, H, W, C) or (H, W, C)
   * @param targets one class for every example, or one per example (checked by the inner method)
   */
  attribute(images: tf.Tensor3D | tf.Tensor4D, targets: number | readonly number[]): Promise<AttributionResult<tf.Tensor4D>>;
  attribute(images: tf.Tensor5D, targets: number | readonly number[]): Promise<AttributionResult<tf.Tensor5D>>;
  attribute(images: tf.Tensor, targets: number | readonly number[]): Promise<AttributionResult>;
  async attribute(images: tf.Tensor, targets: number | readonly number[]): Promise<AttributionResult> {
    await this.#backend.ready();
    const batch = toImageBatch(images, 'images', this.#spatialRank);
    try {
      await assertFinite(batch, 'images');
      const n = batch.shape[0];
      if (typeof targets !== 'number' && !Array.isArray(targets)) {
        throw new InvalidInputError(`targets must be one class index or an array of one per example; got ${typeof targets}`);
      }
      const classes = typeof targets === 'number' ? new Array<number>(n).fill(targets) : [...targets];
      if (classes.length !== n) throw new InvalidInputError(`got ${classes.length} targets for a batch of ${n}; give one number, or one per example`);
      const inner = this.inner as AttributingMethod;
      const result = await smoothAttributions((rows, rowTargets) => inner.attribute(rows, rowTargets), batch, classes, this.smoothGrad, this.smoothGrad.batchSize);
      return await checkFiniteResult(result, this.name);
    } finally {
      batch.dispose();
    }
  }
}
