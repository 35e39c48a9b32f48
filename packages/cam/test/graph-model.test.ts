import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { LayerNotFoundError, UnsupportedModelError, adaptModel, createRegistry } from '@tfxai/core';
import { gradCamModule, gradCamPlusPlusModule, layerActivations, scoreCamModule, type CamOptions } from '@tfxai/cam';
import { expectAllClose, expectNoLeak, expectNoLeakOnThrow, forEachBackend } from '@tfxai/test-utils';
import { handBuiltGraphModel } from './graph-model.js';
import { scoreCamByLoop } from './reference-cams.js';

/*
 * The hand-built net of grad-cam-hand-built.test.ts as a tf.GraphModel, with a skip
 * connection mean(x) * [0.25, -0.5] added to the logits. On the image x[i][j] = 4i + j - 6:
 * A0 = x[0:3, 0:3], A1 = A0 + 5; logits = (1 + 0.375, 2 - 0.75) = (1.375, 1.25);
 * p = softmax(logits), p0 = 1 / (1 + e^-0.125).
 * d p_0 / d A_k[i][j] = p0 (1 - p0) (W[k][0] - W[k][1]) / 9 with W[.][0] - W[.][1] = (4, -3)
 * (the skip term does not depend on A). So:
 *   class 0 map = c (4 A0 - 3 A1) = c (A0 - 15), c > 0: negative everywhere; without ReLU,
 *     min-max gives (4i + j) / 10;
 *   class 1 map = c (15 - A0) = c (21 - 4i - j) > 0; min-max gives (10 - 4i - j) / 10.
 */
const X = Array.from({ length: 16 }, (_, n) => n - 6);
const P0 = 1 / (1 + Math.exp(-0.125));
const registry = createRegistry(gradCamModule, gradCamPlusPlusModule, scoreCamModule);

describe('CAM methods on a tf.GraphModel (node by layerName or found automatically)', () => {
  forEachBackend(() => {
    let model: tf.GraphModel;
    let image: tf.Tensor4D;
    before(async () => {
      model = await handBuiltGraphModel();
      image = tf.tensor4d(X, [1, 4, 4, 1]);
    });
    after(() => {
      model.dispose();
      image.dispose();
    });

    it("activations and exact gradients at node 'features', with the input still fed for the skip path", async () => {
      const tap = layerActivations(adaptModel(model), 'features');
      const [a, g] = await expectNoLeak(async () => {
        const { activations, gradients } = tap.activationsAndGradients(image, [0], 2);
        const values = [Array.from(await activations.data()), Array.from(await gradients.data())];
        tf.dispose([activations, gradients]);
        return values;
      });
      expectAllClose(a!, [-6, -1, -5, 0, -4, 1, -2, 3, -1, 4, 0, 5, 2, 7, 3, 8, 4, 9], 1e-6);
      const c = (P0 * (1 - P0)) / 9;
      expectAllClose(g!, new Array(9).fill([4 * c, -3 * c]).flat(), 1e-6);
    });

    it('Grad-CAM: the values derived on paper, with and without ReLU', async () => {
      const heatmap = (options: CamOptions, target: number) =>
        expectNoLeak(async () => {
          const map = await registry.decoder<CamOptions>('gradcam')(model, { layerName: 'features', resolution: 'feature', ...options }).computeHeatmap(image, target);
          const values = await map.data();
          map.dispose();
          return values;
        });
      const grid = [0, 1, 2, 4, 5, 6, 8, 9, 10];
      expectAllClose(await heatmap({ relu: false }, 0), grid.map((v) => v / 10), 1e-5);
      expectAllClose(await heatmap({}, 0), new Array(9).fill(0), 0);
      expectAllClose(await heatmap({}, 1), grid.map((v) => (10 - v) / 10), 1e-5);
    });

    it('Grad-CAM++: only channel 1 has positive gradients for class 1, so the map is ReLU(A1) = ReLU(A0 + 5), normalised', async () => {
      // g = (-4c, 3c) per position; w_0 = 0 (ReLU(g) = 0), w_1 = sum_ij alpha * 3c > 0, map = w_1 A1.
      const values = await expectNoLeak(async () => {
        const map = await registry.decoder<CamOptions>('gradcam++')(model, { layerName: 'features', resolution: 'feature' }).computeHeatmap(image, 1);
        const data = await map.data();
        map.dispose();
        return data;
      });
      expectAllClose(values, [0, 0, 1, 3, 4, 5, 7, 8, 9].map((v) => v / 9), 1e-5);
    });

    it('Score-CAM equals the direct loop over channels on the graph model', async () => {
      const activations = model.execute(image, 'features') as tf.Tensor4D;
      for (const target of [0, 1]) {
        const expected = await scoreCamByLoop(activations, (x) => model.execute(x) as tf.Tensor2D, image, target, 'softmax');
        const values = await expectNoLeak(async () => {
          const map = await registry.decoder<CamOptions>('scorecam')(model, { layerName: 'features', resolution: 'feature' }).computeHeatmap(image, target);
          const data = await map.data();
          map.dispose();
          return data;
        });
        expectAllClose(values, expected, 1e-5);
      }
      activations.dispose();
    });

    it("without layerName the 4-D node nearest the output ('features') is found on the first call, with the same map", async () => {
      const automatic = registry.decoder<CamOptions>('gradcam')(model, { resolution: 'feature' }) as unknown as { layerName: string; computeHeatmap: (i: tf.Tensor, c: number) => Promise<tf.Tensor2D> };
      expect(automatic.layerName).to.equal('(automatic)');
      const values = await expectNoLeak(async () => {
        const map = await automatic.computeHeatmap(image, 1);
        const data = await map.data();
        map.dispose();
        return data;
      });
      expect(automatic.layerName).to.equal('features');
      expectAllClose(values, [0, 1, 2, 4, 5, 6, 8, 9, 10].map((v) => (10 - v) / 10), 1e-5);
    });

    it('a graph without any 4-D node: LayerNotFoundError asking for layerName, no leak', async () => {
      const flat = await handBuiltGraphModel('no-feature-map');
      const error = await expectNoLeakOnThrow(() => registry.decoder('gradcam')(flat).computeHeatmap(image, 0));
      expect(error).to.be.instanceOf(LayerNotFoundError);
      expect((error as Error).message).to.contain('no node with a 4-D output').and.contain('pass layerName');
      flat.dispose();
    });

    it('an unknown node, or logits: typed errors naming the candidates', () => {
      expect(() => registry.decoder('gradcam')(model, { layerName: 'conv_pw_13_relu' })).to.throw(LayerNotFoundError, /no node 'conv_pw_13_relu'; candidate nodes: features/);
      expect(() => registry.decoder('gradcam')(model, { layerName: 'features', output: 'logits' })).to.throw(UnsupportedModelError, /needs a tf.LayersModel/);
    });
  });
});
