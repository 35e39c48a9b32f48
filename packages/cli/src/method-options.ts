import { declaredOptions, type OptionSpec, type XaiRegistry } from '@tfxai/core';
import { UsageError } from './errors.js';

/** How a raw `-O` value reads when nothing declares its type: JSON when it parses, else the string. */
function jsonOrString(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/**
 * One `-O` value read as its declared option type says, so that a value the
 * shell cannot type (`-O rule=1e3` for a string, `-O numSteps=ten`) is read
 * or refused by what the method declares, not guessed from its look.
 */
function typedValue(spec: OptionSpec, raw: string, pair: string, command: string): unknown {
  const refuse = (what: string) => new UsageError(`--method-option '${pair}': ${spec.name} takes ${what}; got '${raw}'`, command);
  switch (spec.type) {
    case 'integer':
    case 'number': {
      const value = raw.trim() === '' ? NaN : Number(raw);
      if (!Number.isFinite(value)) throw refuse(spec.type === 'integer' ? 'an integer' : 'a number');
      return value;
    }
    case 'boolean':
      if (raw !== 'true' && raw !== 'false') throw refuse('true or false');
      return raw === 'true';
    case 'string':
    case 'choice': {
      // A quoted JSON string stays possible ('-O name="a b"'); anything else is the string itself.
      const parsed = jsonOrString(raw);
      return typeof parsed === 'string' ? parsed : raw;
    }
    default:
      return jsonOrString(raw);
  }
}

/**
 * Parses repeated `--method-option key=value` flags into an options object.
 * With the method's declared options (`specs`), each value is read as its
 * declared type says (integers and numbers as numbers, booleans as
 * true/false, strings and choices as given) and a malformed value is a usage
 * error naming the option; nested options take dotted keys
 * (`smoothGrad.samples=20`). Keys no declaration names, and every key of a
 * method that declares nothing, are read as JSON when they parse, else as
 * strings; the registry then rejects an unknown key with the closest valid
 * name (`numStep` -> did you mean 'numSteps'?) before any work is done.
 * @param specs the method's declared options (`MethodInfo.options`); default: none
 * @param command the command named in usage errors (default 'explain')
 */
export function parseMethodOptions(pairs: readonly string[], specs?: readonly OptionSpec[], command = 'explain'): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new UsageError(`--method-option '${pair}' is not key=value (e.g. --method-option numSteps=64)`, command);
    const path = pair.slice(0, at).trim().split('.');
    const raw = pair.slice(at + 1);
    let target = options;
    let level = specs;
    for (const key of path.slice(0, -1)) {
      const nested = target[key];
      if (nested !== undefined && (typeof nested !== 'object' || nested === null || Array.isArray(nested))) {
        throw new UsageError(`--method-option '${pair}': ${key} is already set to a value, not an object of options`, command);
      }
      target = (target[key] ??= {}) as Record<string, unknown>;
      level = level?.find((spec) => spec.name === key)?.options;
    }
    const key = path[path.length - 1]!;
    const spec = level?.find((s) => s.name === key);
    target[key] = spec ? typedValue(spec, raw, pair, command) : jsonOrString(raw);
  }
  return options;
}

/** The declared options of the method `name` in `registry` (with the registry's own `smoothGrad`); undefined for an unknown name or a method that declares none. */
export function declaredOptionsOf(registry: XaiRegistry, name: string): readonly OptionSpec[] | undefined {
  if (!registry.has(name)) return undefined;
  return declaredOptions(registry.registration(name));
}
