import type { ContainerModule } from 'inversify';
import { defineMethod, type MethodDefinition } from './define-method.js';
import type { MethodServices } from './method-services.js';
import type { ModelLike } from './model-adapter.js';
import type { XaiMethod } from './xai-method.js';

/**
 * One row of a method package's table: the method's class and what
 * `defineMethod` takes besides the factory (name, aliases, description, options, ...).
 */
export type MethodRow<Options = unknown> = Omit<MethodDefinition<Options>, 'create'> & {
  /** The class; the registry builds it as `new method(model, options, services)`. */
  readonly method: new (model: ModelLike, options: Options | undefined, services: MethodServices) => XaiMethod;
};

/**
 * Registers a method from its table row, so a package states each method's
 * name, aliases, description and options once, in one table, and each method's
 * module is one line: `export const gradCamModule = methodModule(CAM_METHODS.gradCam);`.
 * Same checks and result as `defineMethod({ ...row, create: (m, o, s) => new row.method(m, o, s) })`.
 */
export function methodModule<Options = unknown>(row: MethodRow<Options>): ContainerModule {
  const { method, ...definition } = row;
  return defineMethod<Options>({ ...definition, create: (model, options, services) => new method(model, options, services) });
}
