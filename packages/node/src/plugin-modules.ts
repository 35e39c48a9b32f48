import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ContainerModule } from 'inversify';
import type { XaiRegistry } from '@tfxai/core';
import { PluginLoadError } from './errors.js';

/** A ContainerModule, recognised by shape: a plugin may bring its own copy of inversify. */
function isContainerModule(value: unknown): value is ContainerModule {
  return typeof value === 'object' && value !== null && typeof (value as ContainerModule).load === 'function' && typeof (value as ContainerModule).id === 'number';
}

/**
 * The URL to import a plugin from: a `file:` URL as it is; a path (relative
 * to `cwd`, a file or a package folder) or a package name resolved from
 * `cwd`. Resolving in the caller's thread matters: a worker thread resolves
 * bare names from its own file, not from the user's folder.
 * @throws PluginLoadError for a path that does not exist
 */
export function resolvePluginSpecifier(specifier: string, cwd = process.cwd()): string {
  if (specifier.startsWith('file:')) return specifier;
  const looksLikePath = specifier.startsWith('.') || path.isAbsolute(specifier) || existsSync(path.resolve(cwd, specifier));
  if (looksLikePath) {
    const full = path.resolve(cwd, specifier);
    if (!existsSync(full)) throw new PluginLoadError(specifier, `no file or folder at '${full}'`);
    // A folder is a package: let Node pick its entry point.
    return pathToFileURL(createRequire(path.join(cwd, 'noop.js')).resolve(full)).href;
  }
  try {
    return pathToFileURL(createRequire(path.join(cwd, 'noop.js')).resolve(specifier)).href;
  } catch {
    return specifier;
  }
}

/** Modules already loaded into each registry: loading a plugin twice (CLI, then decoder) must not register its methods twice. */
const loadedModules = new WeakMap<XaiRegistry, Set<ContainerModule>>();

/**
 * Imports a plugin module and loads every ContainerModule it exports (named
 * exports, the default export, or arrays of them) into `registry`. Loading
 * the same module into the same registry again does nothing.
 * @param specifier a `file:` URL, a path (relative to `cwd`) or a package name
 * @returns the method names the plugin added
 * @throws PluginLoadError when the module cannot be imported or exports no ContainerModule
 * @throws DuplicateMethodError when a plugin method's name is already taken
 */
export async function loadPluginModule(specifier: string, registry: XaiRegistry, cwd = process.cwd()): Promise<string[]> {
  let exports: Record<string, unknown>;
  try {
    exports = (await import(resolvePluginSpecifier(specifier, cwd))) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof PluginLoadError) throw error;
    throw new PluginLoadError(specifier, (error as Error).message.split('\n')[0]!);
  }
  const modules = new Set<ContainerModule>();
  for (const value of Object.values(exports)) {
    for (const candidate of Array.isArray(value) ? value : [value]) if (isContainerModule(candidate)) modules.add(candidate);
  }
  if (modules.size === 0) throw new PluginLoadError(specifier, `it exports no ContainerModule (exports: ${Object.keys(exports).join(', ') || 'none'})`);
  const loaded = loadedModules.get(registry) ?? new Set<ContainerModule>();
  loadedModules.set(registry, loaded);
  const before = new Set(registry.names().map((info) => info.name));
  for (const module of modules) {
    if (loaded.has(module)) continue;
    registry.load(module);
    loaded.add(module);
  }
  return registry.names().map((info) => info.name).filter((name) => !before.has(name));
}
