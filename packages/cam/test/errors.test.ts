import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { ClassIndexError, InvalidInputError, InvalidOptionError, LayerNotFoundError, UnsupportedModelError, createRegistry, type TfxaiError } from '@tfxai/core';
import { gradCamModule, gradCamPlusPlusModule, scoreCamModule, type ScoreCamOptions } from '@tfxai/cam';
import { expectNoLeak, expectNoLeakOnThrow, forEachBackend } from '@tfxai/test-utils';
import { seededImages, sequentialCnn, type Topology } from './topologies.js';

const registry = createRegistry(gradCamModule, gradCamPlusPlusModule, scoreCamModule);
const METHODS = ['gradcam', 'gradcam++', 'scorecam'];

describe('CAM methods: bad input gets typed errors, and nothing leaks', () => {
  forEachBackend(() => {
    let topology: Topology;
    before(() => (topology = sequentialCnn()));
    after(() => topology.dispose());

    it('option errors come at construction and name the option and the allowed values', () => {
      for (const name of METHODS) {
        const make = (options: ScoreCamOptions) => () => registry.decoder<ScoreCamOptions>(name)(topology.model, options);
        expect(make({ resolution: 'full' as never })).to.throw(InvalidOptionError, /resolution.*allowed: input, feature/);
        expect(make({ output: 'scores' as never })).to.throw(InvalidOptionError, /output.*allowed: probabilities, logits/);
        expect(make({ relu: 'yes' as never })).to.throw(InvalidOptionError, /relu.*true or false/);
        expect(make({ layerName: 'nope' })).to.throw(LayerNotFoundError, /no layer 'nope'.*layers with a 4-D output: conv1, conv2/);
      }
      const scoreCam = (options: ScoreCamOptions) => () => registry.decoder<ScoreCamOptions>('scorecam')(topology.model, options);
      expect(scoreCam({ batchSize: 0 })).to.throw(InvalidOptionError, /batchSize.*integer >= 1; got 0/);
      expect(scoreCam({ weighting: 'mean' as never })).to.throw(InvalidOptionError, /weighting.*allowed: softmax, score/);
    });

    it('models without layers or without a 4-D layer: UnsupportedModelError / LayerNotFoundError', () => {
      const dense = tf.sequential({ layers: [tf.layers.dense({ name: 'only', inputShape: [3], units: 2 })] });
      for (const name of METHODS) {
        expect(() => registry.decoder(name)((x: tf.Tensor4D) => x.mean([1, 2])), name).to.throw(UnsupportedModelError, /need a tf.LayersModel or a tf.GraphModel/);
        expect(() => registry.decoder(name)(dense), name).to.throw(LayerNotFoundError, /no layer with a 4-D output/);
      }
      dense.dispose();
    });

    it("output: 'logits' on a model that does not end in softmax/sigmoid: UnsupportedModelError naming the final layer", () => {
      const model = tf.sequential({
        layers: [tf.layers.conv2d({ inputShape: [6, 6, 2], filters: 2, kernelSize: 3 }), tf.layers.flatten(), tf.layers.dense({ name: 'relu_head', units: 3, activation: 'relu' })],
      });
      expect(() => registry.decoder('gradcam')(model, { output: 'logits' })).to.throw(UnsupportedModelError, /final layer 'relu_head' is a Dense with activation 'relu'/);
      model.dispose();
    });

    for (const name of METHODS) {
      const cases: [string, () => tf.Tensor, number, new (...args: never[]) => TfxaiError, RegExp][] = [
        ['rank 2', () => tf.zeros([6, 6]), 0, InvalidInputError, /rank 4 \(N, H, W, C\) or 3 \(H, W, C\)(, as the model takes images)?; got rank 2/],
        ['rank 5', () => tf.zeros([1, 1, 6, 6, 2]), 0, InvalidInputError, /got rank 5/],
        ['NaN', () => tf.tidy(() => seededImages(1).mul(tf.tensor1d([1, NaN]))), 0, InvalidInputError, /holds NaN.*only finite values/],
        ['Infinity', () => tf.fill([1, 6, 6, 2], Infinity), 0, InvalidInputError, /holds Infinity/],
        ['wrong image size', () => tf.zeros([1, 5, 6, 2]), 0, InvalidInputError, /do not fit the model, which expects \(H, W, C\) = \(6, 6, 2\)/],
        ['class index 3 of 3', () => seededImages(1), 3, ClassIndexError, /class index 3 is out of range: the model has 3 classes, so allowed are integers 0 to 2/],
        ['class index -1', () => seededImages(1), -1, ClassIndexError, /out of range/],
        ['class index 0.5', () => seededImages(1), 0.5, ClassIndexError, /out of range/],
      ];
      for (const [label, makeInput, classIndex, type, message] of cases) {
        it(`${name}, ${label}: ${type.name}, and no tensor leaks`, async () => {
          const input = makeInput();
          const method = registry.decoder(name)(topology.model);
          const error = await expectNoLeakOnThrow(() => method.computeHeatmap(input, classIndex));
          expect(error).to.be.instanceOf(type);
          expect((error as Error).message).to.match(message);
          input.dispose();
        });
      }

      it(`${name}: a batch given to computeHeatmap and a wrong number of targets; then a good call leaks nothing`, async () => {
        const images = seededImages(2);
        const method = registry.decoder(name)(topology.model);
        expect(((await expectNoLeakOnThrow(() => method.computeHeatmap(images, 0))) as Error).message).to.match(/takes one image.*Use attribute\(\) for batches/);
        expect(((await expectNoLeakOnThrow(() => method.attribute!(images, [0, 1, 2]))) as Error).message).to.match(/got 3 targets for a batch of 2/);
        const shape = await expectNoLeak(
          () => method.attribute!(images, [0, 1]),
          ({ attributions }) => attributions.dispose(),
        );
        expect(shape.attributions.shape).to.deep.equal([2, 6, 6, 1]);
        images.dispose();
      });
    }
  });
});
