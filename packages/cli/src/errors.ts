import { TfxaiError } from '@tfxai/core';

/** The command line is wrong: an unknown flag, a missing argument, a value out of range. Exit code 2. */
export class UsageError extends TfxaiError {
  constructor(message: string, readonly command?: string) {
    super('USAGE', message);
  }
}

/** A `--plugin` module cannot be imported, or exports no method module. */
export class PluginLoadError extends TfxaiError {
  constructor(readonly specifier: string, detail: string) {
    super('PLUGIN_LOAD_FAILED', `cannot load plugin '${specifier}': ${detail}; a plugin is a module (path or package name) exporting the ContainerModule(s) that defineMethod returns`);
  }
}
