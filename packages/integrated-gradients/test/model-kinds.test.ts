import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { adaptModel, createRegistry } from '@tfxai/core';
import { integratedGradientsModule } from '@tfxai/integrated-gradients';
import { expectAllClose, expectNoLeak, forEachBackend } from '@tfxai/test-utils';
import { linearSoftmaxGraphModel } from './graph-model.js';

const registry = createRegistry(integratedGradientsModule);

describe('Integrated Gradients on every kind of model', () => {
  forEachBackend(() => {
    it('a tf.GraphModel, a tf.LayersModel and a function of the same computation agree', async () => {
      const w = Array.from({ length: 36 }, (_, i) => Math.sin(3 * i) / 2);
      const graph = await linearSoftmaxGraphModel(w, 3);
      expect(adaptModel(graph).kind).to.equal('graph');
      const weights = tf.tensor2d(w, [12, 3]);
      const fn = (x: tf.Tensor4D) => tf.softmax(tf.matMul(x.reshape([x.shape[0], 12]), weights));
      const layers = tf.sequential({
        layers: [tf.layers.flatten({ inputShape: [2, 2, 3] }), tf.layers.dense({ units: 3, useBias: false, activation: 'softmax', weights: [weights] })],
      });
      const input = tf.randomUniform([2, 2, 2, 3], -1, 1, 'float32', 5);
      const results: Float32Array[] = [];
      for (const model of [graph, layers, fn]) {
        const values = await expectNoLeak(async () => {
          const { attributions, convergenceDelta } = await registry.decoder('ig')(model, { numSteps: 100 }).attribute!(input, [0, 2]);
          for (const delta of convergenceDelta!) expect(Math.abs(delta)).to.be.below(1e-3);
          const data = (await attributions.data()) as Float32Array;
          attributions.dispose();
          return data;
        });
        results.push(values);
      }
      expectAllClose(results[0]!, results[2]!, 1e-5);
      expectAllClose(results[1]!, results[2]!, 1e-5);
      tf.dispose([weights, input]);
      layers.dispose();
      graph.dispose();
    });
  });
});
