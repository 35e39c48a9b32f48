import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { createRegistry, gradCamModule, type CamOptions } from 'tfxai';
import { forEachBackend } from '@tfxai/test-utils';
import { SIZE, inStructure, loadVolumeModel, peakVoxel, readExampleVolume, structureChance, volumeHeatmap, volumeIndex } from './volumes-example.js';

const registry = createRegistry(gradCamModule);

describe("Grad-CAM's 3-D heatmap on the example volumes (examples/synthetic-volumes)", () => {
  forEachBackend(() => {
    let model: tf.LayersModel;
    before(async () => {
      model = await loadVolumeModel();
    });
    after(() => model.dispose());

    it("the peak of the (24, 24, 24) map from the automatic layer 'conv3' (6x6x6, resized trilinearly) falls on the deciding structure far above chance", async () => {
      const gradCam = registry.decoder<CamOptions>('gradcam')(model);
      let hits = 0;
      let nearHits = 0;
      const misses: string[] = [];
      for (const [name, entry] of Object.entries(volumeIndex)) {
        const volume = await readExampleVolume(name);
        const map = await volumeHeatmap(gradCam, volume, entry.class);
        volume.dispose();
        expect(map.shape).to.deep.equal([SIZE, SIZE, SIZE]);
        const peak = peakVoxel(map.values);
        const { depth, row, column, size } = entry.box;
        if (inStructure(peak, entry.box, 0)) hits++;
        else misses.push(`${name}: peak (${peak.join(', ')}), box from (${depth}, ${row}, ${column}) size ${size}`);
        if (inStructure(peak, entry.box, 1)) nearHits++;
      }
      // Chance: a peak placed uniformly at random lands in the box with the box's volume fraction.
      const boxes = Object.values(volumeIndex).map((entry) => entry.box);
      const [chance, nearChance] = [structureChance(boxes, 0), structureChance(boxes, 1)];
      expect(chance).to.be.below(0.04);
      expect(hits, `peaks in the structure's box: ${hits}/9 (chance ${(chance * 100).toFixed(1)}%); misses: ${misses.join('; ')}`).to.be.at.least(7);
      // One voxel around the box (a 6x6x6 map resized to 24^3 places a peak to within a few voxels).
      expect(nearChance).to.be.below(0.1);
      expect(nearHits, `peaks within one voxel of the box: ${nearHits}/9 (chance ${(nearChance * 100).toFixed(1)}%)`).to.be.at.least(8);
    });
  });
});
