import * as tf from '@tensorflow/tfjs';
import {
  assertSingleImage,
  checkFiniteHeatmap,
  checkFiniteResult,
  explainedOutputAdapter,
  minMaxNormalize,
  resizeMap,
  withPreparedBatch,
  type AttributionResult,
  type MethodServices,
  type ModelAdapter,
  type ModelLike,
  type OptionSpec,
  type XaiMethod,
  UnsupportedModelError,
} from '@tfxai/core';
import { CAM_OPTIONS, resolveCamOptions, type CamOptions, type ResolvedCamOptions } from './cam-options.js';
import { layerActivations, type LayerActivations } from './layer-activations.js';

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

  /** The target layer's path (layers model) or node name (graph model), e.g. 'base/conv_pw_13_relu'. */
  get layerName(): string {
    return this.layer.layerName;
  }

  /**
   * The method's map per example before ReLU, (N, h, w) at the feature map's resolution:
   * `sum_k w_k A^k` with the method's channel weights w.
   * @param batch finite images (N, H, W, C)
   * @param targets checked class indices, one per example
   */
  protected abstract weightedMaps(batch: tf.Tensor4D, targets: number[], numClasses: number): Promise<tf.Tensor3D>;

  /**
   * One heatmap in [0, 1]: the CAM (ReLU'd unless `relu: false`), upsampled
   * bilinearly to the image (`resolution: 'input'`, the default) or at the feature
   * map's size (`'feature'`), min-max normalised as AUCMEDI does.
   * @param image (1, H, W, C) or (H, W, C)
   * @param classIndex the class to explain
   * @param eps normalisation epsilon (default 1e-8)
   */
  async computeHeatmap(image: tf.Tensor, classIndex: number, eps = 1e-8): Promise<tf.Tensor2D> {
    assertSingleImage(image);
    const { maps, inputSize } = await this.#maps(image, classIndex);
    let heatmap: tf.Tensor2D;
    try {
      heatmap = tf.tidy(() => {
        const sized = this.camOptions.resolution === 'input' ? resizeMap(maps, inputSize) : maps;
        return minMaxNormalize(sized.squeeze([0]) as tf.Tensor2D, eps);
      });
    } finally {
      maps.dispose();
    }
    return checkFiniteHeatmap(heatmap, this.name);
  }

  /**
   * The raw CAMs (after ReLU unless `relu: false`, before normalisation), upsampled
   * bilinearly to the input's height and width: (N, H, W, 1), one channel because a
   * CAM has no colour axis (broadcast it against the image if needed). `resolution`
   * does not apply here.
   * @param images (N, H, W, C) or (H, W, C)
   * @param targets one class for every example, or one per example
   */
  async attribute(images: tf.Tensor, targets: number | readonly number[]): Promise<AttributionResult> {
    const { maps, inputSize } = await this.#maps(images, targets);
    try {
      return { attributions: tf.tidy(() => resizeMap(maps, inputSize).expandDims(-1) as tf.Tensor4D) };
    } finally {
      maps.dispose();
    }
  }

  /**
   * The CAMs (N, h, w) of a batch checked by the core lifecycle, with ReLU applied as
   * configured, and the input's (H, W). The weighted maps are checked before the ReLU,
   * which would turn NaN into 0: a model whose scores are not finite is a NonFiniteError.
   */
  #maps(images: tf.Tensor, targets: number | readonly number[]): Promise<{ maps: tf.Tensor3D; inputSize: [number, number] }> {
    return withPreparedBatch(this.adapter, this.services, images, targets, async ({ batch, spatialRank, targets: classes, numClasses }) => {
      // Volumes arrive with the volume contract; until the CAM family handles them it says so.
      if (spatialRank === 3) throw new UnsupportedModelError(`${this.name} does not take volumes yet`);
      const weighted = await this.weightedMaps(batch as tf.Tensor4D, [...classes], numClasses);
      await checkFiniteResult({ attributions: weighted as unknown as tf.Tensor4D }, this.name);
      const maps = this.camOptions.relu ? tf.tidy(() => tf.relu(weighted)) : weighted;
      if (maps !== weighted) weighted.dispose();
      return { maps, inputSize: [batch.shape[1], batch.shape[2]] };
    });
  }
}
