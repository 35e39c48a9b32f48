import { InvalidOptionError } from './errors.js';
import { closestName } from './method-name.js';
import { describeOptionValue } from './option-checks.js';

/** The kinds of value an option takes. */
export type OptionType =
  /** A whole number within [min, max]. */
  | 'integer'
  /** A finite number (never NaN or +-Infinity) within [min, max]. */
  | 'number'
  | 'boolean'
  /** Any non-empty string. */
  | 'string'
  /** One of `choices`. */
  | 'choice'
  /** An object whose keys are declared by the nested `options` (checked the same way). */
  | 'object'
  /** Anything `check` accepts (a number-or-tensor baseline, `smoothGrad`'s `true | {...}`). */
  | 'custom';

/**
 * One option of a method, declared as data: the registry checks every options
 * object against these declarations, `optionsTable` renders the docs table,
 * and the CLI lists them (`tfxai methods --verbose`).
 */
export interface OptionSpec {
  /** The key in the options object, e.g. `'numSteps'`. */
  readonly name: string;
  readonly type: OptionType;
  /** One line for docs and `--verbose` listings. */
  readonly doc: string;
  /** The value used when the option is absent; omitted when there is none (the method decides, see `defaultDoc`). */
  readonly default?: unknown;
  /** How the default reads in docs when it is not a plain value ("0.09 of the image range"). Default: the `default` value. */
  readonly defaultDoc?: string;
  /** Smallest allowed value ('integer', 'number'). Default: none. */
  readonly min?: number;
  /** Exclude `min` itself (a strictly positive sigma). Default: false. */
  readonly minExclusive?: boolean;
  /**
   * Largest allowed value ('integer', 'number'). A safety bound on work or
   * memory (steps, samples): a user raises it deliberately with the common
   * option `limits: { [name]: newMax }`. Default: none.
   */
  readonly max?: number;
  /** Allowed values of a 'choice'. */
  readonly choices?: readonly string[];
  /** Declared keys of an 'object' option (nested options, e.g. `smoothGrad`). */
  readonly options?: readonly OptionSpec[];
  /**
   * An extra check, run after the type check (the only check of 'custom').
   * Throws InvalidOptionError naming `name` (the dotted path, 'smoothGrad.samples').
   */
  readonly check?: (value: unknown, name: string) => void;
  /** How the type reads in docs for 'custom' options ("'zeros', a number, a tensor, ..."). Default: derived from `type`. */
  readonly typeDoc?: string;
}

/**
 * The common option every declared method accepts: raises the `max` of a
 * bounded option deliberately, `limits: { numSteps: 100000 }`.
 */
export const LIMITS_OPTION = 'limits';

/** An option's range as words: '>= 1 and <= 10000'. */
function rangeText(spec: OptionSpec, max = spec.max): string {
  const parts: string[] = [];
  if (spec.min !== undefined) parts.push(`${spec.minExclusive ? '>' : '>='} ${spec.min}`);
  if (max !== undefined) parts.push(`<= ${max}`);
  return parts.join(' and ');
}

/** Checks one value against its declaration; `path` is the dotted name used in errors. */
function checkValue(spec: OptionSpec, value: unknown, path: string, maxOverride: number | undefined): void {
  const max = maxOverride ?? spec.max;
  switch (spec.type) {
    case 'integer':
    case 'number': {
      const isNumber = typeof value === 'number' && Number.isFinite(value) && (spec.type === 'number' || Number.isInteger(value));
      const range = rangeText(spec, max);
      const kind = spec.type === 'integer' ? 'an integer' : 'a finite number';
      if (!isNumber) throw new InvalidOptionError(path, `must be ${kind}${range ? ` ${range}` : ''}; got ${describeOptionValue(value)}`);
      const n = value as number;
      const belowMin = spec.min !== undefined && (spec.minExclusive ? n <= spec.min : n < spec.min);
      if (belowMin) throw new InvalidOptionError(path, `must be ${kind} ${spec.minExclusive ? '>' : '>='} ${spec.min}; got ${n}`);
      if (max !== undefined && n > max) {
        const raise = spec.max !== undefined ? `; this bound keeps time and memory in check: raise it deliberately with ${LIMITS_OPTION}: { ${spec.name}: ${n} }` : '';
        throw new InvalidOptionError(path, `must be ${kind} <= ${max}; got ${n}${raise}`);
      }
      break;
    }
    case 'boolean':
      if (typeof value !== 'boolean') throw new InvalidOptionError(path, `must be true or false; got ${describeOptionValue(value)}`);
      break;
    case 'string':
      if (typeof value !== 'string' || value === '') throw new InvalidOptionError(path, `must be a non-empty string; got ${describeOptionValue(value)}`);
      break;
    case 'choice':
      if (!spec.choices?.includes(value as string)) {
        const near = typeof value === 'string' ? closestName(value, spec.choices ?? []) : undefined;
        throw new InvalidOptionError(path, `got ${describeOptionValue(value)}; allowed: ${(spec.choices ?? []).join(', ')}${near ? `; did you mean '${near}'?` : ''}`);
      }
      break;
    case 'object':
      checkOptions(spec.options ?? [], value, path);
      break;
    case 'custom':
      break;
  }
  spec.check?.(value, path);
}

/** The error for a key that no declaration has, naming the closest declared one. */
function unknownOption(key: string, path: string, specs: readonly OptionSpec[], method: string | undefined): InvalidOptionError {
  const names = specs.map((s) => s.name);
  if (key === 'layerName') {
    return new InvalidOptionError(path, `${method ? `method '${method}'` : 'this method'} does not work on a layer, so a layer name would be ignored; remove it. Allowed options: ${names.join(', ') || '(none)'}`);
  }
  const near = closestName(key, names);
  return new InvalidOptionError(path, `unknown option; allowed: ${names.join(', ') || '(none)'}${near ? `; did you mean '${near}'?` : ''}`);
}

/**
 * Checks an options object against its declarations: every key must be declared
 * (an unknown one names the closest declared option), every value must fit its
 * declaration. Keys set to undefined are checked as keys and skipped as values.
 * `limits` (see {@link LIMITS_OPTION}) is accepted at the top level to raise a bound.
 * @param prefix how the object is named in errors: '' for the top level, 'smoothGrad' for a nested one
 * @param method the method's name, for messages
 * @throws InvalidOptionError naming the option, what is allowed and what was given
 */
export function checkOptions(specs: readonly OptionSpec[], options: unknown, prefix = '', method?: string): void {
  if (options === undefined) return;
  const what = prefix || 'options';
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidOptionError(what, `must be an object of options; got ${describeOptionValue(options)}`);
  }
  const given = options as Record<string, unknown>;
  const limits = prefix === '' ? checkLimits(specs, given[LIMITS_OPTION]) : {};
  for (const key of Object.keys(given)) {
    if (prefix === '' && key === LIMITS_OPTION) continue;
    const path = prefix ? `${prefix}.${key}` : key;
    const spec = specs.find((s) => s.name === key);
    if (!spec) throw unknownOption(key, `${prefix || 'options'}.${key}`, specs, method);
    if (given[key] !== undefined) checkValue(spec, given[key], path, limits[key]);
  }
}

/** Checks `limits`: raised maxima of bounded options. Returns them by option name. */
function checkLimits(specs: readonly OptionSpec[], limits: unknown): Record<string, number> {
  if (limits === undefined) return {};
  if (typeof limits !== 'object' || limits === null || Array.isArray(limits)) {
    throw new InvalidOptionError(LIMITS_OPTION, `must be an object such as { numSteps: 20000 }; got ${describeOptionValue(limits)}`);
  }
  const bounded = specs.filter((s) => s.max !== undefined).map((s) => s.name);
  for (const [key, value] of Object.entries(limits)) {
    if (!bounded.includes(key)) {
      const near = closestName(key, bounded);
      throw new InvalidOptionError(`${LIMITS_OPTION}.${key}`, `not a bounded option; bounded: ${bounded.join(', ') || '(none)'}${near ? `; did you mean '${near}'?` : ''}`);
    }
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw new InvalidOptionError(`${LIMITS_OPTION}.${key}`, `must be a positive finite number; got ${describeOptionValue(value)}`);
    }
  }
  return limits as Record<string, number>;
}

/**
 * Checks `options` against `specs` and fills in every declared default:
 * the result has each option's given value, else its `default`.
 * `limits` is checked and dropped.
 * @throws InvalidOptionError as {@link checkOptions}
 */
export function resolveDeclaredOptions<T extends object>(specs: readonly OptionSpec[], options: T | undefined, method?: string): T {
  checkOptions(specs, options, '', method);
  const resolved: Record<string, unknown> = {};
  for (const spec of specs) {
    const value = (options as Record<string, unknown> | undefined)?.[spec.name];
    if (value !== undefined) resolved[spec.name] = value;
    else if (spec.default !== undefined) resolved[spec.name] = spec.default;
  }
  return resolved as T;
}

/** How a default reads in a docs table. */
function defaultText(spec: OptionSpec): string {
  if (spec.defaultDoc !== undefined) return spec.defaultDoc;
  if (spec.default === undefined) return '—';
  return `\`${typeof spec.default === 'string' ? `'${spec.default}'` : JSON.stringify(spec.default)}\``;
}

/** How the allowed values read in a docs table. */
function allowedText(spec: OptionSpec): string {
  switch (spec.type) {
    case 'integer':
    case 'number': {
      const range = rangeText(spec);
      return `${spec.type}${range ? ` ${range}` : ''}`;
    }
    case 'choice':
      return (spec.choices ?? []).map((c) => `\`'${c}'\``).join(', ');
    case 'object':
      return spec.typeDoc ?? `{ ${(spec.options ?? []).map((o) => o.name).join(', ')} }`;
    default:
      return spec.typeDoc ?? spec.type;
  }
}

/** Escapes a table cell: '|' would end it. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

/**
 * The markdown table of a method's options, one row per declaration:
 * `| option | default | allowed | meaning |`. Each docs page's table is this
 * output (tests compare them), so docs and declarations cannot drift apart.
 */
export function optionsTable(specs: readonly OptionSpec[]): string {
  const rows = specs.map((s) => `| \`${s.name}\` | ${cell(defaultText(s))} | ${cell(allowedText(s))} | ${cell(s.doc)} |`);
  return ['| option | default | allowed | meaning |', '|---|---|---|---|', ...rows].join('\n');
}
