import { InvalidOptionError } from '@tfxai/core';

/** Keras's `data_format` of a 3-D layer: where the channel axis of a 5-D tensor is. */
export type DataFormat3d = 'channelsLast' | 'channelsFirst';

/** The three spatial axes (depth, height, width) of a 5-D tensor in `format`. */
export function spatialAxes(format: DataFormat3d): [number, number, number] {
  return format === 'channelsLast' ? [1, 2, 3] : [2, 3, 4];
}

/**
 * Reads `dataFormat` from a layer config; Keras writes `channels_last` into
 * converted models and tfjs-layers turns it into `channelsLast`.
 * @param value the config value (default `'channelsLast'`)
 */
export function checkDataFormat(layer: string, value: unknown): DataFormat3d {
  if (value === undefined || value === null) return 'channelsLast';
  if (value === 'channelsLast' || value === 'channelsFirst') return value;
  throw new InvalidOptionError(`${layer}.dataFormat`, `must be 'channelsLast' or 'channelsFirst'; got ${JSON.stringify(value)}`);
}

/**
 * A Keras 3-D size argument: one non-negative integer for all three axes,
 * or one per axis (`[d, h, w]`), or one pair per axis for paddings and
 * croppings (`[[d0, d1], [h0, h1], [w0, w1]]`).
 */
export function checkTriple(layer: string, option: string, value: unknown, min: number): [number, number, number] {
  const triple = typeof value === 'number' ? [value, value, value] : value;
  if (!Array.isArray(triple) || triple.length !== 3 || !triple.every((v) => Number.isInteger(v) && v >= min)) {
    throw new InvalidOptionError(`${layer}.${option}`, `must be an integer >= ${min} or three of them [d, h, w]; got ${JSON.stringify(value)}`);
  }
  return triple as [number, number, number];
}

/** A 3-D padding or cropping: `n`, `[d, h, w]` (symmetric) or `[[d0, d1], [h0, h1], [w0, w1]]`. */
export function checkPairs(layer: string, option: string, value: unknown): [[number, number], [number, number], [number, number]] {
  if (Array.isArray(value) && value.every((v) => Array.isArray(v))) {
    const ok = value.length === 3 && value.every((p: unknown) => Array.isArray(p) && p.length === 2 && p.every((v) => Number.isInteger(v) && v >= 0));
    if (!ok) throw new InvalidOptionError(`${layer}.${option}`, `must be three pairs of integers >= 0 [[d0, d1], [h0, h1], [w0, w1]]; got ${JSON.stringify(value)}`);
    return value as [[number, number], [number, number], [number, number]];
  }
  const [d, h, w] = checkTriple(layer, option, value, 0);
  return [[d, d], [h, h], [w, w]];
}
