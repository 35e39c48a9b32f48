import { TfxaiError } from '@tfxai/core';

/** The command line is wrong: an unknown flag, a missing argument, a value out of range. Exit code 2. */
export class UsageError extends TfxaiError {
  constructor(message: string, readonly command?: string) {
    super('USAGE', message);
  }
}

/** A `--plugin` module cannot be imported, or exports no method module (defined in @tfxai/node, which loads plugins in worker threads too). */
export { PluginLoadError } from '@tfxai/node';
