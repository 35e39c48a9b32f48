import { InvalidOptionError, checkChoice, checkInteger, checkNumber, type MethodOptions } from '@tfxai/core';
import { checkFill, type FillValue } from './fill.js';
import { EDGE_WINDOWS, type EdgeWindows } from './occlusion-windows.js';

/** What a window's value is: AUCMEDI's `1 - p(class)` with the patch, or the drop `p(class) - p(class with the patch)`. */
export type OcclusionScore = 'one-minus-probability' | 'drop';
export const OCCLUSION_SCORES: readonly OcclusionScore[] = ['one-minus-probability', 'drop'];

/** Options of Occlusion Sensitivity (Zeiler & Fergus 2014): by default a 16-pixel patch of 127.5 and `1 - p(class)`, as the project's AUCMEDI reference. */
export interface OcclusionOptions extends MethodOptions {
  /** Patch side in pixels, or [height, width]. Default: 16. */
  patchSize?: number | readonly [number, number];
  /** Step between windows, or [vertical, horizontal]; at most the patch size. Smaller steps overlap windows, whose values are averaged per pixel. Default: patchSize. */
  stride?: number | readonly [number, number];
  /** What the patch holds: a constant, 'mean' (the image's mean colour) or 'blur' (a blurred copy of the image). Default: 127.5. */
  fill?: FillValue;
  /** Gaussian sigma in pixels for fill 'blur'. Default: the image's shorter side / 16, at least 1. */
  blurSigma?: number;
  /** A window's value: 'one-minus-probability' (AUCMEDI) or 'drop' (score of the image minus score with the patch). Default: 'one-minus-probability'. */
  score?: OcclusionScore;
  /** The window at the right and bottom borders when the size is not covered by whole strides: 'clip' or 'shift' (see {@link EdgeWindows}). Default: 'clip'. */
  edgeWindows?: EdgeWindows;
  /** Occluded images per model call. Default: 32. */
  batchSize?: number;
}

export interface ResolvedOcclusionOptions {
  patchSize: [number, number];
  stride: [number, number];
  fill: FillValue;
  blurSigma: number | undefined;
  score: OcclusionScore;
  edgeWindows: EdgeWindows;
  batchSize: number;
}

export const OCCLUSION_DEFAULTS = Object.freeze({
  patchSize: 16,
  fill: 127.5 as FillValue,
  score: 'one-minus-probability' as OcclusionScore,
  edgeWindows: 'clip' as EdgeWindows,
  batchSize: 32,
});

function pair(name: string, value: number | readonly [number, number]): [number, number] {
  if (typeof value === 'number') return [checkInteger(name, value, 1), value];
  if (Array.isArray(value) && value.length === 2) return [checkInteger(name, value[0]!, 1), checkInteger(name, value[1]!, 1)];
  throw new InvalidOptionError(name, `got ${JSON.stringify(value)}; allowed: an integer >= 1 or [height, width]`);
}

/** Fills in defaults and rejects values outside the allowed ones. */
export function resolveOcclusionOptions(options: OcclusionOptions = {}): ResolvedOcclusionOptions {
  const d = OCCLUSION_DEFAULTS;
  const patchSize = pair('patchSize', options.patchSize ?? d.patchSize);
  const stride = pair('stride', options.stride ?? patchSize);
  if (stride[0] > patchSize[0] || stride[1] > patchSize[1]) {
    throw new InvalidOptionError('stride', `[${stride}] is larger than the patch [${patchSize}], which would leave pixels never occluded; allowed: 1 to the patch size`);
  }
  return {
    patchSize,
    stride,
    fill: checkFill(options.fill ?? d.fill, false),
    blurSigma: options.blurSigma === undefined ? undefined : checkNumber('blurSigma', options.blurSigma, { min: 0, minExclusive: true }),
    score: checkChoice('score', options.score ?? d.score, OCCLUSION_SCORES),
    edgeWindows: checkChoice('edgeWindows', options.edgeWindows ?? d.edgeWindows, EDGE_WINDOWS),
    batchSize: checkInteger('batchSize', options.batchSize ?? d.batchSize, 1),
  };
}
