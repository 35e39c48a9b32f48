import { InvalidMapError } from './errors.js';

/** Slack for rounding in resizing: a value this far outside [0, 1] is still a right map. */
const RANGE_SLACK = 1e-5;

/**
 * Checks a map before it is written or returned, whatever method made it:
 * every value finite and within [0, 1].
 * @throws InvalidMapError naming the first bad value and how many there are
 */
export function checkMap(map: Float32Array, sample: string, classIndex: number): void {
  let nonFinite = 0;
  let outside = 0;
  let first: { index: number; value: number } | undefined;
  for (let i = 0; i < map.length; i++) {
    const value = map[i]!;
    if (!Number.isFinite(value)) nonFinite++;
    else if (value < -RANGE_SLACK || value > 1 + RANGE_SLACK) outside++;
    else continue;
    first ??= { index: i, value };
  }
  if (!first) return;
  const where = `(${nonFinite + outside} of ${map.length} values; the first, at index ${first.index}, is ${first.value})`;
  if (nonFinite > 0) throw new InvalidMapError(sample, classIndex, 'not-finite', `holds NaN or infinite values ${where}`);
  throw new InvalidMapError(sample, classIndex, 'out-of-range', `has values outside [0, 1] ${where}`);
}
