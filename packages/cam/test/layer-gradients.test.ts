import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { InvalidInputError, adaptModel } from '@tfxai/core';
import { layerActivations, withLayerCall } from '@tfxai/cam';
import { expectAllClose, expectNoLeak, expectNoLeakOnThrow, forEachBackend } from '@tfxai/test-utils';
import { CLASSES, finiteDifferenceGradient, nestedCnn, residualCnn, seededImages, sequentialCnn, type Topology } from './topologies.js';

/**
 * The activations and gradients at an intermediate layer, for every topology, checked
 * against an independent split of the model: the body (input -> layer) for A, and
 * central finite differences through the head (a copy of layer -> output with the
 * same weights) for d y_c / d A, and, tighter, autodiff through that head. Two
 * examples with different targets in one batch.
 */
const cases: [string, () => Topology, string | undefined, string][] = [
  ['Sequential CNN, first conv (gradient flows back through conv2)', sequentialCnn, 'conv1', 'conv1'],
  ['Sequential CNN, found automatically', sequentialCnn, undefined, 'conv2'],
  ['functional model: layer feeding two branches and a residual add', residualCnn, 'a', 'a'],
  ['functional model: the residual add, found automatically', residualCnn, undefined, 'residual'],
  ["nested base network by path 'base/c1'", nestedCnn, 'base/c1', 'base/c1'],
  ['nested base network, found automatically inside the base', nestedCnn, undefined, 'base/c2'],
];

describe('exact activations and gradients at an intermediate layer', () => {
  forEachBackend(() => {
    for (const [label, build, layerName, expectedPath] of cases) {
      it(`${label}: A equals the split body, dy/dA equals finite differences through the head`, async () => {
        const topology = build();
        const images = seededImages(2);
        const targets = [0, 2];
        try {
          const tap = layerActivations(adaptModel(topology.model), layerName);
          expect(tap.layerName).to.equal(expectedPath);
          const { activations, gradients } = await expectNoLeak(
            async () => {
              const { activations, gradients } = tap.activationsAndGradients(images, targets, CLASSES);
              return { activations: await activations.array(), gradients: await gradients.array(), tensors: [activations, gradients] };
            },
            (result) => tf.dispose(result.tensors),
          );
          const bodyOutput = topology.bodies[expectedPath]!.predict(images) as tf.Tensor4D;
          expectAllClose((activations as number[][][][]).flat(3), (await bodyOutput.array()).flat(3), 1e-5);
          // activations() alone (the forward pass Score-CAM uses) gives the same A.
          const alone = tap.activations(images);
          expectAllClose(await alone.data(), await bodyOutput.data(), 1e-5);

          for (let row = 0; row < 2; row++) {
            const a = tf.slice(bodyOutput, row, 1) as tf.Tensor4D;
            const expected = await finiteDifferenceGradient(topology.heads[expectedPath]!, a, targets[row]!);
            const actual = (gradients as number[][][][])[row]!.flat(2);
            // The gradient must carry signal, or the comparison would prove nothing.
            expect(Math.max(...expected.map(Math.abs))).to.be.greaterThan(1e-3);
            expectAllClose(actual, expected, 2e-5, 1e-2);
            // And to float precision it is the autodiff gradient through the independent head.
            const viaHead = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(topology.heads[expectedPath]!.predict(x) as tf.Tensor, tf.oneHot([targets[row]!], CLASSES).toFloat())))(a);
            expectAllClose(actual, await viaHead.data(), 1e-6, 1e-4);
            tf.dispose([a, viaHead]);
          }
          tf.dispose([bodyOutput, alone]);
        } finally {
          images.dispose();
          topology.dispose();
        }
      });
    }

    it('a target list that does not fit the batch or the classes: InvalidInputError before any gradient work, no leak', async () => {
      const topology = residualCnn();
      const images = seededImages(1);
      const tap = layerActivations(adaptModel(topology.model), 'a');
      const error = await expectNoLeakOnThrow(async () => tap.activationsAndGradients(images, [1], 2));
      expect(error).to.be.instanceOf(InvalidInputError);
      expect((error as Error).message).to.contain('got 1 targets over 2 classes for a batch of 1 whose scores have shape [1,3]');
      images.dispose();
      topology.dispose();
    });

    it("returned tensors are ordinary ones: a caller's tf.tidy disposes them", () => {
      const topology = nestedCnn();
      const images = seededImages(2);
      const tap = layerActivations(adaptModel(topology.model), 'base/c1');
      tap.activations(images).dispose(); // the first call caches the shape; not what is measured
      const before = tf.memory().numTensors;
      tf.tidy(() => {
        tap.activations(images);
        tap.activationsAndGradients(images, [0, 1], CLASSES);
      });
      expect(tf.memory().numTensors).to.equal(before);
      images.dispose();
      topology.dispose();
    });

    it('withLayerCall restores the layer, also when the patched pass throws; plain predictions are unchanged afterwards', async () => {
      const topology = residualCnn();
      const images = seededImages(1);
      const layer = topology.model.getLayer('a');
      const before = (topology.model.predict(images) as tf.Tensor).arraySync() as number[][];
      tf.dispose(Object.values(layerActivations(adaptModel(topology.model), 'a').activationsAndGradients(images, [1], CLASSES)));
      expect(() =>
        tf.tidy(() =>
          withLayerCall(layer, (original, inputs, kwargs) => tf.mul(original(inputs, kwargs) as tf.Tensor, 0), () => {
            topology.model.predict(images);
            throw new Error('failure inside the patched pass');
          }),
        ),
      ).to.throw('failure inside the patched pass');
      expect(Object.prototype.hasOwnProperty.call(layer, 'call'), 'no own call property left behind').to.equal(false);
      // Nested patches restore in order: the inner one sees the outer one, and both are gone afterwards.
      const zeroed = tf.tidy(() =>
        withLayerCall(layer, (original, inputs, kwargs) => tf.mul(original(inputs, kwargs) as tf.Tensor, 0), () =>
          withLayerCall(layer, (original, inputs, kwargs) => tf.add(original(inputs, kwargs) as tf.Tensor, 0), () => layerActivations(adaptModel(topology.model), 'a').activations(images)),
        ),
      );
      expect(await zeroed.max().array()).to.equal(0);
      const after = topology.model.predict(images) as tf.Tensor;
      expectAllClose((after.arraySync() as number[][]).flat(), before.flat(), 0);
      expect(Object.prototype.hasOwnProperty.call(layer, 'call')).to.equal(false);
      tf.dispose([images, after, zeroed]);
      topology.dispose();
    });
  });
});
