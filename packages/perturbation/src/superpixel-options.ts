import { InvalidOptionError, LIMITS_OPTION, checkSeed, type MethodOptions, type OptionSpec } from '@tfxai/core';
import { checkFill, type SuperpixelFill } from './fill.js';
import { checkSegmentationSpec, type SegmentationSpec } from './superpixels.js';

/** Options LIME and KernelSHAP share: superpixels, what hides them, batching, seed. */
export interface SuperpixelMethodOptions extends MethodOptions {
  /**
   * SLIC options ({@link SlicOptions}, defaults there) or a label map (H, W) of integer superpixel labels.
   * For volumes: the same SLIC options run 3-D SLIC (supervoxels), or a label volume (D, H, W). Default: SLIC with its defaults.
   */
  segmentation?: SegmentationSpec;
  /** What hidden superpixels show: a constant, 'mean' (the image's mean colour), 'blur' or 'segment-mean' (each superpixel's mean colour, LIME's `hide_color=None`). Default: 'mean'; AUCMEDI's is 0. */
  fill?: SuperpixelFill;
  /** Gaussian sigma in pixels (voxels) for fill 'blur'. Default: the image's shorter side (a volume's shortest) / 16, at least 1. */
  blurSigma?: number;
  /** Perturbed images per model call. Default: 32. */
  batchSize?: number;
  /** Seed of the coalition sampling; the same seed gives the same result on every backend. Default: 0. */
  seed?: number;
  /** Raised upper bounds of bounded options, e.g. `{ numSamples: 200000 }`. Default: none. */
  limits?: { numSamples?: number };
}

export interface ResolvedSuperpixelMethodOptions {
  segmentation: SegmentationSpec;
  fill: SuperpixelFill;
  blurSigma: number | undefined;
  batchSize: number;
  seed: number;
}

/** The shared defaults: the image's mean colour hides a superpixel, whatever the input's range (AUCMEDI: `fill: 0`). */
export const SUPERPIXEL_DEFAULTS = Object.freeze({ fill: 'mean' as SuperpixelFill, batchSize: 32, seed: 0 });

/** The largest `numSamples` without `limits: { numSamples }`: each sample is one model evaluation. */
export const MAX_SAMPLES = 100000;

/** The declarations LIME and KernelSHAP share. */
export const SUPERPIXEL_OPTIONS: readonly OptionSpec[] = Object.freeze([
  {
    name: 'segmentation',
    type: 'custom',
    typeDoc: 'SLIC options `{ nSegments, compactness, maxIterations, sigma, colorSpace, enforceConnectivity, minSizeFactor }`, or a label map (H, W); for volumes the same SLIC options (3-D SLIC) or a label volume (D, H, W)',
    defaultDoc: 'SLIC with its defaults (about 50 superpixels; supervoxels for volumes)',
    doc: 'the superpixels (supervoxels) whose presence is switched on and off',
    check: (value) => void checkSegmentationSpec(value as SegmentationSpec),
  },
  {
    name: 'fill',
    type: 'custom',
    typeDoc: "a finite number, `'mean'`, `'blur'`, `'segment-mean'`",
    default: SUPERPIXEL_DEFAULTS.fill,
    doc: "what a hidden superpixel shows: a constant, the image's mean colour (fits any input range), a blurred copy, or its own mean colour (lime's `hide_color=None`); AUCMEDI's is `0`",
    check: (value) => void checkFill(value as SuperpixelFill, true),
  },
  { name: 'blurSigma', type: 'number', min: 0, minExclusive: true, defaultDoc: "the image's shorter side (a volume's shortest) / 16, at least 1", doc: "Gaussian sigma in pixels (voxels) for `fill: 'blur'`" },
  { name: 'batchSize', type: 'integer', min: 1, default: SUPERPIXEL_DEFAULTS.batchSize, doc: 'perturbed images per model call; results do not depend on it' },
  {
    name: 'seed',
    type: 'custom',
    typeDoc: 'safe integer',
    default: SUPERPIXEL_DEFAULTS.seed,
    doc: 'seed of the sampling; the same seed gives the same result on every backend',
    check: (value, name) => void checkSeed(name, value),
  },
] satisfies OptionSpec[]);

/**
 * Checks a sample count: an integer >= `min`, at most {@link MAX_SAMPLES} unless
 * raised with `limits: { numSamples }` (a bound on work: each sample is a model evaluation).
 */
export function checkSampleCount(value: unknown, min: number, limits: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new InvalidOptionError('numSamples', `must be an integer >= ${min}; got ${String(value)}`);
  }
  const raised = (limits as { numSamples?: unknown } | undefined)?.numSamples;
  const max = typeof raised === 'number' ? raised : MAX_SAMPLES;
  if (value > max) {
    throw new InvalidOptionError(
      'numSamples',
      `must be at most ${max}; got ${value}. Each sample is one model evaluation, so this bound keeps time and memory in check: raise it deliberately with ${LIMITS_OPTION}: { numSamples: ${value} }`,
    );
  }
  return value;
}

/** The shared options, filled in (already checked against {@link SUPERPIXEL_OPTIONS}). */
export function resolveSuperpixelMethodOptions(options: SuperpixelMethodOptions): ResolvedSuperpixelMethodOptions {
  return {
    segmentation: checkSegmentationSpec(options.segmentation),
    fill: options.fill ?? SUPERPIXEL_DEFAULTS.fill,
    blurSigma: options.blurSigma,
    batchSize: options.batchSize ?? SUPERPIXEL_DEFAULTS.batchSize,
    seed: options.seed ?? SUPERPIXEL_DEFAULTS.seed,
  };
}
