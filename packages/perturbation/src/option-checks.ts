import { InvalidOptionError } from '@tfxai/core';

/** `value` as an integer >= `min`, or an InvalidOptionError naming the option. */
export function checkInteger(name: string, value: number, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new InvalidOptionError(name, `must be an integer >= ${min}; got ${String(value)}`);
  }
  return value;
}

/** `value` as a finite number in [min, max] (bounds excluded where asked). */
export function checkNumber(name: string, value: number, min = -Infinity, max = Infinity, exclusiveMin = false): number {
  const belowMin = exclusiveMin ? value <= min : value < min;
  if (typeof value !== 'number' || !Number.isFinite(value) || belowMin || value > max) {
    const range = `${exclusiveMin ? '>' : '>='} ${min}${Number.isFinite(max) ? ` and <= ${max}` : ''}`;
    throw new InvalidOptionError(name, `must be a finite number ${range}; got ${String(value)}`);
  }
  return value;
}

/** `value` as one of `allowed`. */
export function checkChoice<T extends string>(name: string, value: T, allowed: readonly T[]): T {
  if (!allowed.includes(value)) throw new InvalidOptionError(name, `got '${String(value)}'; allowed: ${allowed.join(', ')}`);
  return value;
}

/** A boolean option. */
export function checkBoolean(name: string, value: boolean): boolean {
  if (typeof value !== 'boolean') throw new InvalidOptionError(name, `must be true or false; got ${String(value)}`);
  return value;
}
