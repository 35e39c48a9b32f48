import { readFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { decoder } from 'tfxai';
import { expectNoLeak, forEachBackend } from '@tfxai/test-utils';

// The 3-D example (examples/synthetic-volumes): its helpers are plain .mjs files, imported by URL.
const exampleDir = new URL('../../examples/synthetic-volumes/', import.meta.url);
const volumeDir = new URL('volumes/', exampleDir);
const { loadVolumeModel } = (await import(new URL('load-model.mjs', exampleDir).href)) as { loadVolumeModel(): Promise<tf.LayersModel> };
interface Entry { class: number; box: { depth: number; row: number; column: number; size: number } }
const index = JSON.parse(await readFile(new URL('boxes.json', volumeDir), 'utf8')) as Record<string, Entry>;
const SIZE = 24;

/** The voxels of a (24, 24, 24, 1) float32 .npy (format 1.0, little-endian) of the example. */
async function readVolume(name: string): Promise<Float32Array> {
  const bytes = await readFile(new URL(name, volumeDir));
  const headerLength = bytes.readUInt16LE(8);
  expect(bytes.subarray(10, 10 + headerLength).toString('latin1')).to.contain("'descr': '<f4'").and.contain(`'shape': (${SIZE}, ${SIZE}, ${SIZE}, 1)`);
  const data = bytes.subarray(10 + headerLength);
  return new Float32Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
}

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
      let chance = 0;
      const names = Object.keys(index);
      for (const name of names) {
        const entry = index[name]!;
        const volume = tf.tensor5d(await readVolume(name), [1, SIZE, SIZE, SIZE, 1]);
        const map = await expectNoLeak(async () => {
          const heatmap = await decoder('ig')(model, { numSteps: 16 }).computeHeatmap(volume, entry.class);
          const result = { shape: heatmap.shape, values: await heatmap.data() };
          heatmap.dispose();
          return result;
        });
        volume.dispose();
        expect(map.shape).to.deep.equal([SIZE, SIZE, SIZE]);
        let best = 0;
        for (let i = 1; i < map.values.length; i++) if (map.values[i]! > map.values[best]!) best = i;
        const [d, r, c] = [Math.floor(best / SIZE ** 2), Math.floor(best / SIZE) % SIZE, best % SIZE];
        const { depth, row, column, size } = entry.box;
        const inside = (v: number, start: number) => v >= start - margin && v < start + size + margin;
        if (inside(d, depth) && inside(r, row) && inside(c, column)) hits++;
        // A uniformly random peak lands in the (margin-grown) box with probability its share of the volume.
        chance += (size + 2 * margin) ** 3 / SIZE ** 3 / names.length;
      }
      expect(chance).to.be.below(0.1);
      expect(hits, `IG peaks on the structure: ${hits}/${names.length} (chance ${(chance * 100).toFixed(1)}% per volume)`).to.be.at.least(8);
    });
  });
});
