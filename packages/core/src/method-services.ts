import { inject, injectable } from 'inversify';
import { BackendService } from './backend.js';
import { ModelAdapterFactory } from './model-adapter.js';

/**
 * Injection token and interface of the collaborators every method factory
 * receives. Rebinding one of the underlying tokens in a container (say, a
 * custom {@link ModelAdapterFactory}) changes it for every method.
 */
export const MethodServices = Symbol('MethodServices');
export interface MethodServices {
  /** Wraps any supported model in a `ModelAdapter`. */
  readonly adaptModel: ModelAdapterFactory;
  /** Makes sure a TensorFlow.js backend is ready before tensors are made. */
  readonly backend: BackendService;
}

/** The {@link MethodServices} the container assembles from the bound tokens. */
@injectable()
export class DefaultMethodServices implements MethodServices {
  constructor(
    @inject(ModelAdapterFactory) readonly adaptModel: ModelAdapterFactory,
    @inject(BackendService) readonly backend: BackendService,
  ) {}
}
