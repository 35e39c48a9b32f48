import { parseArgs, type ParseArgsConfig } from 'node:util';

type FlagConfig = NonNullable<ParseArgsConfig['options']>;
import { UsageError } from './errors.js';

/** util.parseArgs with its errors turned into {@link UsageError}s that name the command. */
/** Parsed flags and positionals. */
export type ParsedFlags<O extends FlagConfig> = ReturnType<typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>>;

export function parseFlags<const O extends FlagConfig>(command: string, args: readonly string[], options: O): ParsedFlags<O> {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true as const, strict: true as const });
  } catch (error) {
    const message = (error as Error).message.replace(/\. To specify a positional argument.*$/s, '');
    throw new UsageError(`${message} (see 'tfxai ${command} --help')`, command);
  }
}

/** A flag value that must be a number in a range. */
export function numberFlag(command: string, flag: string, value: string | undefined, check: (n: number) => boolean, allowed: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || !check(n)) throw new UsageError(`--${flag} ${value}: allowed ${allowed}`, command);
  return n;
}
