import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { decoder } from 'tfxai';
import { forEachBackend } from '@tfxai/test-utils';
import { SIZE, inStructure, loadVolumeModel, peakVoxel, readExampleVolume, structureChance, volumeHeatmap, volumeIndex } from './volumes-example.js';

describe("the 3-D example: Integrated Gradients' volume heatmap peaks on the deciding structure", () => {
  forEachBackend(() => {
    let model: tf.LayersModel;
    before(async () => {
      model = await loadVolumeModel();
    });
    after(() => model.dispose());

    // 16 steps rather than the default 50 keep the test short on the cpu backend (a 24^3 pass there is slow).
    // Measured: 9 of 9 peaks on the structure with 16 steps on wasm and cpu; the default 50 steps pass too.
    it('the (D, H, W) heatmap (16 steps) has its peak in the structure box (1-voxel margin) in at least 8 of 9 volumes; chance is the boxes\' volume fraction, below 10%', async () => {
      const margin = 1;
      let hits = 0;
      const names = Object.keys(volumeIndex);
      for (const name of names) {
        const entry = volumeIndex[name]!;
        const volume = await readExampleVolume(name);
        const map = await volumeHeatmap(decoder('ig')(model, { numSteps: 16 }), volume, entry.class);
        volume.dispose();
        expect(map.shape).to.deep.equal([SIZE, SIZE, SIZE]);
        if (inStructure(peakVoxel(map.values), entry.box, margin)) hits++;
      }
      // A uniformly random peak lands in the (margin-grown) box with probability its share of the volume.
      const chance = structureChance(names.map((name) => volumeIndex[name]!.box), margin);
      expect(chance).to.be.below(0.1);
      expect(hits, `IG peaks on the structure: ${hits}/${names.length} (chance ${(chance * 100).toFixed(1)}% per volume)`).to.be.at.least(8);
    });
  });
});
