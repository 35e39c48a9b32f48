import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { InvalidInputError, InvalidOptionError, seededRandom } from '@tfxai/core';
import { noisyLinearImputation, noisyLinearImputation3d, road } from '@tfxai/evaluate';
import { expectNoLeak, expectNoLeakOnThrow, forEachBackend } from '@tfxai/test-utils';
import { linearModel, seededValues } from './linear-model.js';

const WEIGHTS: [number, number, number][] = [
  [1, 1, 1 / 12], [0, 1, 1 / 6], [-1, 1, 1 / 12], [1, -1, 1 / 12],
  [0, -1, 1 / 6], [-1, -1, 1 / 12], [1, 0, 1 / 6], [-1, 0, 1 / 6],
];

describe('noisy linear imputation (ROAD)', () => {
  it('recovers a linear ramp exactly inside the image (a linear function is its own neighbour mean)', () => {
    const [h, w] = [9, 11];
    const image = Float32Array.from({ length: h * w * 2 }, (_, i) => {
      const [p, c] = [Math.floor(i / 2), i % 2];
      return 0.1 * Math.floor(p / w) + 0.03 * (p % w) + c;
    });
    const removed = new Uint8Array(h * w);
    for (let r = 2; r < 7; r++) for (let c = 1; c < 9; c++) removed[r * w + c] = 1;
    const imputed = noisyLinearImputation(image, h, w, 2, removed, 0, seededRandom(0));
    for (let i = 0; i < image.length; i++) expect(imputed[i]).to.be.closeTo(image[i]!, 1e-5);
  });

  it('solves the equations: each removed pixel is the weighted mean of its in-image neighbours', () => {
    const [h, w] = [8, 7];
    const image = seededValues(h * w, 3);
    const random = seededRandom(4);
    const removed = Uint8Array.from({ length: h * w }, () => (random() < 0.6 ? 1 : 0));
    const out = noisyLinearImputation(image, h, w, 1, removed, 0, seededRandom(0));
    for (let p = 0; p < h * w; p++) {
      if (!removed[p]) {
        expect(out[p]).to.equal(image[p]);
        continue;
      }
      const [r, c] = [Math.floor(p / w), p % w];
      let [sum, total] = [0, 0];
      for (const [dr, dc, weight] of WEIGHTS) {
        if (r + dr < 0 || c + dc < 0 || r + dr >= h || c + dc >= w) continue;
        sum += weight * out[(r + dr) * w + c + dc]!;
        total += weight;
      }
      expect(out[p]).to.be.closeTo(sum / total, 1e-5);
    }
    // The noise has the requested spread (about 0.5 over many imputed pixels).
    const noisy = noisyLinearImputation(image, h, w, 1, removed, 0.5, seededRandom(9));
    const diffs = Array.from(noisy, (v, p) => v - out[p]!).filter((_, p) => removed[p]);
    const std = Math.sqrt(diffs.reduce((s, d) => s + d * d, 0) / diffs.length);
    expect(std).to.be.within(0.35, 0.65);
    expect(() => noisyLinearImputation(image, h, w, 1, new Uint8Array(h * w).fill(1), 0, seededRandom(0))).to.throw(InvalidInputError, /every pixel/);
  });
});

/** The 3-D neighbourhood written out independently: 6 face neighbours at 1/6, 12 edge neighbours at 1/12, no corners. */
const WEIGHTS_3D: [number, number, number, number][] = [];
for (const dz of [-1, 0, 1]) for (const dr of [-1, 0, 1]) for (const dc of [-1, 0, 1]) {
  const away = [dz, dr, dc].filter((d) => d !== 0).length;
  if (away === 1 || away === 2) WEIGHTS_3D.push([dz, dr, dc, away === 1 ? 1 / 6 : 1 / 12]);
}

describe('noisy linear imputation on volumes (ROAD, 3-D)', () => {
  it('uses 18 neighbours and recovers a linear ramp exactly inside the volume', () => {
    expect(WEIGHTS_3D).to.have.length(18);
    const [d, h, w] = [6, 7, 8];
    const image = Float32Array.from({ length: d * h * w * 2 }, (_, i) => {
      const [p, c] = [Math.floor(i / 2), i % 2];
      return 0.2 * Math.floor(p / (h * w)) + 0.1 * (Math.floor(p / w) % h) + 0.03 * (p % w) - c;
    });
    const removed = new Uint8Array(d * h * w);
    for (let z = 1; z < 5; z++) for (let r = 2; r < 6; r++) for (let c = 1; c < 7; c++) removed[(z * h + r) * w + c] = 1;
    const imputed = noisyLinearImputation3d(image, d, h, w, 2, removed, 0, seededRandom(0));
    for (let i = 0; i < image.length; i++) expect(imputed[i]).to.be.closeTo(image[i]!, 1e-5);
  });

  it('solves the equations: each removed voxel is the weighted mean of its in-volume face and edge neighbours', () => {
    const [d, h, w] = [5, 6, 4];
    const size = d * h * w;
    const image = seededValues(size, 13);
    const random = seededRandom(14);
    const removed = Uint8Array.from({ length: size }, () => (random() < 0.6 ? 1 : 0));
    const out = noisyLinearImputation3d(image, d, h, w, 1, removed, 0, seededRandom(0));
    for (let p = 0; p < size; p++) {
      if (!removed[p]) {
        expect(out[p]).to.equal(image[p]);
        continue;
      }
      const [z, r, c] = [Math.floor(p / (h * w)), Math.floor(p / w) % h, p % w];
      let [sum, total] = [0, 0];
      for (const [dz, dr, dc, weight] of WEIGHTS_3D) {
        const [zz, rr, cc] = [z + dz, r + dr, c + dc];
        if (zz < 0 || rr < 0 || cc < 0 || zz >= d || rr >= h || cc >= w) continue;
        sum += weight * out[(zz * h + rr) * w + cc]!;
        total += weight;
      }
      expect(out[p]).to.be.closeTo(sum / total, 1e-5);
    }
    // A volume of depth 1 has no neighbours across slices: it is imputed exactly as the 2-D image would be
    // with its 4 direct neighbours at 1/6 and 4 diagonals at 1/12.
    const slice = image.slice(0, h * w);
    const sliceRemoved = removed.slice(0, h * w);
    sliceRemoved[0] = 1;
    const asVolume = noisyLinearImputation3d(slice, 1, h, w, 1, sliceRemoved, 0, seededRandom(0));
    const asImage = noisyLinearImputation(slice, h, w, 1, sliceRemoved, 0, seededRandom(0));
    for (let p = 0; p < h * w; p++) expect(asVolume[p]).to.be.closeTo(asImage[p]!, 1e-6);
    expect(() => noisyLinearImputation3d(image, d, h, w, 1, new Uint8Array(size).fill(1), 0, seededRandom(0))).to.throw(InvalidInputError, /every voxel/);
  });
});

forEachBackend(() => {
  describe('ROAD', () => {
    it('ranks the exact attributions of a linear model above the reversed ones; scores are the model on the imputed images', async () => {
      const [H, W, C] = [8, 8, 1];
      // The model counts a bright 3x3 patch: weights 1 there, 0 elsewhere; the image is dark with the patch bright.
      const weights = Float32Array.from({ length: H * W }, (_, p) => (Math.floor(p / W) >= 2 && Math.floor(p / W) < 5 && p % W >= 3 && p % W < 6 ? 1 : 0));
      const image = Float32Array.from(weights, (v, p) => (v ? 1 : 0.1 * seededValues(H * W, 5)[p]!));
      const w = tf.tensor3d(weights, [H, W, C]);
      const x = tf.tensor4d(image, [1, H, W, C]);
      const model = linearModel(w);
      const exact = tf.tensor3d(Float32Array.from(weights, (v, p) => v * image[p]!), [1, H, W]);
      const reversed = tf.neg(exact);
      const fractions = [0.1, 0.25, 0.5];
      const [good] = await expectNoLeak(() => road(model, x, exact, 0, { fractions, noise: 0, batchSize: 4 }));
      const [bad] = await road(model, x, reversed, 0, { fractions, noise: 0 });
      expect(good!.combined).to.be.above(bad!.combined);
      // Removing the top 10% (6 of 64 pixels, all in the patch) by imputation from dark neighbours lowers the score.
      expect(good!.morf[0]).to.be.below(9 - 1);
      // LeRF removes dark pixels first: the patch stays, the score stays 9 minus little.
      expect(good!.lerf[0]).to.be.closeTo(9, 1e-4);
      expect(good!.combined).to.be.closeTo((good!.lerf.reduce((a, b) => a + b) - good!.morf.reduce((a, b) => a + b)) / 3 / 2, 1e-9);
      // The MoRF score at 10% is the linear model applied to the imputed image.
      const order = Array.from({ length: H * W }, (_, p) => p).sort((p, q) => weights[q]! * image[q]! - weights[p]! * image[p]! || p - q);
      const removed = new Uint8Array(H * W);
      order.slice(0, Math.round(0.1 * H * W)).forEach((p) => (removed[p] = 1));
      const imputed = noisyLinearImputation(image, H, W, C, removed, 0, seededRandom(0));
      expect(good!.morf[0]).to.be.closeTo(imputed.reduce((s, v, p) => s + v * weights[p]!, 0), 1e-4);
      // Seeded noise: reproducible.
      const [first] = await road(model, x, exact, 0, { fractions, seed: 2 });
      const [second] = await road(model, x, exact, 0, { fractions, seed: 2 });
      expect(first!.morf).to.deep.equal(second!.morf);
      expect(await expectNoLeakOnThrow(() => road(model, x, exact, 0, { fractions: [1] }))).to.be.instanceOf(InvalidOptionError);
      tf.dispose([w, x, exact, reversed]);
    });

    it('on volumes: exact attributions of a linear model beat reversed ones; scores are the model on the 3-D imputed volumes', async () => {
      const [D, H, W, C] = [4, 5, 6, 1];
      const size = D * H * W;
      // The model counts a bright 2x2x3 block; the rest of the volume is dark.
      const inBlock = (p: number) => {
        const [z, r, c] = [Math.floor(p / (H * W)), Math.floor(p / W) % H, p % W];
        return z >= 1 && z < 3 && r >= 1 && r < 3 && c >= 2 && c < 5;
      };
      const weights = Float32Array.from({ length: size }, (_, p) => (inBlock(p) ? 1 : 0));
      const dark = seededValues(size, 15);
      const image = Float32Array.from(weights, (v, p) => (v ? 1 : 0.1 * dark[p]!));
      const w = tf.tensor4d(weights, [D, H, W, C]);
      const x = tf.tensor5d(image, [1, D, H, W, C]);
      const model = linearModel(w);
      const exact = tf.tensor4d(Float32Array.from(weights, (v, p) => v * image[p]!), [1, D, H, W]);
      const reversed = tf.neg(exact);
      const fractions = [0.05, 0.25, 0.5];
      const [good] = await expectNoLeak(() => road(model, x, exact, 0, { fractions, noise: 0, batchSize: 4 }));
      const [bad] = await road(model, x, reversed, 0, { fractions, noise: 0 });
      expect(good!.combined).to.be.above(bad!.combined);
      // LeRF removes dark voxels first: the block (score 12) stays.
      expect(good!.lerf[0]).to.be.closeTo(12, 1e-4);
      // MoRF at 5% (6 of 120 voxels, all in the block) is the linear model on the 3-D imputed volume, and lower.
      const order = Array.from({ length: size }, (_, p) => p).sort((p, q) => weights[q]! * image[q]! - weights[p]! * image[p]! || p - q);
      const removed = new Uint8Array(size);
      order.slice(0, Math.round(0.05 * size)).forEach((p) => (removed[p] = 1));
      const imputed = noisyLinearImputation3d(image, D, H, W, C, removed, 0, seededRandom(0));
      const expected = imputed.reduce((s, v, p) => s + v * weights[p]!, 0);
      expect(good!.morf[0]).to.be.closeTo(expected, 1e-4);
      expect(good!.morf[0]).to.be.below(12 - 1);
      tf.dispose([w, x, exact, reversed]);
    });
  });
});
