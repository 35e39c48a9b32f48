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

/**
 * The map's peak as (row, column): the largest value. Where the maximum is a plateau
 * (superpixel and occlusion maps are piecewise constant), the plateau's pixel nearest
 * its centroid, not its first pixel in row order (which would sit on the plateau's top
 * edge, outside the shape whenever the superpixel reaches above it). For maps without
 * ties (the gradient methods) this is the IG example test's argmax.
 */
function peak(map: ArrayLike<number>, width: number): [number, number] {
  let max = -Infinity;
  for (let i = 0; i < map.length; i++) max = Math.max(max, map[i]!);
  const plateau: [number, number][] = [];
  for (let i = 0; i < map.length; i++) if (map[i] === max) plateau.push([Math.floor(i / width), i % width]);
  const [cr, cc] = plateau.reduce(([r, c], [pr, pc]) => [r + pr / plateau.length, c + pc / plateau.length], [0, 0]);
  return plateau.reduce((best, p) => ((p[0] - cr) ** 2 + (p[1] - cc) ** 2 < (best[0] - cr) ** 2 + (best[1] - cc) ** 2 ? p : best));
}

/**
 * Every official method with NO options, on the bundled example (a 64x64 model on 0..1
 * inputs whose class one small shape decides): the heatmap's peak falls in the shape's
 * box (plus a 2-pixel margin) far more often than chance, with the IG example test's
 * bar: a hit rate above max(0.6, 10 x chance). LIME Con is left out: it shows the
 * evidence against the class, which is not the shape.
 * Slow methods run on fewer images (IG's 50 steps, GradientSHAP's samples, Score-CAM's
 * masked images, and occlusion, LIME and KernelSHAP's hundreds to thousands of model
 * evaluations each).
 */
describe('every official method with its defaults on the bundled example: the map peaks on the deciding shape', () => {
  const margin = 2;
  const data = makeDataset({ count: 12, seed: 99 });
  const [, height, width, channels] = data.shape;
  const methods: [string, number][] = [
    ['integrated-gradients', 4], // 50 steps: the IG example test covers 20 images with 20 steps
    ['saliency', 12],
    ['guided-backprop', 12],
    ['gradient-shap', 4],
    ['gradcam', 12],
    ['gradcam++', 12],
    ['guided-gradcam', 12],
    ['scorecam', 6],
    ['occlusion', 6],
    ['lime-pro', 4],
    ['kernel-shap', 4],
  ];

  forEachBackend(() => {
    let model: tf.LayersModel;
    before(async () => (model = await loadExampleModel()));
    after(() => model.dispose());

    for (const [name, count] of methods) {
      it(`${name}: the peak falls in the shape's box far more often than chance (${count} fresh images)`, async function () {
        this.timeout(1800000);
        const chance = data.boxes.slice(0, count).reduce((acc, b) => acc + ((b.width + 2 * margin) * (b.height + 2 * margin)) / (height * width), 0) / count;
        const method = decoder(name)(model);
        let hits = 0;
        for (let i = 0; i < count; i++) {
          const image = tf.tensor4d(data.images.subarray(i * height * width * channels, (i + 1) * height * width * channels), [1, height, width, channels]);
          const map = await expectNoLeak(async () => {
            const heatmap = await method.computeHeatmap(image, data.labels[i]!);
            const values = await heatmap.data();
            heatmap.dispose();
            return values;
          });
          image.dispose();
          const values = Array.from(map);
          expect(Math.max(...values) - Math.min(...values), `${name}: image ${i} gives a constant map`).to.be.above(0.5);
          const [row, column] = peak(map, width);
          const box = data.boxes[i]!;
          if (column >= box.x - margin && column < box.x + box.width + margin && row >= box.y - margin && row < box.y + box.height + margin) hits++;
        }
        console.log(`      ${name} peak in the box: ${hits}/${count} (chance ${(chance * 100).toFixed(1)}%)`);
        expect(hits / count).to.be.above(Math.max(0.6, 10 * chance));
      });
    }
  });
});
