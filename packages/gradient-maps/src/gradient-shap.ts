import * as tf from '@tensorflow/tfjs';
import {
  AttributionMethod,
  explainedOutputAdapter,
  makeBaselines,
  rowsPerPass,
  sampleNoise,
  selectTargetScores,
  targetGradients,
  type AttributionResult,
  type HeatmapSpec,
  type ImageBatch,
  type MethodServices,
  type ModelLike,
  type PreparedBatch,
} from '@tfxai/core';
import { GRADIENT_SHAP_DEFAULTS, resolveGradientShapOptions, type GradientShapOptions, type ResolvedGradientShapOptions } from './gradient-shap-options.js';
import { gradientShapSamples, type GradientShapSample } from './gradient-shap-samples.js';

/** The axes of one example of a batch: [1, 2, 3] for images, [1, 2, 3, 4] for volumes. */
function exampleAxes(batch: tf.Tensor): number[] {
  return batch.shape.slice(1).map((_, i) => i + 1);
}

/**
 * GradientSHAP (Lundberg & Lee 2017; Captum's `GradientShap`): expected gradients
 * over random baselines. Each of `numSamples` samples draws a baseline b from the
 * baseline list (Integrated Gradients' baselines), adds Gaussian noise to the
 * input (x~ = x + N(0, stdevs^2)) and a point at a uniform random alpha on the
 * path; the attribution is the mean of `dF(b + alpha (x~ - b))/dx * (x~ - b)`.
 * With one baseline and no noise it is Integrated Gradients with Monte-Carlo
 * path points. The heatmap: attributions, channels reduced (default: signed
 * maximum, as Integrated Gradients), min-max normalised to [0, 1]; volumes
 * (N, D, H, W, C) the same, voxel by voxel, with (D, H, W) maps.
 */
export class GradientShap extends AttributionMethod {
  readonly name = 'gradient-shap';
  readonly options: ResolvedGradientShapOptions;

  constructor(model: ModelLike, options: GradientShapOptions | undefined, services: MethodServices) {
    const resolved = resolveGradientShapOptions(options);
    super(model, services, (adapter) => explainedOutputAdapter(adapter, resolved.output));
    this.options = resolved;
  }

  get heatmapSpec(): HeatmapSpec {
    return this.options.heatmap;
  }

  /**
   * Raw signed attributions (N, H, W, C), or (N, D, H, W, C) for volumes, and, per example, the convergence delta
   * `sum(attributions) - mean over samples (F(x~)[t] - F(b)[t])`, as Integrated
   * Gradients reports it (it shrinks as `numSamples` grows).
   */
  protected async attributeBatch(prepared: PreparedBatch): Promise<AttributionResult> {
    const { batch, targets, numClasses } = prepared;
    const rows = rowsPerPass(prepared, this.options.internalBatchSize);
    const baselines = await makeBaselines(this.options.baselines, batch);
    const owned: tf.Tensor[] = [...baselines];
    try {
      const samples = gradientShapSamples(this.options.seed, this.options.numSamples, baselines.length);
      const sigmas = this.#noiseSigmas(batch);
      owned.push(sigmas);
      const classes = [...targets];

      // Running sums over the samples of gradient * (x~ - b) and of F(x~)[t] - F(b)[t].
      let attributionSum: tf.Tensor = tf.zerosLike(batch);
      let scoreGapSum = tf.zeros([batch.shape[0]]);
      try {
        for (let start = 0; start < samples.length; start += rows) {
          const chunk = samples.slice(start, start + rows);
          const [attributionPart, scoreGapPart] = this.#chunk(batch, baselines, sigmas, classes, numClasses, chunk, start);
          const nextAttributions = tf.add(attributionSum, attributionPart);
          const nextGaps = tf.add(scoreGapSum, scoreGapPart);
          tf.dispose([attributionSum, scoreGapSum, attributionPart, scoreGapPart]);
          [attributionSum, scoreGapSum] = [nextAttributions, nextGaps];
        }
        const attributions = tf.div(attributionSum, samples.length) as ImageBatch;
        const delta = tf.tidy(() => tf.sub(tf.sum(attributions, exampleAxes(batch)), tf.div(scoreGapSum, samples.length)));
        const convergenceDelta = Array.from(await delta.data());
        delta.dispose();
        return { attributions, convergenceDelta };
      } finally {
        tf.dispose([attributionSum, scoreGapSum]);
      }
    } finally {
      tf.dispose(owned);
    }
  }

  /** Per example, the noise standard deviation: `stdevs`, or 0.09 of the image's (volume's) range. Shape (N, 1, 1, 1) or (N, 1, 1, 1, 1). */
  #noiseSigmas(batch: ImageBatch): tf.Tensor {
    return tf.tidy(() => {
      const { stdevs } = this.options;
      if (stdevs !== undefined) return tf.fill([batch.shape[0], ...exampleAxes(batch).map(() => 1)], stdevs);
      const range = tf.sub(tf.max(batch, exampleAxes(batch), true), tf.min(batch, exampleAxes(batch), true));
      return tf.mul(range, GRADIENT_SHAP_DEFAULTS.relativeStdev);
    });
  }

  /**
   * One chunk of samples for every example: the summed `gradient * (x~ - b)`
   * (N, H, W, C) or (N, D, H, W, C) and the summed score gaps `F(x~)[t] - F(b)[t]` (N,).
   * One backward pass and two forward passes of `chunk.length` rows per example.
   */
  #chunk(batch: ImageBatch, baselines: ImageBatch[], sigmas: tf.Tensor, classes: number[], numClasses: number, chunk: GradientShapSample[], firstSample: number): [ImageBatch, tf.Tensor1D] {
    const example = batch.shape.slice(1);
    return tf.tidy(() => {
      // Noise off: skip drawing it (the host RNG is the slow part for big images).
      const noise =
        this.options.stdevs === 0
          ? tf.zeros([chunk.length, ...example])
          : tf.concat(chunk.map((_, k) => sampleNoise([1, ...example], this.options.seed, firstSample + k)));
      const alphas = tf.tensor(chunk.map((s) => s.alpha), [chunk.length, ...example.map(() => 1)]);
      const attributionRows: tf.Tensor[] = [];
      const gapRows: tf.Tensor[] = [];
      for (let i = 0; i < batch.shape[0]; i++) {
        // One tidy per example, so that only its two results outlive it.
        const [attributionRow, gapRow] = tf.tidy(() => {
          const target = new Array<number>(chunk.length).fill(classes[i]!);
          const noisyInputs = tf.add(tf.slice(batch, i, 1), tf.mul(noise, tf.slice(sigmas, i, 1))) as ImageBatch;
          const sampleBaselines = tf.concat(chunk.map((s) => tf.slice(baselines[s.baselineIndex]!, i, 1))) as ImageBatch;
          const differences = tf.sub(noisyInputs, sampleBaselines);
          const points = tf.add(sampleBaselines, tf.mul(alphas, differences)) as ImageBatch;
          const gradients = targetGradients(this.adapter, points, target, numClasses);
          const gaps = tf.sub(selectTargetScores(this.adapter.predict(noisyInputs), target), selectTargetScores(this.adapter.predict(sampleBaselines), target));
          return [tf.sum(tf.mul(gradients, differences), 0, true), tf.sum(gaps, 0, true)];
        });
        attributionRows.push(attributionRow!);
        gapRows.push(gapRow!);
      }
      return [tf.concat(attributionRows) as ImageBatch, tf.concat(gapRows) as tf.Tensor1D];
    });
  }
}
