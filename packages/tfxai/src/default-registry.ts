import { createRegistry, type MethodFactory, type XaiRegistry } from '@tfxai/core';
import type { OfficialMethodName, OfficialMethodOptions } from './method-options.js';
import { officialModules } from './official-modules.js';

let registry: XaiRegistry | undefined;

/** The process-wide registry with every official method, made on first use. Plugins may `load` into it. */
export function defaultRegistry(): XaiRegistry {
  registry ??= createRegistry(...officialModules);
  return registry;
}

/**
 * AUCMEDI's lookup by name in the default registry: `decoder('ig')(model, { numSteps: 50 })`.
 * An official name or alias gives a factory typed by the method's options
 * (`decoder('ig')` takes `IntegratedGradientsOptions`); other names take `decoder<Options>(name)`.
 * Options are checked at run time as well (unknown keys, types, ranges).
 * @throws UnknownMethodError listing the available names and the closest one
 */
export function decoder<Name extends OfficialMethodName>(name: Name): MethodFactory<OfficialMethodOptions[Name]>;
export function decoder<Options = unknown>(name: string): MethodFactory<Options>;
export function decoder(name: string): MethodFactory<unknown> {
  return defaultRegistry().decoder(name);
}
