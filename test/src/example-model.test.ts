import { expect } from 'chai';
import { decoder } from 'tfxai';
import { forEachBackend } from '@tfxai/test-utils';
import { boxChance, exampleImage, heatmapValues, inBox, loadExampleModel, makeDataset, peak } from './shapes-example.js';

describe('IG on the bundled example model: the heatmap sits on the structure that decides the class', () => {
  const count = 20;
  const numSteps = 20; // the path is smooth here; 20 steps keep the cpu run short
  const margin = 2; // pixels around the drawn shape's box
  // Fresh images the model never saw (its training and test sets use other seeds).
  const data = makeDataset({ count, seed: 99 });
  const [, height, width] = data.shape;
  const chance = boxChance(data.boxes, margin, height, width);

  forEachBackend(() => {
    it(`the IG peak falls in the shape's box far more often than chance (${count} fresh images)`, async function () {
      this.timeout(900000);
      const model = await loadExampleModel();
      const ig = decoder('ig')(model, { numSteps });
      let hits = 0;
      for (let i = 0; i < count; i++) {
        const image = exampleImage(data, i);
        const map = await heatmapValues(ig, image, data.labels[i]!);
        if (inBox(peak(map, width), data.boxes[i]!, margin)) hits++;
        image.dispose();
      }
      model.dispose();
      console.log(`      IG peak in the box: ${hits}/${count} (chance ${(chance * 100).toFixed(1)}%)`);
      expect(hits / count).to.be.above(Math.max(0.6, 10 * chance));
    });
  });
});
