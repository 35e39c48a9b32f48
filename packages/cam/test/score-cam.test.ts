import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { createRegistry } from '@tfxai/core';
import { scoreCamModule, type ScoreCamOptions } from '@tfxai/cam';
import { expectAllClose, expectNoLeak, forEachBackend } from '@tfxai/test-utils';
import { scoreCamByLoop } from './reference-cams.js';
import { nestedCnn, residualCnn, seededImages, type Topology } from './topologies.js';

const registry = createRegistry(scoreCamModule);

describe('Score-CAM against a direct loop over channels', () => {
  forEachBackend(() => {
    const cases: [string, () => Topology, string][] = [
      ['functional model with branches and a residual add', residualCnn, 'a'],
      ['nested base network', nestedCnn, 'base/c2'],
    ];
    for (const [label, build, layer] of cases) {
      it(`${label}, layer '${layer}': softmax and score weightings, masks batched 3 per call`, async () => {
        const topology = build();
        const image = seededImages(1, 13);
        try {
          for (const weighting of ['softmax', 'score'] as const) {
            for (const target of [0, 2]) {
              const activations = topology.bodies[layer]!.predict(image) as tf.Tensor4D;
              const expected = await scoreCamByLoop(activations, (x) => topology.model.predict(x) as tf.Tensor2D, image, target, weighting);
              activations.dispose();
              const actual = await expectNoLeak(async () => {
                const method = registry.decoder<ScoreCamOptions>('scorecam')(topology.model, { layerName: layer, resolution: 'feature', batchSize: 3, weighting });
                const map = await method.computeHeatmap(image, target);
                const values = await map.data();
                map.dispose();
                return values;
              });
              expectAllClose(actual, expected, 2e-4);
            }
          }
        } finally {
          image.dispose();
          topology.dispose();
        }
      });
    }

    it('a dead (constant) channel gives no mask: weight 0, outside the softmax, as in the authors\' code', async () => {
      const model = tf.sequential({
        layers: [
          tf.layers.conv2d({ name: 'features', inputShape: [6, 6, 2], filters: 3, kernelSize: 3, padding: 'same', activation: 'elu', kernelInitializer: tf.initializers.glorotUniform({ seed: 31 }) }),
          tf.layers.globalAveragePooling2d({}),
          tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 32 }) }),
        ],
      });
      // Zero the third filter (and its zero bias): channel 2 is elu(0) = 0 everywhere.
      const conv = model.getLayer('features');
      const [kernel, bias] = conv.getWeights();
      const mask = tf.tensor1d([1, 1, 0]);
      const deadKernel = tf.mul(kernel!, mask);
      conv.setWeights([deadKernel, bias!]);
      const image = seededImages(1, 29);
      const body = tf.model({ inputs: model.inputs, outputs: conv.output as tf.SymbolicTensor });
      const activations = body.predict(image) as tf.Tensor4D;
      expect(await tf.max(tf.abs(tf.slice(activations, [0, 0, 0, 2], [1, -1, -1, 1]))).array()).to.equal(0);
      for (const weighting of ['softmax', 'score'] as const) {
        // Raw maps (the feature map is 6x6 like the image, so attribute's upsampling is the identity):
        // a dead channel taking part in the softmax would shrink every other weight.
        const expected = await scoreCamByLoop(activations, (x) => model.predict(x) as tf.Tensor2D, image, 1, weighting, false);
        const { attributions } = await registry.decoder<ScoreCamOptions>('scorecam')(model, { weighting }).attribute!(image, 1);
        expectAllClose(await attributions.data(), expected, 1e-6, 1e-4);
        attributions.dispose();
      }
      tf.dispose([mask, deadKernel, image, activations]);
      model.dispose();
    });

    it('batch size does not change the result, and a batch of images equals image-by-image', async () => {
      const topology = residualCnn();
      const images = seededImages(2, 17);
      const maps: number[][] = [];
      for (const batchSize of [1, 32]) {
        const { attributions } = await registry.decoder<ScoreCamOptions>('scorecam')(topology.model, { batchSize }).attribute!(images, [1, 2]);
        maps.push(Array.from(await attributions.data()));
        attributions.dispose();
      }
      expectAllClose(maps[0]!, maps[1]!, 1e-5);
      const second = tf.slice(images, 1, 1);
      const { attributions } = await registry.decoder('scorecam')(topology.model).attribute!(second, 2);
      expectAllClose(await attributions.data(), maps[1]!.slice(36), 1e-5);
      expect(Math.max(...maps[1]!)).to.be.greaterThan(0);
      tf.dispose([attributions, second, images]);
      topology.dispose();
    });
  });
});
