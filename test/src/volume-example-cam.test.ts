import { readFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { createRegistry, gradCamModule, type CamOptions } from 'tfxai';
import { expectNoLeak, forEachBackend } from '@tfxai/test-utils';

// The 3-D example (examples/synthetic-volumes), loaded as test/src/volume-example.test.ts does.
const exampleDir = new URL('../../examples/synthetic-volumes/', import.meta.url);
const volumeDir = new URL('volumes/', exampleDir);
const { loadVolumeModel } = (await import(new URL('load-model.mjs', exampleDir).href)) as { loadVolumeModel(): Promise<tf.LayersModel> };
interface Entry { class: number; box: { depth: number; row: number; column: number; size: number } }
const index = JSON.parse(await readFile(new URL('boxes.json', volumeDir), 'utf8')) as Record<string, Entry>;
const SIZE = 24;

/** The voxels of a little-endian float32 .npy (format 1.0) of shape (24, 24, 24, 1). */
async function readVolume(name: string): Promise<Float32Array> {
  const bytes = await readFile(new URL(name, volumeDir));
  const headerLength = bytes.readUInt16LE(8);
  expect(bytes.subarray(10, 10 + headerLength).toString('latin1')).to.contain("'descr': '<f4'").and.contain(`'shape': (${SIZE}, ${SIZE}, ${SIZE}, 1)`);
  const data = bytes.subarray(10 + headerLength);
  return new Float32Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
}

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
      let chance = 0;
      let nearChance = 0;
      const misses: string[] = [];
      for (const [name, entry] of Object.entries(index)) {
        const values = await readVolume(name);
        const map = await expectNoLeak(async () => {
          const volume = tf.tensor5d(values, [1, SIZE, SIZE, SIZE, 1]);
          const heatmap = await gradCam.computeHeatmap(volume, entry.class);
          const result = { shape: heatmap.shape, values: await heatmap.data() };
          tf.dispose([volume, heatmap]);
          return result;
        });
        expect(map.shape).to.deep.equal([SIZE, SIZE, SIZE]);
        let best = 0;
        for (let i = 1; i < map.values.length; i++) if (map.values[i]! > map.values[best]!) best = i;
        const [d, r, c] = [Math.floor(best / SIZE ** 2), Math.floor(best / SIZE) % SIZE, best % SIZE];
        const { depth, row, column, size } = entry.box;
        const inside = (v: number, start: number, margin: number) => v >= start - margin && v < start + size + margin;
        const within = (margin: number) => inside(d, depth, margin) && inside(r, row, margin) && inside(c, column, margin);
        if (within(0)) hits++;
        else misses.push(`${name}: peak (${d}, ${r}, ${c}), box from (${depth}, ${row}, ${column}) size ${size}`);
        if (within(1)) nearHits++;
        // Chance: a peak placed uniformly at random lands in the box with the box's volume fraction.
        chance += size ** 3 / SIZE ** 3 / Object.keys(index).length;
        nearChance += (size + 2) ** 3 / SIZE ** 3 / Object.keys(index).length;
      }
      expect(chance).to.be.below(0.04);
      expect(hits, `peaks in the structure's box: ${hits}/9 (chance ${(chance * 100).toFixed(1)}%); misses: ${misses.join('; ')}`).to.be.at.least(7);
      // One voxel around the box (a 6x6x6 map resized to 24^3 places a peak to within a few voxels).
      expect(nearChance).to.be.below(0.1);
      expect(nearHits, `peaks within one voxel of the box: ${nearHits}/9 (chance ${(nearChance * 100).toFixed(1)}%)`).to.be.at.least(8);
    });
  });
});
