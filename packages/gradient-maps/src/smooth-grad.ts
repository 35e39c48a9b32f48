import * as tf from '@tensorflow/tfjs';
import { InvalidOptionError } from '@tfxai/core';
import { checkSeed, sampleNoise } from './seeded-random.js';
import { nonNegativeNumber, oneOf, positiveInteger, rejectUnknownKeys } from './option-checks.js';

/** How SmoothGrad combines the gradients of the noisy samples. */
export type SmoothGradMode = 'plain' | 'squared' | 'vargrad';
export const SMOOTH_GRAD_MODES: readonly SmoothGradMode[] = ['plain', 'squared', 'vargrad'];

/**
 * SmoothGrad (Smilkov et al. 2017): average the gradient over noisy copies of
 * the input, `x + N(0, sigma^2)` with `sigma = noiseLevel * (max(x) - min(x))`.
 */
export interface SmoothGradOptions {
  /** Noisy copies per example. Default: 25. */
  samples?: number;
  /** Noise standard deviation relative to each image's value range (max - min). Default: 0.15. */
  noiseLevel?: number;
  /**
   * `'plain'`: mean of the gradients (SmoothGrad); `'squared'`: mean of their squares
   * (SmoothGrad-Squared, Hooker et al. 2019); `'vargrad'`: their variance (VarGrad,
   * Adebayo et al. 2018). Default: 'plain'.
   */
  mode?: SmoothGradMode;
  /** Seed of the noise: the same seed gives the same noise on every backend. Default: 0. */
  seed?: number;
}

export type ResolvedSmoothGradOptions = Required<SmoothGradOptions>;

export const SMOOTH_GRAD_DEFAULTS: Readonly<ResolvedSmoothGradOptions> = Object.freeze({ samples: 25, noiseLevel: 0.15, mode: 'plain', seed: 0 });

/**
 * Checks the `smoothGrad` option of a gradient method. `true` means the defaults;
 * `false` or undefined turn SmoothGrad off (undefined is returned).
 */
export function resolveSmoothGradOptions(options: SmoothGradOptions | boolean | undefined): ResolvedSmoothGradOptions | undefined {
  if (options === undefined || options === false) return undefined;
  if (options === true) return { ...SMOOTH_GRAD_DEFAULTS };
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidOptionError('smoothGrad', `must be true, false or { samples, noiseLevel, mode, seed }; got ${JSON.stringify(options)}`);
  }
  rejectUnknownKeys('smoothGrad', options, Object.keys(SMOOTH_GRAD_DEFAULTS));
  const d = SMOOTH_GRAD_DEFAULTS;
  return {
    samples: positiveInteger('smoothGrad.samples', options.samples ?? d.samples),
    noiseLevel: nonNegativeNumber('smoothGrad.noiseLevel', options.noiseLevel ?? d.noiseLevel),
    mode: oneOf('smoothGrad.mode', options.mode ?? d.mode, SMOOTH_GRAD_MODES),
    seed: checkSeed('smoothGrad.seed', options.seed ?? d.seed),
  };
}

/**
 * Gradients of each row's target score with respect to the rows, (rows, H, W, C).
 * Synchronous and tidy-safe: called inside `tf.tidy`.
 */
export type RowGradients = (rows: tf.Tensor4D, targets: readonly number[]) => tf.Tensor4D;

/** Running mean and sum of squared deviations of one example's sample gradients. */
interface RunningMoments {
  count: number;
  mean: tf.Tensor4D;
  squaredDeviations: tf.Tensor4D;
}

/**
 * SmoothGrad over a batch: for every example, `samples` noisy copies, their
 * gradients combined by `mode`. Sample gradients are evaluated `batchSize` rows
 * per backward pass; the moments of the chunks are merged exactly (Chan et al.),
 * so the result does not depend on `batchSize`. Sample `s` uses the same noise
 * pattern (scaled by each image's range) in every example, so an example's
 * result does not depend on the batch it came in.
 * @returns (N, H, W, C); the caller disposes it
 */
export function smoothGradients(
  gradients: RowGradients,
  batch: tf.Tensor4D,
  targets: readonly number[],
  options: ResolvedSmoothGradOptions,
  batchSize: number,
): tf.Tensor4D {
  const [n, height, width, channels] = batch.shape;
  const moments: (RunningMoments | undefined)[] = new Array(n).fill(undefined);
  try {
    for (let start = 0; start < options.samples; start += batchSize) {
      const count = Math.min(batchSize, options.samples - start);
      const noise = tf.tidy(() => tf.concat(Array.from({ length: count }, (_, k) => sampleNoise([1, height, width, channels], options.seed, start + k))) as tf.Tensor4D);
      try {
        for (let i = 0; i < n; i++) moments[i] = mergeChunk(moments[i], chunkMoments(gradients, batch, i, targets[i]!, noise, options.noiseLevel));
      } finally {
        noise.dispose();
      }
    }
    return tf.tidy(() => tf.concat(moments.map((m) => combine(m!, options.mode))) as tf.Tensor4D);
  } finally {
    for (const m of moments) if (m) tf.dispose([m.mean, m.squaredDeviations]);
  }
}

/** Gradients at `x_i + sigma_i * noise` for one chunk, as chunk moments. */
function chunkMoments(gradients: RowGradients, batch: tf.Tensor4D, index: number, target: number, noise: tf.Tensor4D, noiseLevel: number): RunningMoments {
  const count = noise.shape[0];
  return tf.tidy(() => {
    const image = tf.slice(batch, index, 1);
    const sigma = tf.mul(tf.sub(tf.max(image), tf.min(image)), noiseLevel);
    const rows = tf.add(image, tf.mul(noise, sigma)) as tf.Tensor4D;
    const sampleGradients = gradients(rows, new Array<number>(count).fill(target));
    const mean = tf.mean(sampleGradients, 0, true) as tf.Tensor4D;
    const squaredDeviations = tf.sum(tf.square(tf.sub(sampleGradients, mean)), 0, true) as tf.Tensor4D;
    return { count, mean, squaredDeviations };
  });
}

/** Chan et al.'s pairwise merge of two sets of moments; disposes both inputs. */
function mergeChunk(total: RunningMoments | undefined, chunk: RunningMoments): RunningMoments {
  if (!total) return chunk;
  const count = total.count + chunk.count;
  const merged = tf.tidy(() => {
    const delta = tf.sub(chunk.mean, total.mean);
    const mean = tf.add(total.mean, tf.mul(delta, chunk.count / count)) as tf.Tensor4D;
    const squaredDeviations = tf.addN([total.squaredDeviations, chunk.squaredDeviations, tf.mul(tf.square(delta), (total.count * chunk.count) / count)]) as tf.Tensor4D;
    return { mean, squaredDeviations };
  });
  tf.dispose([total.mean, total.squaredDeviations, chunk.mean, chunk.squaredDeviations]);
  return { count, ...merged };
}

function combine(moments: RunningMoments, mode: SmoothGradMode): tf.Tensor4D {
  const variance = tf.div(moments.squaredDeviations, moments.count) as tf.Tensor4D;
  switch (mode) {
    case 'plain':
      return moments.mean.clone();
    case 'squared':
      return tf.add(variance, tf.square(moments.mean));
    case 'vargrad':
      return variance;
  }
}
