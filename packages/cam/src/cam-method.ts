import * as tf from '@tensorflow/tfjs';
import {
  InvalidInputError,
  assertFinite,
  assertSingleImage,
  isLayersModel,
  minMaxNormalize,
  resizeMap,
  resolveTargets,
  toImageBatch,
  type AttributionResult,
  type MethodServices,
  type ModelAdapter,
  type ModelLike,
  type XaiMethod,
} from '@tfxai/core';
import { resolveCamOptions, type CamOptions, type ResolvedCamOptions } from './cam-options.js';
import { explainedOutputAdapter } from './explained-output.js';
import { layerActivations, type LayerActivations } from './layer-activations.js';

/**
 * What the CAM methods share: option handling, the explained output, the target
 * layer, input checks, ReLU, resizing and normalisation. A subclass supplies only
 * its weighting of the feature maps ({@link CamMethod.weightedMaps}).
 */
export abstract class CamMethod implements XaiMethod {
  abstract readonly name: string;
  readonly camOptions: ResolvedCamOptions;
  /** The model as explained (probabilities or logits). */
  protected readonly adapter: ModelAdapter;
  /** Reads the target layer. */
  protected readonly layer: LayerActivations;

  constructor(model: ModelLike, options: CamOptions | undefined, protected readonly services: MethodServices) {
    this.camOptions = resolveCamOptions(options);
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
    try {
      return tf.tidy(() => {
        const sized = this.camOptions.resolution === 'input' ? resizeMap(maps, inputSize) : maps;
        return minMaxNormalize(sized.squeeze([0]) as tf.Tensor2D, eps);
      });
    } finally {
      maps.dispose();
    }
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

  /** Checks the input, then the CAMs (N, h, w) with ReLU applied as configured, and the input's (H, W). */
  async #maps(images: tf.Tensor, targets: number | readonly number[]): Promise<{ maps: tf.Tensor3D; inputSize: [number, number] }> {
    await this.services.backend.ready();
    const batch = toImageBatch(images, 'images');
    try {
      this.#checkInputShape(batch);
      await assertFinite(batch, 'images');
      const numClasses = this.#numClasses(batch);
      const classes = resolveTargets(targets, batch.shape[0], numClasses);
      const weighted = await this.weightedMaps(batch, classes, numClasses);
      const maps = this.camOptions.relu ? tf.tidy(() => tf.relu(weighted)) : weighted;
      if (maps !== weighted) weighted.dispose();
      return { maps, inputSize: [batch.shape[1], batch.shape[2]] };
    } finally {
      batch.dispose();
    }
  }

  /** Images whose (H, W, C) the model does not accept fail here with a typed error, not deep inside TensorFlow.js. */
  #checkInputShape(batch: tf.Tensor4D): void {
    const declared = this.adapter.inputShape;
    if (!declared || declared.length !== 3) return;
    // null (layers models) and -1 (graph models) mark a free dimension.
    const fixed = (size: number | null): size is number => size !== null && size >= 0;
    if (declared.some((size, axis) => fixed(size) && size !== batch.shape[axis + 1])) {
      throw new InvalidInputError(
        `images of shape [${batch.shape}] do not fit the model, which takes (H, W, C) = [${declared.map((d) => (fixed(d) ? d : 'any'))}]; resize the images to the model's input`,
      );
    }
  }

  /** The class count: declared by a layers model's output shape, else read from one forward pass. */
  #numClasses(batch: tf.Tensor4D): number {
    if (isLayersModel(this.adapter.model)) {
      const shape = this.adapter.model.outputs[0]?.shape;
      if (shape?.length === 2 && typeof shape[1] === 'number') return shape[1];
    }
    const scores = tf.tidy(() => this.adapter.predict(tf.slice(batch, 0, 1)));
    scores.dispose();
    return scores.shape[1];
  }
}
