import * as tf from '@tensorflow/tfjs';
import { InvalidInputError, InvalidOptionError } from './errors.js';
import { gaussianBlur } from './image-ops.js';
import { assertFinite } from './validation.js';
import type { OptionSpec } from './option-spec.js';

/** A blurred copy of the input as baseline (Sturmfels et al. 2020). */
export interface BlurBaseline {
  type: 'blur';
  /** Gaussian sigma in pixels. Default: the image's shorter side / 16, at least 1. */
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
 * One baseline: `'zeros'` (AUCMEDI's), a constant, a tensor of shape (H, W, C),
 * (1, H, W, C) or (N, H, W, C), `'blur'`, a {@link BlurBaseline} or a {@link UniformNoiseBaseline}.
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

/** The baseline for every example of `images` (N, H, W, C), as a tensor of the same shape. */
export function makeBaseline(spec: BaselineSpec, images: tf.Tensor4D): tf.Tensor4D {
  const [n, height, width, channels] = images.shape;
  return tf.tidy(() => {
    if (spec === 'zeros') return tf.zerosLike(images);
    if (typeof spec === 'number') return tf.fill(images.shape, spec) as tf.Tensor4D;
    if (spec instanceof tf.Tensor) {
      const batch = spec.rank === 3 ? spec.expandDims(0) : spec;
      const [bn, bh, bw, bc] = batch.shape;
      if (batch.rank !== 4 || bh !== height || bw !== width || bc !== channels || (bn !== 1 && bn !== n)) {
        throw new InvalidInputError(
          `baseline of shape [${spec.shape}] does not fit images of shape [${images.shape}]; ` +
            `allowed: [${height},${width},${channels}], [1,${height},${width},${channels}] or [${n},${height},${width},${channels}]`,
        );
      }
      return tf.broadcastTo(batch.toFloat(), images.shape) as tf.Tensor4D;
    }
    if (spec === 'blur' || spec.type === 'blur') {
      const sigma = (typeof spec === 'object' ? spec.sigma : undefined) ?? Math.max(1, Math.min(height, width) / 16);
      return gaussianBlur(images, sigma);
    }
    const low = spec.low ?? images.min().dataSync()[0]!;
    const high = spec.high ?? images.max().dataSync()[0]!;
    return tf.randomUniform(images.shape, low, Math.max(high, low), 'float32', spec.seed ?? 0) as tf.Tensor4D;
  });
}

/**
 * Every baseline of `specs` for `images`, each checked to be finite. On any
 * error the baselines already made are disposed; otherwise the caller disposes them.
 * @throws InvalidInputError for a baseline of the wrong shape or holding NaN/Infinity
 */
export async function makeBaselines(specs: readonly BaselineSpec[], images: tf.Tensor4D): Promise<tf.Tensor4D[]> {
  const baselines: tf.Tensor4D[] = [];
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
