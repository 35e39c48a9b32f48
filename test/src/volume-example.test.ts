import { readFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { readNifti, voxelToWorld } from '@tfxai/node';
import { withTfxaiKernels } from 'tfxai';
import { expectAllClose, forEachBackend } from '@tfxai/test-utils';
import { SIZE, loadVolumeModel, readNpy, volumeDir, volumeIndex } from './volumes-example.js';

const world = JSON.parse(await readFile(new URL('boxes-world.json', volumeDir), 'utf8')) as Record<string, { worldCentre: number[] }>;
const index = volumeIndex;

describe('the 3-D example model (examples/synthetic-volumes)', () => {
  it('its .nii.gz volumes hold the .npy voxels, and each structure box centre maps to the recorded world coordinates', async () => {
    for (const name of Object.keys(index)) {
      const { values } = await readNpy(name);
      const nifti = await readNifti(new URL(name.replace('.npy', '.nii.gz'), volumeDir).pathname);
      expect(nifti.dims).to.deep.equal([SIZE, SIZE, SIZE]);
      // NDHWC with C = 1 is NIfTI's (i = column, j = row, k = depth) order, i fastest.
      expect(Array.from(nifti.data)).to.deep.equal(Array.from(values));
      const { depth, row, column, size } = index[name]!.box;
      const centre = voxelToWorld(nifti.affine, [column + (size - 1) / 2, row + (size - 1) / 2, depth + (size - 1) / 2]);
      expectAllClose(centre, world[name.replace('.npy', '.nii.gz')]!.worldCentre, 1e-3);
    }
  });

  forEachBackend(() => {
    let model: tf.LayersModel;
    before(async () => {
      model = await loadVolumeModel();
    });
    after(() => model.dispose());

    it('classifies every example volume as its class, with the recorded scores', async () => {
      for (const [name, entry] of Object.entries(index)) {
        const { shape, values } = await readNpy(name);
        expect(shape).to.deep.equal([SIZE, SIZE, SIZE, 1]);
        const scores = tf.tidy(() => (model.predict(tf.tensor5d(values, [1, SIZE, SIZE, SIZE, 1])) as tf.Tensor).dataSync());
        expect(scores.indexOf(Math.max(...scores)), name).to.equal(entry.class);
        expectAllClose(scores, entry.scores, 1e-4);
      }
    });

    it("the class score's input gradient peaks on the deciding structure far above chance (inside tfxai's kernel scope)", async () => {
      const margin = 1;
      let hits = 0;
      let chance = 0;
      for (const [name, entry] of Object.entries(index)) {
        const { values } = await readNpy(name);
        const gradient = withTfxaiKernels(() =>
          tf.tidy(() => {
            const x = tf.tensor5d(values, [1, SIZE, SIZE, SIZE, 1]);
            const oneHot = tf.oneHot([entry.class], 3).toFloat();
            return tf.grad((v: tf.Tensor) => tf.sum(tf.mul(model.predict(v) as tf.Tensor, oneHot)))(x).abs();
          }),
        );
        const magnitude = gradient.dataSync();
        gradient.dispose();
        let best = 0;
        for (let i = 1; i < magnitude.length; i++) if (magnitude[i]! > magnitude[best]!) best = i;
        const [d, r, c] = [Math.floor(best / SIZE ** 2), Math.floor(best / SIZE) % SIZE, best % SIZE];
        const { depth, row, column, size } = entry.box;
        const inside = (v: number, start: number) => v >= start - margin && v < start + size + margin;
        if (inside(d, depth) && inside(r, row) && inside(c, column)) hits++;
        chance += (size + 2 * margin) ** 3 / SIZE ** 3 / Object.keys(index).length;
      }
      expect(chance).to.be.below(0.1);
      expect(hits, `peaks on the structure: ${hits}/9 (chance ${(chance * 100).toFixed(1)}%)`).to.be.at.least(8);
    });
  });
});
