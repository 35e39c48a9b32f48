import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { decoder } from 'tfxai';
import { expectNoLeak, forEachBackend } from '@tfxai/test-utils';

interface Box { x: number; y: number; width: number; height: number }
interface Dataset { images: Float32Array; shape: [number, number, number, number]; labels: number[]; boxes: Box[] }

// The example's helpers are plain .mjs files; imported by URL so that tsc leaves them alone.
const exampleDir = new URL('../../examples/synthetic-shapes/', import.meta.url);
const { loadExampleModel } = (await import(new URL('load-model.mjs', exampleDir).href)) as { loadExampleModel(): Promise<tf.LayersModel> };
const { makeDataset } = (await import(new URL('dataset.mjs', exampleDir).href)) as { makeDataset(o: { count: number; seed: number }): Dataset };

/** Index of the largest value, as (row, column). */
function peak(map: ArrayLike<number>, width: number): [number, number] {
  let best = 0;
  for (let i = 1; i < map.length; i++) if (map[i]! > map[best]!) best = i;
  return [Math.floor(best / width), best % width];
}

describe('IG on the bundled example model: the heatmap sits on the structure that decides the class', () => {
  const count = 20;
  const numSteps = 20; // the path is smooth here; 20 steps keep the cpu run short
  const margin = 2; // pixels around the drawn shape's box
  // Fresh images the model never saw (its training and test sets use other seeds).
  const data = makeDataset({ count, seed: 99 });
  const [, height, width, channels] = data.shape;
  const chance = data.boxes.reduce((acc, b) => acc + ((b.width + 2 * margin) * (b.height + 2 * margin)) / (height * width), 0) / count;

  forEachBackend(() => {
    it(`the IG peak falls in the shape's box far more often than chance (${count} fresh images)`, async function () {
      this.timeout(900000);
      const model = await loadExampleModel();
      const ig = decoder('ig')(model, { numSteps });
      let hits = 0;
      for (let i = 0; i < count; i++) {
        const image = tf.tensor4d(data.images.subarray(i * height * width * channels, (i + 1) * height * width * channels), [1, height, width, channels]);
        const map = await expectNoLeak(async () => {
          const heatmap = await ig.computeHeatmap(image, data.labels[i]!);
          const values = await heatmap.data();
          heatmap.dispose();
          return values;
        });
        const [row, column] = peak(map, width);
        const box = data.boxes[i]!;
        if (column >= box.x - margin && column < box.x + box.width + margin && row >= box.y - margin && row < box.y + box.height + margin) hits++;
        image.dispose();
      }
      model.dispose();
      console.log(`      IG peak in the box: ${hits}/${count} (chance ${(chance * 100).toFixed(1)}%)`);
      expect(hits / count).to.be.above(Math.max(0.6, 10 * chance));
    });
  });
});
