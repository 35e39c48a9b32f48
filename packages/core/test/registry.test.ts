import { expect } from 'chai';
import { ContainerModule } from 'inversify';
import {
  DuplicateMethodError,
  ModelAdapterFactory,
  UnknownMethodError,
  adaptModel,
  createRegistry,
  defineMethod,
  methodKey,
  methodModule,
  type MethodServices,
  type OptionSpec,
  type ModelLike,
  type XaiMethod,
} from '@tfxai/core';

/** A method that records what it was built with; enough to test lookup and injection. */
function probeMethod(name: string, aliases: string[] = [], override = false) {
  return defineMethod<{ tag?: string }>({
    name,
    aliases,
    override,
    description: `probe ${name}`,
    create: (model, options, services) =>
      ({ name, model, options, services, computeHeatmap: async () => { throw new Error('not used'); } }) as unknown as XaiMethod,
  });
}

describe('XaiRegistry', () => {
  const model: ModelLike = (x) => x.reshape([x.shape[0], -1]);

  it('resolves the canonical name and every alias, forgiving case, - and _', () => {
    const registry = createRegistry(probeMethod('integrated-gradients', ['IntegratedGradients', 'ig']));
    for (const name of ['integrated-gradients', 'IntegratedGradients', 'ig', 'IG', 'integrated_gradients', 'Integrated-Gradients']) {
      expect(registry.has(name), name).to.equal(true);
      expect(registry.decoder(name)(model).name, name).to.equal('integrated-gradients');
    }
    expect(registry.names()).to.deep.equal([{ name: 'integrated-gradients', aliases: ['IntegratedGradients', 'ig'], description: 'probe integrated-gradients' }]);
  });

  it('keeps + significant: gradcam and gradcam++ are different methods', () => {
    const registry = createRegistry(probeMethod('gradcam', ['gc']), probeMethod('gradcam++', ['gc++', 'GradCAMpp']));
    expect(registry.decoder('GC++')(model).name).to.equal('gradcam++');
    expect(registry.decoder('gc')(model).name).to.equal('gradcam');
    expect(methodKey('GradCAM++')).to.equal('gradcam++');
  });

  it('throws UnknownMethodError with the available names and the closest one', () => {
    const registry = createRegistry(probeMethod('integrated-gradients', ['ig']), probeMethod('saliency', ['sm']));
    let error: unknown;
    try {
      registry.decoder('saliancy');
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(UnknownMethodError);
    const unknown = error as UnknownMethodError;
    expect(unknown.code).to.equal('UNKNOWN_METHOD');
    expect(unknown.closest).to.equal('saliency');
    expect(unknown.available).to.have.members(['integrated-gradients', 'ig', 'saliency', 'sm']);
    expect(unknown.message).to.contain("did you mean 'saliency'").and.to.contain('integrated-gradients');
    expect(() => registry.decoder('zzzzzzzzzzzz')).to.throw(UnknownMethodError, /Available: /);
  });

  it('refuses a name registered twice, and leaves the registry as it was', () => {
    const registry = createRegistry(probeMethod('integrated-gradients', ['ig']));
    expect(() => registry.load(probeMethod('other', ['IG']))).to.throw(DuplicateMethodError, /'IG' is already registered by method 'integrated-gradients'/);
    expect(registry.has('other')).to.equal(false);
    expect(registry.decoder('ig')(model).name).to.equal('integrated-gradients');
    expect(() => createRegistry(probeMethod('a'), probeMethod('A'))).to.throw(DuplicateMethodError);
  });

  it('lets a module that asks to override replace a name', () => {
    const registry = createRegistry(probeMethod('integrated-gradients', ['ig']));
    registry.load(probeMethod('my-ig', ['ig'], true));
    expect(registry.decoder('ig')(model).name).to.equal('my-ig');
    expect(registry.decoder('integrated-gradients')(model).name).to.equal('integrated-gradients');
    expect(registry.names().find((m) => m.name === 'integrated-gradients')!.aliases).to.deep.equal([]);
  });

  it('passes the model and options through and injects the bound services', () => {
    const registry = createRegistry(probeMethod('probe'));
    const built = registry.decoder<{ tag: string }>('probe')(model, { tag: 'x' }) as unknown as Record<string, unknown>;
    expect(built['model']).to.equal(model);
    expect(built['options']).to.deep.equal({ tag: 'x' });
    const services = built['services'] as { adaptModel: unknown; backend: { ready: unknown } };
    expect(services.adaptModel).to.equal(adaptModel);
    expect(services.backend.ready).to.be.a('function');
  });

  it('lets a container rebinding change a collaborator for every method', () => {
    const registry = createRegistry(probeMethod('probe'));
    const custom: ModelAdapterFactory = (m) => adaptModel(m);
    registry.container.rebind<ModelAdapterFactory>(ModelAdapterFactory).toConstantValue(custom);
    const built = registry.decoder('probe')(model) as unknown as { services: { adaptModel: unknown } };
    expect(built.services.adaptModel).to.equal(custom);
  });

  it('ignores modules that register no method', () => {
    const registry = createRegistry(new ContainerModule(() => {}));
    expect(registry.names()).to.deep.equal([]);
  });

  it('registers a table row with methodModule: the class built with model, options and services, its names and options declared', () => {
    class Probe {
      readonly name = 'row-probe';
      constructor(readonly model: ModelLike, readonly options: { tag?: string } | undefined, readonly services: MethodServices) {}
      async computeHeatmap(): Promise<never> { throw new Error('not used'); }
    }
    const options: OptionSpec[] = [{ name: 'tag', type: 'string', doc: 'a tag' }];
    const registry = createRegistry(methodModule({ method: Probe as unknown as new (m: ModelLike, o: { tag?: string } | undefined, s: MethodServices) => XaiMethod, name: 'row-probe', aliases: ['rp'], options, description: 'a row' }));
    const built = registry.decoder<{ tag: string }>('RP')(model, { tag: 'y' }) as unknown as Probe;
    expect(built).to.be.instanceOf(Probe);
    expect(built.model).to.equal(model);
    expect(built.options).to.deep.equal({ tag: 'y' });
    expect(built.services.adaptModel).to.equal(adaptModel);
    const listed = registry.names().find((m) => m.name === 'row-probe')!;
    expect(listed.aliases).to.deep.equal(['rp']);
    expect(listed.description).to.equal('a row');
    expect(() => registry.decoder('row-probe')(model, { tga: 'y' } as never)).to.throw(/tga/);
  });

  it('rejects an empty method name', () => {
    expect(() => defineMethod({ name: '', create: () => ({}) as XaiMethod })).to.throw(/non-empty/);
  });
});
