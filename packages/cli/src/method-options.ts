import { UsageError } from './errors.js';

/**
 * Parses repeated `--method-option key=value` flags into an options object.
 * A value is read as JSON when it is valid JSON (numbers, true/false, null,
 * arrays, objects, quoted strings), else taken as a plain string:
 * `numSteps=64` -> 64, `rule=gauss-legendre` -> 'gauss-legendre',
 * `baseline=[0,0.5]` -> [0, 0.5].
 */
export function parseMethodOptions(pairs: readonly string[]): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new UsageError(`--method-option '${pair}' is not key=value (e.g. --method-option numSteps=64)`, 'explain');
    const key = pair.slice(0, at).trim();
    const raw = pair.slice(at + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      /* a plain string */
    }
    options[key] = value;
  }
  return options;
}
