import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { InvalidOptionError, MethodServices, NonFiniteError, createRegistry } from '@tfxai/core';
import { CAM_OPTIONS, GradCam, SCORE_CAM_OPTIONS, gradCamModule, gradCamPlusPlusModule, scoreCamModule } from '@tfxai/cam';
import { expectNoLeakOnThrow, forEachBackend } from '@tfxai/test-utils';
import { seededImages, sequentialCnn, type Topology } from './topologies.js';

const registry = createRegistry(gradCamModule, gradCamPlusPlusModule, scoreCamModule);
const METHODS = ['gradcam', 'gradcam++', 'scorecam'];
const defaultServices = registry.container.get<MethodServices>(MethodServices);

describe('CAM methods: options declared as data, checked by core', () => {
  let topology: Topology;
  before(() => (topology = sequentialCnn()));
  after(() => topology.dispose());

  it('the registrations declare every option the methods read (the docs tables come from them)', () => {
    const declared = (name: string) => registry.names().find((info) => info.name === name)!.options!.map((spec) => spec.name);
    expect(declared('gradcam')).to.include.members(['layerName', 'output', 'resolution', 'relu', 'smoothGrad']);
    expect(declared('gradcam++')).to.include.members(CAM_OPTIONS.map((spec) => spec.name));
    expect(declared('scorecam')).to.include.members(SCORE_CAM_OPTIONS.map((spec) => spec.name)).and.include.members(['batchSize', 'weighting']);
  });

  it("a misspelt option ('layerNam', 'Relu', 'resolutoin') is an InvalidOptionError naming the closest declared one", () => {
    for (const name of METHODS) {
      const make = (options: object) => () => registry.decoder(name)(topology.model, options as never);
      for (const [wrong, right] of [['layerNam', 'layerName'], ['Relu', 'relu'], ['resolutoin', 'resolution']]) {
        expect(make({ [wrong!]: wrong === 'layerNam' ? 'conv1' : 'input' }), `${name} ${wrong}`)
          .to.throw(InvalidOptionError, `did you mean '${right}'?`)
          .with.property('option')
          .that.matches(new RegExp(`(^|\\.)${wrong}$`));
      }
    }
    expect(() => registry.decoder('scorecam')(topology.model, { batchsize: 8 } as never)).to.throw(InvalidOptionError, "did you mean 'batchSize'?");
  });

  it('the class constructors check too, not only the registry', () => {
    // Not through the registry: GradCam's constructor resolves its declared options itself.
    expect(() => new GradCam(topology.model, { layerNam: 'conv1' } as never, defaultServices)).to.throw(InvalidOptionError, "did you mean 'layerName'?");
  });
});

describe('CAM methods: a model whose scores are not finite is a NonFiniteError, never a map', () => {
  forEachBackend(() => {
    for (const name of METHODS) {
      for (const bad of [NaN, Infinity]) {
        it(`${name}: scores of ${bad}`, async () => {
          const topology = sequentialCnn();
          // The classifier's bias set to NaN (or Infinity): every score, gradient and masked score follows.
          const scores = topology.model.getLayer('scores');
          const [kernel, bias] = scores.getWeights();
          const poisoned = tf.fill(bias!.shape, bad);
          scores.setWeights([kernel!, poisoned]);
          poisoned.dispose();
          const image = seededImages(1);
          const method = registry.decoder(name)(topology.model);
          const error = await expectNoLeakOnThrow(() => method.computeHeatmap(image, 0));
          expect(error, String(error)).to.be.instanceOf(NonFiniteError);
          expect((error as Error).message).to.match(/not finite|non-finite/);
          const batchError = await expectNoLeakOnThrow(() => method.attribute!(image, 0));
          expect(batchError).to.be.instanceOf(NonFiniteError);
          image.dispose();
          topology.dispose();
        });
      }
    }
  });
});
