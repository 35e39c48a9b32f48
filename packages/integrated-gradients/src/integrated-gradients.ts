import * as tf from '@tensorflow/tfjs';
import {
  AttributionMethod,
  makeBaselines,
  rowsPerPass,
  selectTargetScores,
  targetGradients,
  type AttributionResult,
  type HeatmapSpec,
  type ImageBatch,
  type MethodServices,
  type ModelLike,
  type PreparedBatch,
} from '@tfxai/core';
import { firstLayerGradientSums, splitAtFirstLayer, type FirstLayerSplit } from './first-layer-shortcut.js';
import { resolveOptions, type IntegratedGradientsOptions, type ResolvedIntegratedGradientsOptions } from './options.js';
import { quadrature, type Quadrature } from './quadrature.js';

/** `values` as a column (n, 1, ..., 1) of `rank` axes, to scale the rows of a batch of that rank. */
function rowScale(values: readonly number[], rank: number): tf.Tensor {
  return tf.tensor(values as number[], [values.length, ...new Array<number>(rank - 1).fill(1)]);
}

/** A run of consecutive path points that share one baseline, evaluated in one chunk. */
interface PathSegment {
  baselineIndex: number;
  alphas: number[];
  weights: number[];
}

/**
 * Integrated Gradients (Sundararajan et al. 2017):
 * `IG_i(x) = (x_i - b_i) * integral_0^1 dF(b + a (x - b))/dx_i da`,
 * on images (N, H, W, C) or volumes (N, D, H, W, C) alike,
 * the path evaluated in batched chunks of `internalBatchSize` points (fewer when
 * the model and image size need more memory than `PASS_MEMORY_BUDGET` allows).
 * With the defaults it reproduces AUCMEDI's `IntegratedGradients` exactly.
 * The heatmap: attributions, channels reduced by `channelReduction` (signed),
 * min-max normalised to [0, 1]: (H, W) for an image, (D, H, W) for a volume.
 */
export class IntegratedGradients extends AttributionMethod {
  readonly name = 'integrated-gradients';
  readonly options: ResolvedIntegratedGradientsOptions;
  readonly #path: Quadrature;
  readonly #firstLayer: FirstLayerSplit | undefined;

  constructor(model: ModelLike, options: IntegratedGradientsOptions | undefined, services: MethodServices) {
    const resolved = resolveOptions(options);
    super(model, services);
    this.options = resolved;
    this.#path = quadrature(this.options.rule, this.options.numSteps);
    this.#firstLayer = this.options.firstLayerShortcut ? splitAtFirstLayer(this.adapter) : undefined;
  }

  get heatmapSpec(): HeatmapSpec {
    return { absolute: false, channelReduction: this.options.channelReduction };
  }

  /**
   * Raw signed attributions (N, H, W, C), or (N, D, H, W, C) for volumes, and, per example, the convergence delta
   * `sum(attributions) - (F(x)[t] - mean over baselines F(b)[t])` (only with `multiplyByInputs`).
   */
  protected async attributeBatch(prepared: PreparedBatch): Promise<AttributionResult> {
    const { batch, targets, numClasses } = prepared;
    const rows = rowsPerPass(prepared, this.options.internalBatchSize);
    const baselines = await makeBaselines(this.options.baselines, batch);
    const owned: tf.Tensor[] = [...baselines];
    try {

      const perExample: ImageBatch[] = [];
      for (let i = 0; i < batch.shape[0]; i++) {
        perExample.push(this.#integrate(batch, baselines, i, targets[i]!, numClasses, rows));
        owned.push(perExample[i]!);
      }
      const attributions = tf.concat(perExample) as ImageBatch;
      const convergenceDelta = this.options.multiplyByInputs ? await this.#convergenceDelta(attributions, batch, baselines, targets) : undefined;
      return convergenceDelta ? { attributions, convergenceDelta } : { attributions };
    } finally {
      tf.dispose(owned);
    }
  }

  /** The attributions of example `index`, (1, H, W, C) or (1, D, H, W, C): weighted gradient sums over every baseline's path. */
  #integrate(batch: ImageBatch, baselines: ImageBatch[], index: number, target: number, numClasses: number, rowsPerChunk: number): ImageBatch {
    const { multiplyByInputs } = this.options;
    const input = tf.slice(batch, index, 1) as ImageBatch;
    let total = tf.zerosLike(input);
    for (const chunk of this.#chunks(baselines.length, rowsPerChunk)) {
      const next = tf.tidy(() => {
        const baselineRows = chunk.map((segment) => tf.slice(baselines[segment.baselineIndex]!, index, 1) as ImageBatch);
        const differences = baselineRows.map((baseline) => tf.sub(input, baseline) as ImageBatch);
        const rows = tf.concat(
          chunk.map((segment, s) => tf.add(baselineRows[s]!, tf.mul(rowScale(segment.alphas, batch.rank), differences[s]!))),
        ) as ImageBatch;
        const weights = chunk.flatMap((segment) => segment.weights.map((w) => w / baselines.length));
        const shortcut = this.#firstLayer && firstLayerGradientSums(this.#firstLayer, chunk.map((segment) => ({ alphas: segment.alphas, weights: segment.weights.map((w) => w / baselines.length) })), baselineRows, differences, target, numClasses);
        const gradients = shortcut ? undefined : targetGradients(this.adapter, rows, new Array<number>(weights.length).fill(target), numClasses, weights);
        // Sum each segment's rows, then scale by its own (x - baseline).
        let offset = 0;
        const contributions = chunk.map((segment, s) => {
          const summed = shortcut ? shortcut[s]! : tf.sum(tf.slice(gradients!, offset, segment.alphas.length), 0, true);
          offset += segment.alphas.length;
          return multiplyByInputs ? tf.mul(summed, differences[s]!) : summed;
        });
        return tf.addN([total, ...contributions]) as ImageBatch;
      });
      total.dispose();
      total = next;
    }
    input.dispose();
    return total;
  }

  /** Splits every baseline's path points into chunks of at most `rowsPerChunk` rows (`internalBatchSize`, or fewer where memory requires). */
  #chunks(baselineCount: number, rowsPerChunk: number): PathSegment[][] {
    const { alphas, weights } = this.#path;
    const chunks: PathSegment[][] = [];
    let current: PathSegment[] = [];
    let rows = 0;
    for (let baselineIndex = 0; baselineIndex < baselineCount; baselineIndex++) {
      for (let start = 0; start < alphas.length; ) {
        const take = Math.min(alphas.length - start, rowsPerChunk - rows);
        current.push({ baselineIndex, alphas: alphas.slice(start, start + take), weights: weights.slice(start, start + take) });
        rows += take;
        start += take;
        if (rows === rowsPerChunk) {
          chunks.push(current);
          current = [];
          rows = 0;
        }
      }
    }
    if (current.length) chunks.push(current);
    return chunks;
  }

  async #convergenceDelta(attributions: ImageBatch, batch: ImageBatch, baselines: ImageBatch[], classes: readonly number[]): Promise<number[]> {
    const exampleAxes = batch.shape.slice(1).map((_, i) => i + 1);
    const delta = tf.tidy(() => {
      const atInput = selectTargetScores(this.adapter.predict(batch), classes);
      const atBaselines = tf.addN(baselines.map((b) => selectTargetScores(this.adapter.predict(b), classes))).div(baselines.length);
      return tf.sub(tf.sum(attributions, exampleAxes), tf.sub(atInput, atBaselines));
    });
    const values = Array.from(await delta.data());
    delta.dispose();
    return values;
  }
}
