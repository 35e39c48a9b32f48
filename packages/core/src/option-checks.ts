import { InvalidOptionError } from './errors.js';

/**
 * Checks of method options, shared by every method package. Each returns the
 * value it was given when it is allowed, else throws an InvalidOptionError that
 * names the option (dotted for nested ones: 'smoothGrad.samples'), says what is
 * allowed and shows the value received.
 */

/** How a rejected value is shown: numbers as they print (NaN, -0.1), strings quoted, the rest as JSON. */
export function describeOptionValue(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'bigint' || value === undefined) return String(value);
  if (typeof value === 'string') return `'${value}'`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * An integer >= `min`.
 * @param min the smallest allowed value (default 1)
 */
export function checkInteger(option: string, value: unknown, min = 1): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new InvalidOptionError(option, `must be an integer >= ${min}; got ${describeOptionValue(value)}`);
  }
  return value;
}

/** The allowed range of {@link checkNumber}; every bound is optional. */
export interface NumberRange {
  /** Lower bound. Default: none. */
  min?: number;
  /** Exclude `min` itself (a strictly positive sigma, say). Default: false. */
  minExclusive?: boolean;
  /** Upper bound, included. Default: none. */
  max?: number;
}

/** A finite number inside `range` (default: any finite number). */
export function checkNumber(option: string, value: unknown, range: NumberRange = {}): number {
  const { min = -Infinity, max = Infinity, minExclusive = false } = range;
  const belowMin = typeof value === 'number' && (minExclusive ? value <= min : value < min);
  if (typeof value !== 'number' || !Number.isFinite(value) || belowMin || value > max) {
    const bounds = [Number.isFinite(min) ? `${minExclusive ? '>' : '>='} ${min}` : '', Number.isFinite(max) ? `<= ${max}` : ''].filter(Boolean).join(' and ');
    throw new InvalidOptionError(option, `must be a finite number${bounds ? ` ${bounds}` : ''}; got ${describeOptionValue(value)}`);
  }
  return value;
}

/** `true` or `false`. */
export function checkBoolean(option: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new InvalidOptionError(option, `must be true or false; got ${describeOptionValue(value)}`);
  return value;
}

/** One of `allowed` (listed in the error). */
export function checkChoice<T extends string>(option: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) throw new InvalidOptionError(option, `got ${describeOptionValue(value)}; allowed: ${allowed.join(', ')}`);
  return value as T;
}

/**
 * A random seed: a safe integer (|seed| < 2^53), so that every bit of it
 * reaches the generator (see `seededRandom`).
 */
export function checkSeed(option: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new InvalidOptionError(option, `must be a safe integer; got ${describeOptionValue(value)}`);
  return value;
}

/**
 * Checks that `options` is a plain object and has no key outside `known`: a
 * misspelt option would otherwise be silently ignored. Keys set to undefined
 * count too.
 * @param option how the object is named in errors ('options', 'smoothGrad'); a bad key is named `${option}.${key}`
 */
export function rejectUnknownKeys(option: string, options: unknown, known: readonly string[]): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidOptionError(option, `must be an object of options; got ${describeOptionValue(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw new InvalidOptionError(`${option}.${key}`, `unknown option; allowed: ${known.join(', ')}`);
  }
}
