import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { decoder } from 'tfxai';
import { forEachBackend } from '@tfxai/test-utils';
import { boxChance, exampleImage, heatmapValues, inBox, loadExampleModel, makeDataset, peak } from './shapes-example.js';

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
  const [, height, width] = data.shape;
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
        const chance = boxChance(data.boxes.slice(0, count), margin, height, width);
        const method = decoder(name)(model);
        let hits = 0;
        for (let i = 0; i < count; i++) {
          const image = exampleImage(data, i);
          const map = await heatmapValues(method, image, data.labels[i]!);
          image.dispose();
          const values = Array.from(map);
          expect(Math.max(...values) - Math.min(...values), `${name}: image ${i} gives a constant map`).to.be.above(0.5);
          if (inBox(peak(map, width), data.boxes[i]!, margin)) hits++;
        }
        console.log(`      ${name} peak in the box: ${hits}/${count} (chance ${(chance * 100).toFixed(1)}%)`);
        expect(hits / count).to.be.above(Math.max(0.6, 10 * chance));
      });
    }
  });
});
