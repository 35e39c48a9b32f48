import * as tf from '@tensorflow/tfjs';
import { GradCam } from '@tfxai/cam';
import {
  assertSingleImage,
  checkFiniteHeatmap,
  checkFiniteResult,
  minMaxNormalize,
  resizeMap,
  resolveDeclaredOptions,
  type AttributionResult,
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
   * or a graph model's node name. Default: the last layer with a 4-D output.
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
    defaultDoc: 'the last layer with a spatial output',
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
 *   Grad-CAM heatmap (feature resolution, resized bilinearly to the image), min-max
 *   normalised. With `{ absolute: false, relu: false }` it reproduces AUCMEDI's `GuidedGradCAM`.
 * - `attribute`: the paper's product of the raw guided gradient (N, H, W, C) and the
 *   raw Grad-CAM map upsampled to the input (N, H, W, 1), signed.
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
   * @param image (1, H, W, C) or (H, W, C)
   * @param classIndex the class to explain
   * @param eps normalisation epsilon of all three normalisations (default 1e-8)
   */
  async computeHeatmap(image: tf.Tensor, classIndex: number, eps = 1e-8): Promise<tf.Tensor2D> {
    assertSingleImage(image);
    const guided = await this.guidedBackprop.computeHeatmap(image, classIndex, eps);
    try {
      const cam = await this.gradCam.computeHeatmap(image, classIndex, eps);
      try {
        return await checkFiniteHeatmap(tf.tidy(() => minMaxNormalize(tf.mul(guided, resizeMap(cam, [guided.shape[0], guided.shape[1]])) as tf.Tensor2D, eps)), this.name);
      } finally {
        cam.dispose();
      }
    } finally {
      guided.dispose();
    }
  }

  /**
   * The raw guided gradient times the raw Grad-CAM map upsampled to the input, (N, H, W, C).
   * @param images (N, H, W, C) or (H, W, C)
   * @param targets one class for every example, or one per example
   */
  async attribute(images: tf.Tensor, targets: number | readonly number[]): Promise<AttributionResult> {
    const { attributions: guided } = await this.guidedBackprop.attribute(images, targets);
    try {
      const { attributions: cam } = await this.gradCam.attribute(images, targets);
      try {
        return await checkFiniteResult({ attributions: tf.mul(guided, cam) as tf.Tensor4D }, this.name);
      } finally {
        cam.dispose();
      }
    } finally {
      guided.dispose();
    }
  }
}
