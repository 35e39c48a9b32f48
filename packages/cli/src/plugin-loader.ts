import type { XaiRegistry } from '@tfxai/core';
import { loadPluginModule } from '@tfxai/node';

/**
 * Imports a plugin module and loads every ContainerModule it exports (named
 * exports, the default export, or arrays of them) into `registry`. The
 * module is a path (relative to `cwd`) or a package name resolved from `cwd`,
 * then from the CLI. Loading the same module twice does nothing.
 * @returns the method names the plugin added
 * @throws PluginLoadError when the module cannot be imported or exports no ContainerModule
 * @throws DuplicateMethodError when a plugin method's name is already taken
 */
export async function loadPlugin(specifier: string, registry: XaiRegistry, cwd = process.cwd()): Promise<string[]> {
  return loadPluginModule(specifier, registry, cwd);
}
