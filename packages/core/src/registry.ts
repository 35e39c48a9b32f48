import { Container, type ContainerModule } from 'inversify';
import { coreModule } from './core-module.js';
import { MethodRegistration } from './define-method.js';
import { DuplicateMethodError, UnknownMethodError } from './errors.js';
import { closestName, methodKey } from './method-name.js';
import { MethodServices } from './method-services.js';
import type { AttributionMethod } from './attribution-method.js';
import type { ChannelReduction } from './heatmap.js';
import type { ModelLike } from './model-adapter.js';
import { NoiseTunnel } from './noise-tunnel.js';
import { checkOptions, type OptionSpec } from './option-spec.js';
import { SMOOTH_GRAD_OPTION, resolveSmoothGradOptions, type SmoothGradOptions } from './smooth-grad-options.js';
import type { Explainer, XaiMethod } from './xai-method.js';

/** A method factory: AUCMEDI's `method(model, layerName)`, with options. */
export type MethodFactory<Options = unknown> = (model: ModelLike, options?: Options) => Explainer;

/** One entry of {@link XaiRegistry.names}. */
export interface MethodInfo {
  /** Canonical name. */
  name: string;
  /** Other names that still resolve to it. */
  aliases: string[];
  /** One-line description. */
  description: string;
  /**
   * The options the method takes, as checked by {@link XaiRegistry.decoder}
   * (`smoothGrad` included for methods whose SmoothGrad the registry provides);
   * undefined for a method that declares none (its options are not checked).
   */
  options?: readonly OptionSpec[];
}

/**
 * The decoder registry: method names to factories, backed by an inversify
 * container so that methods receive their collaborators by injection and
 * plugins arrive as `ContainerModule`s.
 */
export class XaiRegistry {
  readonly #byKey = new Map<string, MethodRegistration>();
  readonly #indexed = new Set<MethodRegistration>();

  /** @param container the container whose `MethodRegistration` bindings this registry indexes */
  constructor(readonly container: Container) {}

  /**
   * Loads method modules (from `defineMethod`) into the container.
   * @throws DuplicateMethodError when a name is taken and the new method does not ask to override; the module is then not loaded
   */
  load(...modules: ContainerModule[]): this {
    for (const module of modules) {
      this.container.load(module);
      try {
        this.#index(this.#unindexed());
      } catch (error) {
        this.container.unload(module);
        throw error;
      }
    }
    return this;
  }

  /** True when some method answers to `name` (case, '-' and '_' forgiven). */
  has(name: string): boolean {
    return this.#byKey.has(methodKey(name));
  }

  /** Every method with the names that resolve to it, sorted by canonical name. */
  names(): MethodInfo[] {
    const infos = new Map<MethodRegistration, MethodInfo>();
    for (const registration of new Set(this.#byKey.values())) {
      const alive = (name: string) => this.#byKey.get(methodKey(name)) === registration;
      const options = declaredOptions(registration);
      infos.set(registration, {
        name: registration.name,
        aliases: registration.aliases.filter(alive),
        description: registration.description,
        ...(options ? { options } : {}),
      });
    }
    return [...infos.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The registration behind a name. @throws UnknownMethodError listing the available names and the closest one */
  registration(name: string): MethodRegistration {
    const registration = this.#byKey.get(methodKey(String(name)));
    if (registration) return registration;
    const all = this.names().flatMap((info) => [info.name, ...info.aliases]);
    throw new UnknownMethodError(String(name), all, closestName(String(name), all));
  }

  /**
   * AUCMEDI's lookup by name: the factory `(model, options) => Explainer`.
   * Every method with `attribute()` takes a `smoothGrad` option: a method whose
   * registration does not declare `nativeSmoothGrad` is created without it and
   * wrapped in a {@link NoiseTunnel}, whose heatmap takes the method's `channelReduction`
   * and `absolute` options (where it has them).
   * Options of a method that declares them are checked first (see `MethodDefinition.options`).
   * @throws UnknownMethodError listing the available names and the closest one
   */
  decoder<Options = unknown>(name: string): MethodFactory<Options> {
    const registration = this.registration(name) as MethodRegistration<Options>;
    const specs = declaredOptions(registration as MethodRegistration);
    // A method implements XaiMethod; callers get its rank-precise view (every official method has those overloads).
    return (model: ModelLike, options?: Options) => this.#create(registration, specs, model, options) as Explainer;
  }

  #create<Options>(registration: MethodRegistration<Options>, specs: readonly OptionSpec[] | undefined, model: ModelLike, options: Options | undefined): XaiMethod {
    if (specs) checkOptions(specs, options, '', registration.name);
    const services = this.container.get<MethodServices>(MethodServices);
    if (registration.nativeSmoothGrad || !hasSmoothGradKey(options)) return registration.create(model, options, services);
    const { smoothGrad, ...methodOptions } = options;
    // Checked before the method is built, so that a bad smoothGrad fails first and cheaply.
    const smoothGradOptions = resolveSmoothGradOptions(smoothGrad as SmoothGradOptions | boolean | undefined);
    const method = registration.create(model, methodOptions as Options, services);
    if (!smoothGradOptions) return method;
    // The method's own heatmap spec where it has one (every AttributionMethod), else its options.
    const spec = (method as Partial<AttributionMethod>).heatmapSpec;
    const { channelReduction, absolute } = spec ?? (methodOptions as { channelReduction?: ChannelReduction; absolute?: boolean });
    return new NoiseTunnel(method, { ...smoothGradOptions, channelReduction, absolute }, services);
  }

  #unindexed(): MethodRegistration[] {
    if (!this.container.isBound(MethodRegistration)) return [];
    return this.container.getAll<MethodRegistration>(MethodRegistration).filter((r) => !this.#indexed.has(r));
  }

  #index(registrations: MethodRegistration[]): void {
    const staged = new Map(this.#byKey);
    for (const registration of registrations) {
      for (const name of [registration.name, ...registration.aliases]) {
        const key = methodKey(name);
        const existing = staged.get(key);
        if (existing && existing !== registration && !registration.override) throw new DuplicateMethodError(name, existing.name);
        staged.set(key, registration);
      }
    }
    this.#byKey.clear();
    for (const [key, registration] of staged) this.#byKey.set(key, registration);
    for (const registration of registrations) this.#indexed.add(registration);
  }
}

/**
 * The options a registered method takes, as the registry checks them: its
 * declarations, plus `smoothGrad` when the registry provides SmoothGrad
 * (methods without native SmoothGrad); undefined when it declares none.
 */
export function declaredOptions(registration: MethodRegistration): readonly OptionSpec[] | undefined {
  const own = registration.options;
  if (!own) return undefined;
  if (registration.nativeSmoothGrad || own.some((spec) => spec.name === SMOOTH_GRAD_OPTION.name)) return own;
  return Object.freeze([...own, SMOOTH_GRAD_OPTION]);
}

/** True for an options object that has a `smoothGrad` key (even set to undefined or false: the method must not see it). */
function hasSmoothGradKey(options: unknown): options is { smoothGrad?: unknown } {
  return typeof options === 'object' && options !== null && !Array.isArray(options) && 'smoothGrad' in options;
}

/**
 * A registry with the core services and the given method modules loaded.
 * @param modules method modules, e.g. `officialModules` from 'tfxai' or a plugin's export
 */
export function createRegistry(...modules: ContainerModule[]): XaiRegistry {
  const container = new Container();
  container.load(coreModule);
  return new XaiRegistry(container).load(...modules);
}
