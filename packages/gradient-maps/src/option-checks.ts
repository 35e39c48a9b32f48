import { InvalidOptionError } from '@tfxai/core';

/** An integer >= 1, else InvalidOptionError naming the option. */
export function positiveInteger(option: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new InvalidOptionError(option, `must be an integer >= 1; got ${JSON.stringify(value)}`);
  }
  return value;
}

/** A finite number >= 0, else InvalidOptionError naming the option. */
export function nonNegativeNumber(option: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new InvalidOptionError(option, `must be a finite number >= 0; got ${JSON.stringify(value)}`);
  }
  return value;
}

/** A boolean, else InvalidOptionError naming the option. */
export function booleanOption(option: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new InvalidOptionError(option, `must be true or false; got ${JSON.stringify(value)}`);
  return value;
}

/** One of `allowed`, else InvalidOptionError listing them. */
export function oneOf<T extends string>(option: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) throw new InvalidOptionError(option, `got ${JSON.stringify(value)}; allowed: ${allowed.join(', ')}`);
  return value as T;
}

/** Rejects keys of `options` that are not in `known` (a typo would otherwise be silently ignored). */
export function rejectUnknownKeys(option: string, options: unknown, known: readonly string[]): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidOptionError(option, `must be an object of options; got ${JSON.stringify(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw new InvalidOptionError(`${option}.${key}`, `unknown option; allowed: ${known.join(', ')}`);
  }
}
