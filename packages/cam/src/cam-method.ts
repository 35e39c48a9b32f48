import * as tf from '@tensorflow/tfjs';
import {
  assertSingleImage,
  checkFiniteHeatmap,
  checkFiniteResult,
  explainedOutputAdapter,
  modelSpatialRank,
  normalizeHeatmap,
  withPreparedBatch,
  type AttributionResult,
  type Heatmap,
  type ImageBatch,
  type MethodServices,
  type ModelAdapter,
  type ModelLike,
  type OptionSpec,
  type SpatialRank,
  type XaiMethod,
} from '@tfxai/core';
import { CAM_OPTIONS, resolveCamOptions, type CamOptions, type ResolvedCamOptions } from './cam-options.js';
import { resizeCamMaps, type CamMaps } from './cam-maps.js';
import { layerActivations, type ImagesOrVolumes, type LayerActivations } from './layer-activations.js';

/**
 * What the CAM methods share: the explained output, the target layer, ReLU, resizing
 * and normalisation. Options are checked against their declarations, input goes
 * through the core lifecycle (`withPreparedBatch`), and non-finite maps are refused
 * (`NonFiniteError`). A subclass supplies only its weighting of the feature maps
 * ({@link CamMethod.weightedMaps}).
 */
export abstract class CamMethod implements XaiMethod {
  abstract readonly name: string;
  readonly camOptions: ResolvedCamOptions;
  /** The model as explained (probabilities or logits). */
  protected readonly adapter: ModelAdapter;
  /** Reads the target layer. */
  protected readonly layer: LayerActivations;

  /**
   * @param specs the method's declared options (default: the common {@link CAM_OPTIONS})
   */
  constructor(model: ModelLike, options: CamOptions | undefined, protected readonly services: MethodServices, specs: readonly OptionSpec[] = CAM_OPTIONS) {
    this.camOptions = resolveCamOptions(options, specs, new.target.name);
    this.adapter = explainedOutputAdapter(services.adaptModel(model), this.camOptions.output);
    this.layer = layerActivations(this.adapter, this.camOptions.layerName);
  }

  /** The spatial rank the model takes (2: images, 3: volumes), when it declares its input. */
  get spatialRank(): SpatialRank | undefined {
    return modelSpatialRank(this.adapter);
  }

  /** The target layer's path (layers model) or node name (graph model), e.g. 'base/conv_pw_13_relu'. */
  get layerName(): string {
    return this.layer.layerName;
  }

  /**
   * The method's map per example before ReLU, (N, h, w) or (N, d, h, w) at the feature
   * map's resolution: `sum_k w_k A^k` with the method's channel weights w.
   * @param batch finite images (N, H, W, C) or volumes (N, D, H, W, C)
   * @param targets checked class indices, one per example
   */
  protected abstract weightedMaps(batch: ImagesOrVolumes, targets: number[], numClasses: number): Promise<CamMaps>;

  /**
   * One heatmap in [0, 1]: the CAM (ReLU'd unless `relu: false`), upsampled to the input
   * (`resolution: 'input'`, the default: bilinearly for an image, trilinearly with
   * half-voxel centres for a volume) or at the feature map's size (`'feature'`), min-max
   * normalised as AUCMEDI does.
   * @param image (1, H, W, C) or (H, W, C); for a volume model (1, D, H, W, C) or (D, H, W, C)
   * @param classIndex the class to explain
   * @param eps normalisation epsilon (default 1e-8)
   * @returns (H, W) for an image, (D, H, W) for a volume
   */
  computeHeatmap(image: tf.Tensor3D | tf.Tensor4D, classIndex: number, eps?: number): Promise<tf.Tensor2D>;
  computeHeatmap(image: tf.Tensor5D, classIndex: number, eps?: number): Promise<tf.Tensor3D>;
  computeHeatmap(image: tf.Tensor, classIndex: number, eps?: number): Promise<Heatmap>;
  async computeHeatmap(image: tf.Tensor, classIndex: number, eps = 1e-8): Promise<Heatmap> {
    assertSingleImage(image, undefined, this.spatialRank);
    const { maps, inputSize } = await this.#maps(image, classIndex);
    let heatmap: Heatmap;
    try {
      heatmap = tf.tidy(() => {
        const sized = this.camOptions.resolution === 'input' ? resizeCamMaps(maps, inputSize) : maps;
        return normalizeHeatmap(sized.squeeze([0]) as Heatmap, eps);
      });
    } finally {
      maps.dispose();
    }
    return checkFiniteHeatmap(heatmap, this.name);
  }

  /**
   * The raw CAMs (after ReLU unless `relu: false`, before normalisation), upsampled
   * to the input's spatial size (bilinearly; trilinearly for volumes): (N, H, W, 1) or
   * (N, D, H, W, 1), one channel because a CAM has no colour axis (broadcast it against
   * the image if needed). `resolution` does not apply here.
   * @param images (N, H, W, C) or (H, W, C); for a volume model (N, D, H, W, C) or (D, H, W, C)
   * @param targets one class for every example, or one per example
   */
  attribute(images: tf.Tensor3D | tf.Tensor4D, targets: number | readonly number[]): Promise<AttributionResult<tf.Tensor4D>>;
  attribute(images: tf.Tensor5D, targets: number | readonly number[]): Promise<AttributionResult<tf.Tensor5D>>;
  attribute(images: tf.Tensor, targets: number | readonly number[]): Promise<AttributionResult>;
  async attribute(images: tf.Tensor, targets: number | readonly number[]): Promise<AttributionResult> {
    const { maps, inputSize } = await this.#maps(images, targets);
    try {
      return { attributions: tf.tidy(() => resizeCamMaps(maps, inputSize).expandDims(-1) as ImageBatch) };
    } finally {
      maps.dispose();
    }
  }

  /**
   * The CAMs (N, h, w) or (N, d, h, w) of a batch checked by the core lifecycle, with
   * ReLU applied as configured, and the input's spatial size ([H, W] or [D, H, W]).
   * The weighted maps are checked before the ReLU, which would turn NaN into 0: a model
   * whose scores are not finite is a NonFiniteError.
   */
  #maps(images: tf.Tensor, targets: number | readonly number[]): Promise<{ maps: CamMaps; inputSize: number[] }> {
    return withPreparedBatch(this.adapter, this.services, images, targets, async ({ batch: checked, targets: classes, numClasses }) => {
      const batch: ImagesOrVolumes = checked;
      const weighted = await this.weightedMaps(batch, [...classes], numClasses);
      await checkFiniteResult({ attributions: weighted as unknown as ImageBatch }, this.name);
      const maps = this.camOptions.relu ? tf.tidy(() => tf.relu(weighted)) : weighted;
      if (maps !== weighted) weighted.dispose();
      return { maps, inputSize: batch.shape.slice(1, -1) };
    });
  }
}
