import * as tf from '@tensorflow/tfjs';
import { checkFiniteHeatmap, normalizeHeatmap, seededRandom, type Heatmap, type MethodServices, type ModelAdapter, type ModelLike, type XaiMethod } from '@tfxai/core';
import { resolveLimeOptions, type LimeOptions, type ResolvedLimeOptions } from './lime-options.js';
import { paintSegments, type Segmentation } from './segmentation.js';
import { SuperpixelExperiment } from './superpixel-experiment.js';
import { withSingleImage, type PreparedImage } from './single-image.js';
import { weightedRidge } from './weighted-linear-fit.js';

/** Which superpixels a LIME heatmap shows: those for the class (Pro) or against it (Con). */
export type LimePolarity = 'pro' | 'con';

/** LIME's local linear model of one class around one image. */
export interface LimeExplanation {
  /** The superpixels (supervoxels for a volume) the weights refer to. */
  segmentation: Segmentation;
  /** One weight per superpixel: the change in the class score the surrogate gives for showing it. */
  weights: number[];
  intercept: number;
  /** Weighted R^2 of the surrogate on the samples (lime's `score`). */
  score: number;
  /** The surrogate's prediction with every superpixel shown (lime's `local_pred`). */
  localPrediction: number;
  /** The model's score of the class on the image. */
  prediction: number;
  classIndex: number;
}

/**
 * The superpixels lime's `get_image_and_mask` keeps: by decreasing |weight|,
 * those of the polarity's sign whose magnitude exceeds `minWeight`, at most `numFeatures`.
 */
export function topSuperpixels(weights: readonly number[], polarity: LimePolarity, numFeatures: number, minWeight = 0): number[] {
  const sign = polarity === 'pro' ? 1 : -1;
  return weights
    .map((weight, segment) => ({ weight, segment }))
    .sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight))
    .filter(({ weight }) => sign * weight > 0 && Math.abs(weight) > minWeight)
    .slice(0, numFeatures)
    .map(({ segment }) => segment);
}

/**
 * LIME for images (Ribeiro et al. 2016) as lime's `LimeImageExplainer` and
 * AUCMEDI run it: random on/off masks over superpixels (the first all on),
 * hidden superpixels filled, the class score of each perturbed image, an
 * exponential kernel on the cosine distance to the all-on mask, and a
 * weighted ridge fit. Explains the class asked for. Needs no gradients.
 */
export class Lime implements XaiMethod {
  readonly options: ResolvedLimeOptions;
  readonly #adapter: ModelAdapter;

  constructor(
    readonly name: string,
    readonly polarity: LimePolarity,
    model: ModelLike,
    options: LimeOptions | undefined,
    private readonly services: MethodServices,
  ) {
    this.options = resolveLimeOptions(options, name);
    this.#adapter = services.adaptModel(model);
  }

  /**
   * The superpixels' weights (negated for Con) min-max normalised (`map: 'weights'`,
   * the default); with `map: 'mask'`, AUCMEDI's binary mask of up to `numFeatures`
   * superpixels with positive (Pro) or negative (Con) weight. Cost: numSamples model evaluations
   * (the all-on sample is the image itself), in calls of `batchSize`. A volume gives a (D, H, W) map of its supervoxels.
   * @param image (1, H, W, C) or (H, W, C); a volume (1, D, H, W, C) or (D, H, W, C)
   * @param classIndex the class to explain
   * @param eps normalisation epsilon for `map: 'weights'` (default 1e-8)
   */
  computeHeatmap(image: tf.Tensor3D | tf.Tensor4D, classIndex: number, eps?: number): Promise<tf.Tensor2D>;
  computeHeatmap(image: tf.Tensor5D, classIndex: number, eps?: number): Promise<tf.Tensor3D>;
  computeHeatmap(image: tf.Tensor, classIndex: number, eps?: number): Promise<Heatmap>;
  async computeHeatmap(image: tf.Tensor, classIndex: number, eps = 1e-8): Promise<Heatmap> {
    const explanation = await this.explain(image, classIndex);
    const { segmentation, weights } = explanation;
    if (this.options.map === 'weights') {
      const signed = paintSegments(segmentation, weights.map((w) => (this.polarity === 'pro' ? w : -w)));
      const heatmap = normalizeHeatmap(signed, eps);
      signed.dispose();
      return checkFiniteHeatmap(heatmap, this.name);
    }
    const chosen = new Set(topSuperpixels(weights, this.polarity, this.options.numFeatures, this.options.minWeight));
    return paintSegments(segmentation, weights.map((_, segment) => (chosen.has(segment) ? 1 : 0)));
  }

  /**
   * The fitted local model: one weight per superpixel (supervoxel), intercept, fit score.
   * @param image (1, H, W, C) or (H, W, C); a volume (1, D, H, W, C) or (D, H, W, C)
   * @param classIndex the class to explain
   */
  explain(image: tf.Tensor, classIndex: number): Promise<LimeExplanation> {
    return withSingleImage(this.#adapter, this.services, image, classIndex, (prepared) => this.#explain(prepared));
  }

  async #explain(prepared: PreparedImage): Promise<LimeExplanation> {
    const experiment = await SuperpixelExperiment.create(this.#adapter, prepared, this.options);
    try {
      const { numSamples, kernelWidth, ridgeAlpha, seed } = this.options;
      const m = experiment.segmentation.count;
      const random = seededRandom(seed);
      const samples = Array.from({ length: numSamples }, (_, i) => (i === 0 ? new Uint8Array(m).fill(1) : Uint8Array.from({ length: m }, () => (random() < 0.5 ? 1 : 0))));
      const scores = new Float64Array(numSamples);
      scores[0] = experiment.prediction;
      scores.set(await experiment.evaluate(samples.slice(1)), 1);
      // Cosine distance of a 0/1 mask with k ones to the all-ones mask is 1 - sqrt(k / m) (1 for none, as scikit-learn).
      const kernel = samples.map((z) => {
        const distance = 1 - Math.sqrt(z.reduce((a, b) => a + b, 0) / m);
        return Math.sqrt(Math.exp(-(distance * distance) / (kernelWidth * kernelWidth)));
      });
      const fit = weightedRidge(samples, scores, kernel, ridgeAlpha);
      return {
        segmentation: experiment.segmentation,
        weights: fit.coefficients,
        intercept: fit.intercept,
        score: fit.score,
        localPrediction: fit.intercept + fit.coefficients.reduce((a, b) => a + b, 0),
        prediction: experiment.prediction,
        classIndex: experiment.target,
      };
    } finally {
      experiment.dispose();
    }
  }
}

/** LIME Pro: the superpixels that speak for the class (AUCMEDI's `LimePro`). */
export class LimePro extends Lime {
  constructor(model: ModelLike, options: LimeOptions | undefined, services: MethodServices) {
    super('lime-pro', 'pro', model, options, services);
  }
}

/** LIME Con: the superpixels that speak against the class (AUCMEDI's `LimeCon`). */
export class LimeCon extends Lime {
  constructor(model: ModelLike, options: LimeOptions | undefined, services: MethodServices) {
    super('lime-con', 'con', model, options, services);
  }
}
