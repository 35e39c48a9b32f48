import * as tf from '@tensorflow/tfjs';
import { InvalidInputError, InvalidOptionError } from './errors.js';
import { gaussianBlur, gaussianBlur3d } from './image-ops.js';
import { spatialShape, type ImageBatch } from './image-batch.js';
import { assertFinite } from './validation.js';
import type { OptionSpec } from './option-spec.js';

/** A blurred copy of the input as baseline (Sturmfels et al. 2020). */
export interface BlurBaseline {
  type: 'blur';
  /** Gaussian sigma in pixels (voxels). Default: the image's (volume's) shortest side / 16, at least 1. */
  sigma?: number;
}

/** Seeded uniform noise as baseline. */
export interface UniformNoiseBaseline {
  type: 'uniform';
  /** Lower bound. Default: the input's minimum. */
  low?: number;
  /** Upper bound. Default: the input's maximum. */
  high?: number;
  /** Seed: the same seed gives the same noise on every backend. Default: 0. */
  seed?: number;
}

/**
 * One baseline: `'zeros'` (AUCMEDI's), a constant, a tensor of one example's
 * shape (H, W, C) or (D, H, W, C), with a batch axis of 1 or N, `'blur'`, a {@link BlurBaseline} or a {@link UniformNoiseBaseline}.
 */
export type BaselineSpec = 'zeros' | 'blur' | number | tf.Tensor | BlurBaseline | UniformNoiseBaseline;

/** Checks a baseline option once, at construction time, so that errors come early. */
export function checkBaselineSpecs(baseline: BaselineSpec | readonly BaselineSpec[]): BaselineSpec[] {
  const specs = Array.isArray(baseline) ? [...baseline] : [baseline as BaselineSpec];
  if (specs.length === 0) throw new InvalidOptionError('baseline', 'an empty list of baselines; give at least one');
  for (const spec of specs) {
    if (spec === 'zeros' || spec === 'blur' || spec instanceof tf.Tensor) continue;
    if (typeof spec === 'number') {
      if (!Number.isFinite(spec)) throw new InvalidOptionError('baseline', `a constant baseline must be finite; got ${spec}`);
      continue;
    }
    if (typeof spec === 'object' && spec !== null && (spec.type === 'blur' || spec.type === 'uniform')) {
      if (spec.type === 'blur' && spec.sigma !== undefined && !(spec.sigma > 0)) throw new InvalidOptionError('baseline', `blur sigma must be > 0; got ${spec.sigma}`);
      continue;
    }
    throw new InvalidOptionError('baseline', `got ${JSON.stringify(spec)}; allowed: 'zeros', 'blur', a number, a tensor, {type: 'blur', sigma}, {type: 'uniform', low, high, seed}, or a list of these`);
  }
  return specs;
}

/** The baseline for every example of `images` ((N, H, W, C) or (N, D, H, W, C)), as a tensor of the same shape. */
export function makeBaseline<T extends ImageBatch>(spec: BaselineSpec, images: T): T {
  const n = images.shape[0];
  const example = images.shape.slice(1);
  return tf.tidy(() => {
    if (spec === 'zeros') return tf.zerosLike(images);
    if (typeof spec === 'number') return tf.fill(images.shape, spec) as T;
    if (spec instanceof tf.Tensor) {
      const batch = spec.rank === images.rank - 1 ? spec.expandDims(0) : spec;
      const fits = batch.rank === images.rank && batch.shape.slice(1).every((d, i) => d === example[i]) && (batch.shape[0] === 1 || batch.shape[0] === n);
      if (!fits) {
        throw new InvalidInputError(
          `baseline of shape [${spec.shape}] does not fit ${images.rank === 5 ? 'volumes' : 'images'} of shape [${images.shape}]; ` +
            `allowed: [${example}], [1,${example}] or [${n},${example}]`,
        );
      }
      return tf.broadcastTo(batch.toFloat(), images.shape) as T;
    }
    if (spec === 'blur' || spec.type === 'blur') {
      const sigma = (typeof spec === 'object' ? spec.sigma : undefined) ?? Math.max(1, Math.min(...spatialShape(images)) / 16);
      return (images.rank === 5 ? gaussianBlur3d(images as tf.Tensor5D, sigma) : gaussianBlur(images as tf.Tensor4D, sigma)) as T;
    }
    const low = spec.low ?? images.min().dataSync()[0]!;
    const high = spec.high ?? images.max().dataSync()[0]!;
    return tf.randomUniform(images.shape, low, Math.max(high, low), 'float32', spec.seed ?? 0) as T;
  });
}

/**
 * Every baseline of `specs` for `images`, each checked to be finite. On any
 * error the baselines already made are disposed; otherwise the caller disposes them.
 * @throws InvalidInputError for a baseline of the wrong shape or holding NaN/Infinity
 */
export async function makeBaselines<T extends ImageBatch>(specs: readonly BaselineSpec[], images: T): Promise<T[]> {
  const baselines: T[] = [];
  try {
    for (const spec of specs) {
      baselines.push(makeBaseline(spec, images));
      await assertFinite(baselines[baselines.length - 1]!, 'baseline');
    }
    return baselines;
  } catch (error) {
    tf.dispose(baselines);
    throw error;
  }
}

/** The declaration of the `baseline` option Integrated Gradients and GradientSHAP share. */
export const BASELINE_OPTION: OptionSpec = Object.freeze({
  name: 'baseline',
  type: 'custom',
  typeDoc: "`'zeros'`, a number, a tensor (H, W, C) / (1, H, W, C) / (N, H, W, C), `'blur'`, `{ type: 'blur', sigma }`, `{ type: 'uniform', low, high, seed }`, or a list of these",
  default: 'zeros',
  check: (value: unknown) => void checkBaselineSpecs(value as BaselineSpec | BaselineSpec[]),
  doc: 'the reference input ("absence of signal"); a list is averaged (IG) or sampled (GradientSHAP)',
});
