import { ContainerModule } from 'inversify';
import { BackendService, TfBackendService } from './backend.js';
import { DefaultMethodServices, MethodServices } from './method-services.js';
import { ModelAdapterFactory, adaptModel } from './model-adapter.js';

/** The core's bindings: model adapter, backend service and the services bundle methods receive. */
export const coreModule = new ContainerModule(({ bind }) => {
  bind<ModelAdapterFactory>(ModelAdapterFactory).toConstantValue(adaptModel);
  bind<BackendService>(BackendService).to(TfBackendService).inSingletonScope();
  bind<MethodServices>(MethodServices).to(DefaultMethodServices).inSingletonScope();
});
