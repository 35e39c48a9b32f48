import * as tf from '@tensorflow/tfjs';
import { GradCam } from '@tfxai/cam';
import {
  assertSingleImage,
  checkFiniteHeatmap,
  checkFiniteResult,
  normalizeHeatmap,
  resizeSpatialMap,
  resolveDeclaredOptions,
  type AttributionResult,
  type Heatmap,
  type ImageBatch,
  type MethodServices,
  type ModelLike,
  type OptionSpec,
  type XaiMethod,
} from '@tfxai/core';
import { GRADIENT_MAP_OPTIONS, GuidedBackprop, type GradientMapOptions } from '@tfxai/gradient-maps';

/** Options of {@link GuidedGradCam}: Guided Backpropagation's, plus Grad-CAM's layer and ReLU. */
export interface GuidedGradCamOptions extends GradientMapOptions {
  /**
   * Grad-CAM's target layer: a name, a path into nested models ('base/conv_pw_13_relu'),
   * or a graph model's node name. Default: the last layer with a 4-D output (5-D for a volume model).
   */
  layerName?: string;
  /** Apply ReLU to the Grad-CAM map, as the paper does; `false` reproduces AUCMEDI. Default: true. */
  relu?: boolean;
}

/** The declared options of Guided Grad-CAM: Grad-CAM's layer and ReLU, then Guided Backpropagation's. */
export const GUIDED_GRAD_CAM_OPTIONS: readonly OptionSpec[] = Object.freeze([
  {
    name: 'layerName',
    type: 'string',
    defaultDoc: 'the last layer with a spatial output (4-D; 5-D for a volume model)',
    doc: "Grad-CAM's target layer: a name, a path into nested models (`'base/conv_pw_13_relu'`), or a graph model's node name",
  },
  { name: 'relu', type: 'boolean', default: true, doc: 'apply ReLU to the Grad-CAM map, as the paper does; `false` reproduces AUCMEDI' },
  ...GRADIENT_MAP_OPTIONS,
] satisfies OptionSpec[]);

/**
 * Guided Grad-CAM (Selvaraju et al. 2017): Guided Backpropagation's fine detail
 * gated by Grad-CAM's class localisation. It composes a method of @tfxai/gradient-maps
 * with one of @tfxai/cam, so it lives here in the umbrella, which has both; the method
 * packages each depend on @tfxai/core only.
 * - `computeHeatmap`: AUCMEDI's composition: the guided-backprop heatmap times the
 *   Grad-CAM heatmap (feature resolution, resized bilinearly to the image, trilinearly
 *   with half-voxel centres to a volume), min-max normalised. With
 *   `{ absolute: false, relu: false }` it reproduces AUCMEDI's `GuidedGradCAM`.
 * - `attribute`: the paper's product of the raw guided gradient (N, H, W, C) and the
 *   raw Grad-CAM map upsampled to the input (N, H, W, 1), signed; for volumes
 *   (N, D, H, W, C) times (N, D, H, W, 1).
 * Cost: Guided Backpropagation's passes plus Grad-CAM's (one forward and one
 * backward pass each, per batch).
 */
export class GuidedGradCam implements XaiMethod {
  readonly name = 'guided-gradcam';
  /** The guided-backprop component (takes `absolute`, `channelReduction`, `smoothGrad`, `output`). */
  readonly guidedBackprop: GuidedBackprop;
  /** The Grad-CAM component, at feature resolution (resized here). */
  readonly gradCam: GradCam;

  constructor(model: ModelLike, options: GuidedGradCamOptions | undefined, services: MethodServices) {
    resolveDeclaredOptions(GUIDED_GRAD_CAM_OPTIONS, options, 'guided-gradcam');
    const { layerName, relu, ...guidedOptions } = options ?? {};
    this.guidedBackprop = new GuidedBackprop(model, guidedOptions, services);
    this.gradCam = new GradCam(model, { layerName, relu: relu ?? true, output: guidedOptions.output ?? 'probabilities', resolution: 'feature' }, services);
  }

  /** Grad-CAM's target layer path (layers model) or node name (graph model). */
  get layerName(): string {
    return this.gradCam.layerName;
  }

  /**
   * `minMax(guidedHeatmap * resize(gradCamHeatmap))`, as AUCMEDI composes them.
   * @param image (1, H, W, C) or (H, W, C); for a volume model (1, D, H, W, C) or (D, H, W, C)
   * @param classIndex the class to explain
   * @param eps normalisation epsilon of all three normalisations (default 1e-8)
   * @returns (H, W) for an image, (D, H, W) for a volume
   */
  computeHeatmap(image: tf.Tensor3D | tf.Tensor4D, classIndex: number, eps?: number): Promise<tf.Tensor2D>;
  computeHeatmap(image: tf.Tensor5D, classIndex: number, eps?: number): Promise<tf.Tensor3D>;
  computeHeatmap(image: tf.Tensor, classIndex: number, eps?: number): Promise<Heatmap>;
  async computeHeatmap(image: tf.Tensor, classIndex: number, eps = 1e-8): Promise<Heatmap> {
    assertSingleImage(image, undefined, this.gradCam.spatialRank);
    const guided = await this.guidedBackprop.computeHeatmap(image, classIndex, eps);
    try {
      const cam = await this.gradCam.computeHeatmap(image, classIndex, eps);
      try {
        return await checkFiniteHeatmap(tf.tidy(() => normalizeHeatmap(tf.mul(guided, resizeSpatialMap(cam, guided.shape)) as Heatmap, eps)), this.name);
      } finally {
        cam.dispose();
      }
    } finally {
      guided.dispose();
    }
  }

  /**
   * The raw guided gradient times the raw Grad-CAM map upsampled to the input, (N, H, W, C)
   * or (N, D, H, W, C).
   * @param images (N, H, W, C) or (H, W, C); for a volume model (N, D, H, W, C) or (D, H, W, C)
   * @param targets one class for every example, or one per example
   */
  attribute(images: tf.Tensor3D | tf.Tensor4D, targets: number | readonly number[]): Promise<AttributionResult<tf.Tensor4D>>;
  attribute(images: tf.Tensor5D, targets: number | readonly number[]): Promise<AttributionResult<tf.Tensor5D>>;
  attribute(images: tf.Tensor, targets: number | readonly number[]): Promise<AttributionResult>;
  async attribute(images: tf.Tensor, targets: number | readonly number[]): Promise<AttributionResult> {
    const { attributions: guided } = await this.guidedBackprop.attribute(images, targets);
    try {
      const { attributions: cam } = await this.gradCam.attribute(images, targets);
      try {
        return await checkFiniteResult({ attributions: tf.mul(guided, cam) as ImageBatch }, this.name);
      } finally {
        cam.dispose();
      }
    } finally {
      guided.dispose();
    }
  }
}
