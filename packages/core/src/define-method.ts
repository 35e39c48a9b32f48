import { ContainerModule } from 'inversify';
import { InvalidOptionError } from './errors.js';
import type { MethodServices } from './method-services.js';
import type { OptionSpec } from './option-spec.js';
import type { ModelLike } from './model-adapter.js';
import type { XaiMethod } from './xai-method.js';

/** Builds a method for one model; `options` are the method's own (may be undefined). */
export type MethodCreate<Options = unknown> = (model: ModelLike, options: Options | undefined, services: MethodServices) => XaiMethod;

/** What a plugin says about its method. */
export interface MethodDefinition<Options = unknown> {
  /** Canonical name, kebab-case by convention: `'integrated-gradients'`. */
  name: string;
  /** Other names that find it, e.g. AUCMEDI's keys `['IntegratedGradients', 'ig']`. Default: none. */
  aliases?: readonly string[];
  /** One line for listings. Default: empty. */
  description?: string;
  /** The factory. */
  create: MethodCreate<Options>;
  /** Replace methods already registered under any of these names instead of failing. Default: false. */
  override?: boolean;
  /**
   * The method implements the `smoothGrad` option itself (saliency and guided backprop
   * do, from their row gradients). Otherwise the registry strips `smoothGrad` from the
   * options and wraps the method in the core `NoiseTunnel`. Default: false.
   */
  nativeSmoothGrad?: boolean;
  /**
   * The method's options, declared as data. The registry checks every options
   * object against them before `create` runs: an unknown key is an
   * InvalidOptionError naming the closest declared option, a value of the wrong
   * type or outside its range one saying what is allowed. `smoothGrad` need not be
   * declared unless `nativeSmoothGrad` (the registry handles it); `limits` is
   * always accepted. They also drive `tfxai methods --verbose`, the CLI's `-O`
   * parsing and the docs tables (`optionsTable`).
   * Default: undeclared, and then options reach `create` unchecked (declare them).
   */
  options?: readonly OptionSpec[];
}

/** Injection token and shape of a registered method, as the registry stores it. */
export const MethodRegistration = Symbol('MethodRegistration');
export interface MethodRegistration<Options = unknown> {
  readonly name: string;
  readonly aliases: readonly string[];
  readonly description: string;
  readonly create: MethodCreate<Options>;
  readonly override: boolean;
  readonly nativeSmoothGrad: boolean;
  /** The declared options (undefined: undeclared, unchecked). */
  readonly options: readonly OptionSpec[] | undefined;
}

/**
 * Declares a method; the returned `ContainerModule` is what a method package
 * (or a third-party plugin) exports and `createRegistry`/`registry.load` take.
 */
export function defineMethod<Options = unknown>(definition: MethodDefinition<Options>): ContainerModule {
  const names = [definition.name, ...(definition.aliases ?? [])];
  for (const name of names) {
    if (typeof name !== 'string' || name.trim() === '') throw new InvalidOptionError('name', `method names must be non-empty strings; got ${JSON.stringify(name)}`);
  }
  if (typeof definition.create !== 'function') throw new InvalidOptionError('create', `method '${definition.name}' needs a create(model, options, services) function`);
  const registration: MethodRegistration<Options> = Object.freeze({
    name: definition.name,
    aliases: Object.freeze([...(definition.aliases ?? [])]),
    description: definition.description ?? '',
    create: definition.create,
    override: definition.override ?? false,
    nativeSmoothGrad: definition.nativeSmoothGrad ?? false,
    options: definition.options ? Object.freeze([...definition.options]) : undefined,
  });
  return new ContainerModule(({ bind }) => {
    bind<MethodRegistration>(MethodRegistration).toConstantValue(registration as MethodRegistration);
  });
}
