import { createRegistry, type MethodFactory, type XaiRegistry } from '@tfxai/core';
import { officialModules } from './official-modules.js';

let registry: XaiRegistry | undefined;

/** The process-wide registry with every official method, made on first use. Plugins may `load` into it. */
export function defaultRegistry(): XaiRegistry {
  registry ??= createRegistry(...officialModules);
  return registry;
}

/**
 * AUCMEDI's lookup by name in the default registry: `decoder('ig')(model, { numSteps: 50 })`.
 * @throws UnknownMethodError listing the available names and the closest one
 */
export function decoder<Options = unknown>(name: string): MethodFactory<Options> {
  return defaultRegistry().decoder<Options>(name);
}
