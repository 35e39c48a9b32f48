import * as tf from '@tensorflow/tfjs';
import { checkInteger, rejectUnknownKeys, type ModelLike } from '@tfxai/core';
import { featuresByAttribution, pixelFeatures, segmentFeatures, type FeatureLabels } from './features.js';
import { FILL_OPTION_KEYS, fillFor, resolveFill, type FillOptions } from './fill.js';
import { checkBatch, checkSameBatch, mapOf, readMaps, type HostMaps } from './host-maps.js';
import { blendedScores, prepareModelInputs } from './model-inputs.js';
import { trapezoidArea } from './statistics.js';

/** Options of {@link deletionCurves} and {@link insertionCurves}. */
export interface RemovalCurveOptions extends FillOptions {
  /** Points of the curve after the first: features are removed (added) in `steps` equal parts. Default 50. */
  steps?: number;
  /** Superpixels: a label map per example (N, ...spatial), integer labels; a feature is one label's region, ranked by its summed attribution. Default: every pixel is a feature. */
  segments?: tf.Tensor;
  /** Perturbed inputs per model call. Default 32. */
  batchSize?: number;
}

/** One example's curve. */
export interface RemovalCurve {
  /** Fraction of the features removed (deletion) or added (insertion): 0, 1/steps, ..., 1. */
  fractions: number[];
  /** The model's target score at each fraction. */
  scores: number[];
  /** Area under the curve over [0, 1] (trapezoidal rule). Deletion: lower is better; insertion: higher is better. */
  area: number;
}

async function removalCurves(mode: 'deletion' | 'insertion', model: ModelLike, images: unknown, maps: unknown, targets: number | readonly number[], options: RemovalCurveOptions): Promise<RemovalCurve[]> {
  rejectUnknownKeys('options', options, ['steps', 'segments', 'batchSize', ...FILL_OPTION_KEYS]);
  const steps = checkInteger('steps', options.steps ?? 50, 1);
  const batchSize = checkInteger('batchSize', options.batchSize ?? 32, 1);
  const fill = resolveFill(options);
  const inputs = await prepareModelInputs(model, images, targets);
  try {
    const hostMaps = await readMaps(maps, 'maps', inputs.spatialShape);
    let segments: HostMaps | undefined;
    if (options.segments !== undefined) segments = await readMaps(options.segments, 'segments', inputs.spatialShape);
    const batch = inputs.images.shape[0]!;
    checkBatch(hostMaps, batch, 'maps');
    if (segments) checkSameBatch(segments, hostMaps, 'segments', 'maps');
    const curves: RemovalCurve[] = [];
    for (let i = 0; i < batch; i++) {
      const map = mapOf(hostMaps, i);
      const features: FeatureLabels = segments ? segmentFeatures(mapOf(segments, i)) : pixelFeatures(hostMaps.size);
      const order = featuresByAttribution(map, features);
      // Mask k marks the positions that show the fill at step k.
      const rank = new Int32Array(features.count);
      order.forEach((f, r) => (rank[f] = r));
      const fractions = Array.from({ length: steps + 1 }, (_, k) => k / steps);
      const masks = fractions.map((_, k) => {
        const changed = Math.round((k * features.count) / steps);
        // Deletion: the `changed` top features show the fill; insertion: all but the `changed` top features do.
        return Float32Array.from(features.labels, (f) => (mode === 'deletion' ? (rank[f]! < changed ? 1 : 0) : rank[f]! < changed ? 0 : 1));
      });
      const image = inputs.images.slice(i, 1);
      let fillImage: tf.Tensor | undefined;
      try {
        fillImage = fillFor(image, fill);
        const scores = await blendedScores(inputs.adapter, image, fillImage, masks, inputs.targets[i]!, batchSize);
        curves.push({ fractions, scores, area: trapezoidArea(fractions, scores) });
      } finally {
        tf.dispose(fillImage ? [image, fillImage] : [image]);
      }
    }
    return curves;
  } finally {
    inputs.images.dispose();
  }
}

/**
 * Deletion curve (Petsiuk, Das & Saenko 2018, "RISE: Randomized Input Sampling
 * for Explanation of Black-box Models", BMVC; pixel flipping of Bach et al.
 * 2015 and region perturbation of Samek et al. 2017): features are removed
 * (set to the fill) from the most to the least attributed, and the target
 * score is recorded after each step:
 *
 *   D(k) = f_t(x with the top round(k F / steps) features filled),  k = 0..steps,
 *   AUC = integral over [0, 1] of D (trapezoidal rule).
 *
 * A faithful map makes the score fall fast: lower AUC is better.
 * @param images (N, H, W, C) or (N, D, H, W, C) for a model that takes volumes
 * @param maps attributions per position (N, ...spatial), ranked as they are (signed; pass |R| to rank by magnitude)
 * @param targets the class whose score is followed, one for all or one per example
 * @returns one curve per example
 */
export function deletionCurves(model: ModelLike, images: tf.Tensor, maps: tf.Tensor, targets: number | readonly number[], options: RemovalCurveOptions = {}): Promise<RemovalCurve[]> {
  return removalCurves('deletion', model, images, maps, targets, options);
}

/**
 * Insertion curve (Petsiuk, Das & Saenko 2018, "RISE", BMVC): starting from
 * the fill alone, features are restored from the most to the least
 * attributed, and the target score is recorded after each step:
 *
 *   I(k) = f_t(fill with the top round(k F / steps) features of x restored),  k = 0..steps.
 *
 * A faithful map makes the score rise fast: higher AUC is better. The
 * default fill for insertion in RISE is a blur (`fill: 'blur'`); here the
 * default is the same constant 0 as for deletion, so the two share a fill.
 * Arguments as {@link deletionCurves}.
 */
export function insertionCurves(model: ModelLike, images: tf.Tensor, maps: tf.Tensor, targets: number | readonly number[], options: RemovalCurveOptions = {}): Promise<RemovalCurve[]> {
  return removalCurves('insertion', model, images, maps, targets, options);
}
