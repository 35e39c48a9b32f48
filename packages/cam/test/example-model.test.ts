import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { createRegistry } from '@tfxai/core';
import { gradCamModule, gradCamPlusPlusModule, scoreCamModule } from '@tfxai/cam';
import { expectNoLeak, forEachBackend } from '@tfxai/test-utils';

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}
interface Dataset {
  images: Float32Array;
  shape: [number, number, number, number];
  labels: number[];
  boxes: Box[];
}

// The bundled example (a trained 64x64x3 CNN: conv1, pool1, conv2, pool2, conv3, gap, dense softmax).
// Its helpers are plain .mjs files, imported by URL so that tsc leaves them alone.
const exampleDir = new URL('../../../../examples/synthetic-shapes/', import.meta.url);
const { loadExampleModel } = (await import(new URL('load-model.mjs', exampleDir).href)) as { loadExampleModel(): Promise<tf.LayersModel> };
const { makeDataset } = (await import(new URL('dataset.mjs', exampleDir).href)) as { makeDataset(o: { count: number; seed: number }): Dataset };

const registry = createRegistry(gradCamModule, gradCamPlusPlusModule, scoreCamModule);

/**
 * Each image holds one bright shape whose form alone decides the class: a CAM that
 * explains the model must peak on it. Fresh images (a seed the model was not trained on);
 * the peak counts as a hit inside the shape's box plus a 2-pixel margin (about 6% of
 * the image on average, so chance is about 1 in 16).
 */
describe('CAM methods on the bundled example model: the heatmap peaks on the shape that decides the class', () => {
  const margin = 2;
  const data = makeDataset({ count: 12, seed: 99 });
  const [, height, width, channels] = data.shape;

  const hitRate = async (name: string, count: number): Promise<{ hits: number; layerName: string }> => {
    const model = await loadExampleModel();
    const method = registry.decoder(name)(model) as unknown as { layerName: string; computeHeatmap(i: tf.Tensor, c: number): Promise<tf.Tensor2D> };
    let hits = 0;
    for (let i = 0; i < count; i++) {
      const image = tf.tensor4d(data.images.subarray(i * height * width * channels, (i + 1) * height * width * channels), [1, height, width, channels]);
      const map = await expectNoLeak(async () => {
        const heatmap = await method.computeHeatmap(image, data.labels[i]!);
        const values = await heatmap.data();
        heatmap.dispose();
        return values;
      });
      let peak = 0;
      for (let p = 1; p < map.length; p++) if (map[p]! > map[peak]!) peak = p;
      const [row, column] = [Math.floor(peak / width), peak % width];
      const box = data.boxes[i]!;
      if (column >= box.x - margin && column < box.x + box.width + margin && row >= box.y - margin && row < box.y + box.height + margin) hits++;
      image.dispose();
    }
    model.dispose();
    return { hits, layerName: method.layerName };
  };

  forEachBackend(() => {
    for (const [name, count, atLeast] of [
      ['gradcam', 12, 9],
      ['gradcam++', 12, 9],
      ['scorecam', 4, 3], // 32 masked images per image: kept short on cpu
    ] as const) {
      it(`${name}: the peak falls in the shape's box in at least ${atLeast} of ${count} fresh images`, async () => {
        const { hits, layerName } = await hitRate(name, count);
        expect(layerName, 'the automatic layer').to.equal('conv3');
        expect(hits).to.be.at.least(atLeast);
      });
    }
  });
});
