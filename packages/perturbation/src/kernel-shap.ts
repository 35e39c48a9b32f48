import * as tf from '@tensorflow/tfjs';
import {
  checkFiniteHeatmap,
  checkFiniteResult,
  normalizeHeatmap,
  seededRandom,
  type Heatmap,
  type ImageBatch,
  withPreparedBatch,
  type AttributionResult,
  type PreparedBatch,
  type MethodServices,
  type ModelAdapter,
  type ModelLike,
  type XaiMethod,
} from '@tfxai/core';
import { kernelShapBudget, resolveKernelShapOptions, type KernelShapOptions, type ResolvedKernelShapOptions } from './kernel-shap-options.js';
import { paintSegments, segmentSizes, type Segmentation } from './segmentation.js';
import { enumerateCoalitions, sampleCoalitions } from './shapley-kernel.js';
import { SuperpixelExperiment } from './superpixel-experiment.js';
import { withSingleImage, type PreparedImage } from './single-image.js';
import { constrainedShapleyFit } from './weighted-linear-fit.js';

/** KernelSHAP's Shapley value estimates of one class for one image's superpixels. */
export interface KernelShapExplanation {
  segmentation: Segmentation;
  /** One Shapley value per superpixel; they sum to `prediction - baseValue` exactly. */
  shapValues: number[];
  /** The class score with every superpixel hidden. */
  baseValue: number;
  /** The class score of the image. */
  prediction: number;
  classIndex: number;
  /** Model evaluations of perturbed images (coalitions plus the empty one). */
  numEvaluations: number;
  /** True when every coalition was evaluated: the values are then the exact Shapley values. */
  exact: boolean;
}

/**
 * KernelSHAP (Lundberg & Lee 2017) over superpixels: coalitions of shown
 * superpixels (the rest filled), weighted by the Shapley kernel, fitted by
 * weighted least squares with the efficiency constraint
 * sum(phi) = F(x) - F(all hidden) enforced exactly. Needs no gradients.
 */
export class KernelShap implements XaiMethod {
  readonly name = 'kernel-shap';
  readonly options: ResolvedKernelShapOptions;
  readonly #adapter: ModelAdapter;

  constructor(model: ModelLike, options: KernelShapOptions | undefined, private readonly services: MethodServices) {
    this.options = resolveKernelShapOptions(options);
    this.#adapter = services.adaptModel(model);
  }

  /**
   * The Shapley values painted on their superpixels (as `map` says), min-max
   * normalised to [0, 1]. Cost: 2 + min(numSamples, 2^M - 2) model evaluations, in calls of `batchSize`.
   * A volume gives a (D, H, W) map of its supervoxels.
   * @param image (1, H, W, C) or (H, W, C); a volume (1, D, H, W, C) or (D, H, W, C)
   * @param classIndex the class to explain
   * @param eps normalisation epsilon (default 1e-8)
   */
  computeHeatmap(image: tf.Tensor3D | tf.Tensor4D, classIndex: number, eps?: number): Promise<tf.Tensor2D>;
  computeHeatmap(image: tf.Tensor5D, classIndex: number, eps?: number): Promise<tf.Tensor3D>;
  computeHeatmap(image: tf.Tensor, classIndex: number, eps?: number): Promise<Heatmap>;
  async computeHeatmap(image: tf.Tensor, classIndex: number, eps = 1e-8): Promise<Heatmap> {
    const { segmentation, shapValues } = await this.explain(image, classIndex);
    const shown = shapValues.map((phi) => (this.options.map === 'absolute' ? Math.abs(phi) : this.options.map === 'positive' ? Math.max(0, phi) : phi));
    const painted = paintSegments(segmentation, shown);
    const heatmap = normalizeHeatmap(painted, eps);
    painted.dispose();
    return checkFiniteHeatmap(heatmap, this.name);
  }

  /**
   * Shapley values of the superpixels of one image (supervoxels of one volume) for one class.
   * @param image (1, H, W, C) or (H, W, C); a volume (1, D, H, W, C) or (D, H, W, C)
   * @param classIndex the class to explain
   */
  explain(image: tf.Tensor, classIndex: number): Promise<KernelShapExplanation> {
    return withSingleImage(this.#adapter, this.services, image, classIndex, (prepared) => this.#explain(prepared));
  }

  async #explain(prepared: PreparedImage): Promise<KernelShapExplanation> {
    const experiment = await SuperpixelExperiment.create(this.#adapter, prepared, this.options);
    try {
      const m = experiment.segmentation.count;
      const budget = kernelShapBudget(this.options.numSamples, m);
      const exact = m < 53 && budget === 2 ** m - 2;
      const { coalitions, weights } = exact ? enumerateCoalitions(m) : sampleCoalitions(m, budget, seededRandom(this.options.seed));
      const values = await experiment.evaluate([new Uint8Array(m), ...coalitions]);
      const baseValue = values[0]!;
      const shapValues = constrainedShapleyFit(m, coalitions, values.subarray(1), weights, experiment.prediction, baseValue);
      return {
        segmentation: experiment.segmentation,
        shapValues,
        baseValue,
        prediction: experiment.prediction,
        classIndex: experiment.target,
        numEvaluations: values.length,
        exact,
      };
    } finally {
      experiment.dispose();
    }
  }

  /**
   * Per-pixel attributions (N, H, W, C), per-voxel (N, D, H, W, C) for volumes: each
   * superpixel's Shapley value spread evenly over its pixels and channels, so they sum
   * to F(x) - F(all hidden); `convergenceDelta` is that sum minus F(x) - F(all hidden)
   * (zero up to rounding). Each example is explained on its own.
   * @param images (N, H, W, C) or (H, W, C); volumes (N, D, H, W, C) or (D, H, W, C)
   * @param targets one class for every image, or one per image
   */
  async attribute(images: tf.Tensor, targets: number | readonly number[]): Promise<AttributionResult> {
    const result = await withPreparedBatch(this.#adapter, this.services, images, targets, (prepared) => this.#attributeBatch(prepared));
    return checkFiniteResult(result, this.name);
  }

  async #attributeBatch({ batch, targets: classes }: PreparedBatch): Promise<AttributionResult> {
    const [n, ...rest] = batch.shape;
    const size = rest.slice(0, -1);
    const channels = rest[rest.length - 1]!;
    const rows: ImageBatch[] = [];
    try {
      const convergenceDelta: number[] = [];
      for (let i = 0; i < n; i++) {
        const image = tf.slice(batch, i, 1);
        let explanation: KernelShapExplanation;
        try {
          explanation = await this.explain(image, classes[i]!);
        } finally {
          image.dispose();
        }
        const sizes = segmentSizes(explanation.segmentation);
        const perPixel = explanation.shapValues.map((phi, k) => phi / (sizes[k]! * channels));
        const attribution = tf.tidy(() => paintSegments(explanation.segmentation, perPixel).reshape([1, ...size, 1]).tile([1, ...size.map(() => 1), channels]) as ImageBatch);
        rows.push(attribution);
        const total = perPixel.reduce((acc, v, k) => acc + v * sizes[k]! * channels, 0);
        convergenceDelta.push(total - (explanation.prediction - explanation.baseValue));
      }
      return { attributions: tf.concat(rows) as ImageBatch, convergenceDelta };
    } finally {
      tf.dispose(rows);
    }
  }
}
