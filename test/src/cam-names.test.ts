import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { GradCam, GradCamPlusPlus, ScoreCam, decoder, defaultRegistry } from 'tfxai';
import { expectAllClose, expectNoLeak, forEachBackend } from '@tfxai/test-utils';

/** Every CAM name of issue 3 (AUCMEDI's keys plus the canonical ones) resolves through the umbrella's decoder. */
const NAMES: [string, string[], new (...args: never[]) => unknown][] = [
  ['gradcam', ['gradcam', 'GradCAM', 'gc'], GradCam],
  ['gradcam++', ['gradcam++', 'GradCAM++', 'GradCAMpp', 'gc++'], GradCamPlusPlus],
  ['scorecam', ['scorecam'], ScoreCam],
];

describe('CAM method names through the tfxai umbrella', () => {
  forEachBackend(() => {
    let model: tf.LayersModel;
    before(() => {
      model = tf.sequential({
        layers: [
          tf.layers.conv2d({ name: 'features', inputShape: [5, 5, 1], filters: 2, kernelSize: 2, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) }),
          tf.layers.globalAveragePooling2d({}),
          tf.layers.dense({ units: 2, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 5 }) }),
        ],
      });
    });
    after(() => model.dispose());

    for (const [canonical, names, type] of NAMES) {
      it(`${names.join(', ')} -> '${canonical}', listed by the default registry, and every name computes the same map`, async () => {
        const info = defaultRegistry().names().find((m) => m.name === canonical);
        expect(info, `${canonical} registered`).to.exist;
        expect(info!.aliases).to.include.members(names.filter((n) => n !== canonical));
        const image = tf.randomUniform([1, 5, 5, 1], 0, 1, 'float32', 8);
        const maps: Float32Array[] = [];
        for (const name of names) {
          const method = decoder(name)(model);
          expect(method.name, name).to.equal(canonical);
          expect(method).to.be.instanceOf(type);
          maps.push(
            await expectNoLeak(async () => {
              const map = await method.computeHeatmap(image, 1);
              const values = (await map.data()) as Float32Array;
              map.dispose();
              return values;
            }),
          );
        }
        for (const map of maps) expectAllClose(map, maps[0]!, 0);
        image.dispose();
      });
    }
  });
});
