import { InvalidOptionError, describeOptionValue, resolveDeclaredOptions, type MethodOptions, type OptionSpec } from '@tfxai/core';
import { checkFill, type FillValue } from './fill.js';
import { EDGE_WINDOWS, type EdgeWindows } from './occlusion-windows.js';

/** What a window's value is: AUCMEDI's `1 - p(class)` with the patch, or the drop `p(class) - p(class with the patch)`. */
export type OcclusionScore = 'one-minus-probability' | 'drop';
export const OCCLUSION_SCORES: readonly OcclusionScore[] = ['one-minus-probability', 'drop'];

/** AUCMEDI's fill: 127.5, mid-grey for inputs in 0..255 (a constant far outside a 0..1 input's range). */
export const AUCMEDI_OCCLUSION_FILL = 127.5;
/** AUCMEDI's patch side. */
export const AUCMEDI_PATCH_SIZE = 16;

/**
 * Options of Occlusion Sensitivity (Zeiler & Fergus 2014). The defaults fit any
 * input range: the patch holds the image's own mean colour, and is 1/8 of the
 * image's shorter side. AUCMEDI's settings: `{ patchSize: 16, fill: 127.5 }`.
 */
export interface OcclusionOptions extends MethodOptions {
  /**
   * Patch side in pixels, or [height, width]; for volumes a side in voxels or [depth, height, width].
   * Default: 1/8 of the image's shorter side (a volume's shortest side, on every axis), at least 1.
   */
  patchSize?: number | readonly [number, number] | readonly [number, number, number];
  /**
   * Step between windows, or [vertical, horizontal] ([depth, vertical, horizontal] for volumes); at most the patch size.
   * Smaller steps overlap windows, whose values are averaged per pixel (voxel). Default: patchSize.
   */
  stride?: number | readonly [number, number] | readonly [number, number, number];
  /** What the patch holds: a constant, 'mean' (the image's mean colour) or 'blur' (a blurred copy of the image). Default: 'mean'; AUCMEDI's is 127.5. */
  fill?: FillValue;
  /** Gaussian sigma in pixels (voxels) for fill 'blur'. Default: the image's shorter side (a volume's shortest) / 16, at least 1. */
  blurSigma?: number;
  /** A window's value: 'one-minus-probability' (AUCMEDI) or 'drop' (score of the image minus score with the patch). Default: 'one-minus-probability'. */
  score?: OcclusionScore;
  /** The window at the far borders (right, bottom, last slice) when the size is not covered by whole strides: 'clip' or 'shift' (see {@link EdgeWindows}). Default: 'clip'. */
  edgeWindows?: EdgeWindows;
  /** Occluded images per model call. Default: 32. */
  batchSize?: number;
}

/** A window size or step: one number for every axis, or one per axis ([height, width] or [depth, height, width]). */
export type WindowSize = number | readonly number[];

export interface ResolvedOcclusionOptions {
  /** undefined: 1/8 of each image's shorter side ({@link defaultPatchSize}); expanded per axis by {@link perAxis}. */
  patchSize: WindowSize | undefined;
  /** undefined: the patch size. */
  stride: WindowSize | undefined;
  fill: FillValue;
  blurSigma: number | undefined;
  score: OcclusionScore;
  edgeWindows: EdgeWindows;
  batchSize: number;
}

export const OCCLUSION_DEFAULTS = Object.freeze({
  fill: 'mean' as FillValue,
  score: 'one-minus-probability' as OcclusionScore,
  edgeWindows: 'clip' as EdgeWindows,
  batchSize: 32,
});

/**
 * The default patch: 1/8 of the shorter side, rounded, at least 1 pixel (8 pixels on a 64 x 64 image, 28 on 224 x 224);
 * for a volume (depth, height, width) the same side on every axis, from its shortest side (8 on 64^3).
 */
export function defaultPatchSize(...sides: number[]): number[] {
  const side = Math.max(1, Math.round(Math.min(...sides) / 8));
  return sides.map(() => side);
}

/** Checks a window size or step: an integer >= 1, [height, width] or [depth, height, width] of them. */
function checkWindowSize(name: string, value: unknown): WindowSize {
  const isSide = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 1;
  if (typeof value === 'number') {
    if (!isSide(value)) throw new InvalidOptionError(name, `must be an integer >= 1; got ${describeOptionValue(value)}`);
    return value;
  }
  if (Array.isArray(value) && (value.length === 2 || value.length === 3)) {
    for (const side of value) if (!isSide(side)) throw new InvalidOptionError(name, `must be an integer >= 1; got ${describeOptionValue(side)}`);
    return [...(value as number[])];
  }
  throw new InvalidOptionError(name, `got ${JSON.stringify(value)}; allowed: an integer >= 1, [height, width] (images) or [depth, height, width] (volumes)`);
}

/**
 * A window size or step for an input of `rank` spatial axes (2: image, 3: volume): a number on every axis, or the array as given.
 * @throws InvalidOptionError when an array's length does not match the input (2 entries for images, 3 for volumes)
 */
export function perAxis(name: string, value: WindowSize, rank: number): number[] {
  if (typeof value === 'number') return new Array<number>(rank).fill(value);
  if (value.length !== rank) {
    const allowed = rank === 3 ? 'a number or [depth, height, width] for a volume' : 'a number or [height, width] for an image';
    throw new InvalidOptionError(name, `[${value}] has ${value.length} entries but the input has ${rank} spatial axes; allowed: ${allowed}`);
  }
  return [...value];
}

/** The declared options of Occlusion Sensitivity (the docs table is generated from them). */
export const OCCLUSION_OPTIONS: readonly OptionSpec[] = Object.freeze([
  {
    name: 'patchSize',
    type: 'custom',
    typeDoc: 'integer ≥ 1, or [height, width]; for volumes [depth, height, width]',
    defaultDoc: "1/8 of the image's shorter side (8 on 64 × 64, 28 on 224 × 224; a volume's shortest, on every axis); AUCMEDI's: `16`",
    doc: 'side of the square (cubic) patch that slides over the image (volume)',
    check: (value, name) => void checkWindowSize(name, value),
  },
  {
    name: 'stride',
    type: 'custom',
    typeDoc: 'integer ≥ 1, or [vertical, horizontal] ([depth, vertical, horizontal] for volumes); at most the patch',
    defaultDoc: '`patchSize`',
    doc: 'step between windows; smaller steps overlap windows, whose values are averaged per pixel (voxel)',
    check: (value, name) => void checkWindowSize(name, value),
  },
  {
    name: 'fill',
    type: 'custom',
    typeDoc: "a finite number, `'mean'`, `'blur'`",
    default: OCCLUSION_DEFAULTS.fill,
    doc: "what the patch holds: a constant, the image's mean colour (fits any input range), or a blurred copy; AUCMEDI's is `127.5` (grey for 0..255 inputs)",
    check: (value) => void checkFill(value as FillValue, false),
  },
  { name: 'blurSigma', type: 'number', min: 0, minExclusive: true, defaultDoc: "the image's shorter side (a volume's shortest) / 16, at least 1", doc: "Gaussian sigma in pixels (voxels) for `fill: 'blur'`" },
  {
    name: 'score',
    type: 'choice',
    choices: OCCLUSION_SCORES,
    default: OCCLUSION_DEFAULTS.score,
    doc: "a window's value: `1 − p(class)` with the patch in place (AUCMEDI), or the drop `p(class) − p(class with the patch)`",
  },
  {
    name: 'edgeWindows',
    type: 'choice',
    choices: EDGE_WINDOWS,
    default: OCCLUSION_DEFAULTS.edgeWindows,
    doc: "the last window where strides do not reach the border: `'clip'` cuts it at the border (AUCMEDI), `'shift'` moves it back to end there",
  },
  { name: 'batchSize', type: 'integer', min: 1, default: OCCLUSION_DEFAULTS.batchSize, doc: 'occluded images per model call; results do not depend on it' },
] satisfies OptionSpec[]);

/** Checks the options against {@link OCCLUSION_OPTIONS} and fills in defaults. */
export function resolveOcclusionOptions(options?: OcclusionOptions): ResolvedOcclusionOptions {
  const given = resolveDeclaredOptions(OCCLUSION_OPTIONS, options, 'occlusion') as OcclusionOptions & typeof OCCLUSION_DEFAULTS;
  const patchSize = given.patchSize === undefined ? undefined : checkWindowSize('patchSize', given.patchSize);
  const stride = given.stride === undefined ? undefined : checkWindowSize('stride', given.stride);
  if (patchSize !== undefined && stride !== undefined) {
    if (typeof patchSize !== 'number' && typeof stride !== 'number' && patchSize.length !== stride.length) {
      throw new InvalidOptionError('stride', `[${stride}] has ${stride.length} entries but patchSize [${patchSize}] has ${patchSize.length}; allowed: a number, or as many entries as patchSize`);
    }
    // A number fits either rank: compare on the rank an array gives (the input is checked again when it comes).
    const rank = typeof patchSize !== 'number' ? patchSize.length : typeof stride !== 'number' ? stride.length : 2;
    checkStride(perAxis('stride', stride, rank), perAxis('patchSize', patchSize, rank));
  }
  return {
    patchSize,
    stride,
    fill: given.fill,
    blurSigma: given.blurSigma,
    score: given.score,
    edgeWindows: given.edgeWindows,
    batchSize: given.batchSize,
  };
}

/** A stride larger than the patch would leave pixels never occluded. */
export function checkStride(stride: readonly number[], patchSize: readonly number[]): void {
  if (stride.some((step, axis) => step > patchSize[axis]!)) {
    throw new InvalidOptionError('stride', `[${stride}] is larger than the patch [${patchSize}], which would leave pixels never occluded; allowed: 1 to the patch size`);
  }
}
