import * as tf from '@tensorflow/tfjs';
import { createRegistry, type XaiMethod } from '@tfxai/core';
import { gradCamModule, gradCamPlusPlusModule, scoreCamModule, type ScoreCamOptions } from '@tfxai/cam';
import { expectAllClose, expectNoLeak, forEachBackend } from '@tfxai/test-utils';
import { residualCnn, seededImages } from './topologies.js';

const registry = createRegistry(gradCamModule, gradCamPlusPlusModule, scoreCamModule);

/**
 * The layer patch lives only inside one synchronous forward pass, so methods on the
 * same model awaited concurrently (different layers, different outputs) and plain
 * predictions in between give exactly what they give one after another.
 */
describe('CAM methods awaited concurrently on one model', () => {
  forEachBackend(() => {
    it('give the same maps as sequential calls, and plain predictions stay untouched', async () => {
      const topology = residualCnn();
      const images = seededImages(2, 23);
      const methods: [XaiMethod, number][] = [
        [registry.decoder('gradcam')(topology.model, { layerName: 'a' }), 0],
        [registry.decoder('gradcam++')(topology.model, { layerName: 'residual', output: 'logits' }), 1],
        [registry.decoder<ScoreCamOptions>('scorecam')(topology.model, { layerName: 'b', batchSize: 2 }), 2],
        [registry.decoder('gradcam')(topology.model, { layerName: 'residual', relu: false }), 2],
      ];
      const run = async ([method, target]: [XaiMethod, number]) => {
        const { attributions } = await method.attribute!(images, target);
        const values = Array.from(await attributions.data());
        attributions.dispose();
        return values;
      };
      const plain = async () => {
        const scores = topology.model.predict(images) as tf.Tensor;
        const values = Array.from(await scores.data());
        scores.dispose();
        return values;
      };
      const sequential: number[][] = [];
      for (const entry of methods) sequential.push(await run(entry));
      const before = await plain();
      const concurrent = await expectNoLeak(() => Promise.all([...methods.map(run), plain()]));
      concurrent.slice(0, methods.length).forEach((values, i) => expectAllClose(values, sequential[i]!, 0));
      expectAllClose(concurrent[methods.length]!, before, 0);
      images.dispose();
      topology.dispose();
    });
  });
});
