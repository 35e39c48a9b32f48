import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { InvalidInputError, InvalidOptionError, gaussianBlur3d, seededRandom } from '@tfxai/core';
import { deletionCurves, insertionCurves, muFidelity, trapezoidArea } from '@tfxai/evaluate';
import { expectAllClose, expectNoLeak, expectNoLeakOnThrow, forEachBackend } from '@tfxai/test-utils';
import { linearModel, seededValues } from './linear-model.js';

const [H, W, C] = [6, 5, 3];
const P = H * W;

/** The exact per-pixel attribution of the linear model with fill 0: sum_c w * x. */
function exactMap(x: Float32Array, w: Float32Array): Float64Array {
  return Float64Array.from({ length: P }, (_, p) => {
    let s = 0;
    for (let c = 0; c < C; c++) s += w[p * C + c]! * x[p * C + c]!;
    return s;
  });
}

/** Deletion scores of an ordering of pixels, computed by hand: f(x) minus the removed pixels' contributions (drops). */
function handDeletion(contributions: Float64Array, order: number[], steps: number, bias: number, start = contributions.reduce((a, b) => a + b, 0) + bias): number[] {
  const total = start;
  return Array.from({ length: steps + 1 }, (_, k) => {
    const removed = order.slice(0, Math.round((k * P) / steps));
    return total - removed.reduce((s, p) => s + contributions[p]!, 0);
  });
}

forEachBackend(() => {
  describe('deletion and insertion curves', () => {
    const xValues = seededValues(P * C, 11);
    const wValues = seededValues(P * C, 12, -1, 1);
    const bias = 0.25;
    let x: tf.Tensor4D;
    let w: tf.Tensor3D;
    let model: ReturnType<typeof linearModel>;
    const contributions = exactMap(xValues, wValues);
    const exactOrder = Array.from({ length: P }, (_, p) => p).sort((p, q) => contributions[q]! - contributions[p]!);
    before(() => {
      x = tf.tensor4d(xValues, [1, H, W, C]);
      w = tf.tensor3d(wValues, [H, W, C]);
      model = linearModel(w, bias);
    });
    after(() => tf.dispose([x, w]));

    it('exact attributions w*x give the hand-computed deletion curve, the lowest possible at every step', async () => {
      const map = tf.tensor3d(Float32Array.from(contributions), [1, H, W]);
      const [curve] = await expectNoLeak(() => deletionCurves(model, x, map, 0, { steps: P, batchSize: 7 }));
      map.dispose();
      expectAllClose(curve!.scores, handDeletion(contributions, exactOrder, P, bias), 1e-4);
      expect(curve!.fractions[0]).to.equal(0);
      expect(curve!.fractions[P]).to.equal(1);
      expect(curve!.area).to.be.closeTo(trapezoidArea(curve!.fractions, curve!.scores), 1e-12);
      // Removing the k largest contributions is the minimum over every k-subset, so no ordering goes lower.
      const random = seededRandom(5);
      for (let trial = 0; trial < 20; trial++) {
        const order = Array.from({ length: P }, (_, p) => p).sort(() => random() - 0.5);
        const other = handDeletion(contributions, order, P, bias);
        other.forEach((score, k) => expect(curve!.scores[k]).to.be.at.most(score + 1e-4));
      }
    });

    it('the reversed ranking gives the worst deletion curve and the best ranking the best insertion curve', async () => {
      const exact = tf.tensor3d(Float32Array.from(contributions), [1, H, W]);
      const reversed = tf.neg(exact);
      const worst = await deletionCurves(model, x, reversed, 0, { steps: P });
      const best = await deletionCurves(model, x, exact, 0, { steps: P });
      const insertBest = await insertionCurves(model, x, exact, 0, { steps: P });
      const insertWorst = await insertionCurves(model, x, reversed, 0, { steps: P });
      tf.dispose([exact, reversed]);
      const reversedOrder = [...exactOrder].reverse();
      expectAllClose(worst[0]!.scores, handDeletion(contributions, reversedOrder, P, bias), 1e-4);
      expect(best[0]!.area).to.be.below(worst[0]!.area);
      // Insertion adds the top features to a zero image: the score rises by their contributions.
      const handInsertion = Array.from({ length: P + 1 }, (_, k) => bias + exactOrder.slice(0, k).reduce((s, p) => s + contributions[p]!, 0));
      expectAllClose(insertBest[0]!.scores, handInsertion, 1e-4);
      insertBest[0]!.scores.forEach((score, k) => expect(score).to.be.at.least(insertWorst[0]!.scores[k]! - 1e-4));
      expect(insertBest[0]!.area).to.be.above(insertWorst[0]!.area);
    });

    it('fewer steps sample the same curve; superpixels are ranked by their summed attribution', async () => {
      const exact = tf.tensor3d(Float32Array.from(contributions), [1, H, W]);
      const [coarse] = await deletionCurves(model, x, exact, 0, { steps: 3 });
      expectAllClose(coarse!.scores, handDeletion(contributions, exactOrder, 3, bias), 1e-4);
      // Superpixels: the six rows of the image.
      const labels = Float32Array.from({ length: P }, (_, p) => Math.floor(p / W) * 10);
      const segments = tf.tensor3d(labels, [1, H, W]);
      const [curve] = await expectNoLeak(() => deletionCurves(model, x, exact, 0, { steps: H, segments }));
      tf.dispose([exact, segments]);
      const rowSums = Array.from({ length: H }, (_, r) => contributions.slice(r * W, (r + 1) * W).reduce((a, b) => a + b, 0));
      const rowOrder = Array.from({ length: H }, (_, r) => r).sort((a, b) => rowSums[b]! - rowSums[a]!);
      const hand = Array.from({ length: H + 1 }, (_, k) => bias + rowSums.reduce((a, b) => a + b, 0) - rowOrder.slice(0, k).reduce((s, r) => s + rowSums[r]!, 0));
      expectAllClose(curve!.scores, hand, 1e-4);
    });

    it("fill 'mean' replaces a pixel by the image's channel means: each step drops w * (x - mean)", async () => {
      const means = Array.from({ length: C }, (_, c) => xValues.filter((_, i) => i % C === c).reduce((a, b) => a + b, 0) / P);
      const drop = Float64Array.from({ length: P }, (_, p) => {
        let s = 0;
        for (let c = 0; c < C; c++) s += wValues[p * C + c]! * (xValues[p * C + c]! - means[c]!);
        return s;
      });
      const map = tf.tensor3d(Float32Array.from(drop), [1, H, W]);
      const [curve] = await deletionCurves(model, x, map, 0, { steps: P, fill: 'mean' });
      const order = Array.from({ length: P }, (_, p) => p).sort((p, q) => drop[q]! - drop[p]!);
      expectAllClose(curve!.scores, handDeletion(drop, order, P, bias, contributions.reduce((a, b) => a + b, 0) + bias), 1e-4);
      // Blur runs and its end point is the model on the blurred image.
      const [blurred] = await expectNoLeak(() => deletionCurves(model, x, map, 0, { steps: 2, fill: 'blur', blurSigma: 1 }));
      map.dispose();
      expect(blurred!.scores).to.have.length(3);
      expect(blurred!.scores[0]).to.be.closeTo(contributions.reduce((a, b) => a + b, 0) + bias, 1e-4);
    });

    it('bad options and inputs get typed errors without leaking', async () => {
      const map = tf.zeros([1, H, W]);
      const small = tf.zeros([1, H, W - 1]);
      expect(await expectNoLeakOnThrow(() => deletionCurves(model, x, map, 0, { steps: 0 }))).to.be.instanceOf(InvalidOptionError);
      expect(await expectNoLeakOnThrow(() => deletionCurves(model, x, map, 0, { fill: 'noise' as 'mean' }))).to.be.instanceOf(InvalidOptionError);
      expect(await expectNoLeakOnThrow(() => deletionCurves(model, x, map, 0, { step: 3 } as object))).to.be.instanceOf(InvalidOptionError);
      expect(await expectNoLeakOnThrow(() => deletionCurves(model, x, small, 0))).to.be.instanceOf(InvalidInputError);
      const error = await expectNoLeakOnThrow(() => insertionCurves(model, x, map, 5));
      expect((error as Error).message).to.match(/class index 5 is out of range/);
      tf.dispose([map, small]);
    });
  });

  describe('on volumes (N, D, H, W, C) with a model that takes them', () => {
    it('deletion follows the hand curve and MuFidelity is 1 for the exact attributions of a linear model', async () => {
      const shape = [3, 4, 5, 2];
      const size = 3 * 4 * 5;
      const xValues = seededValues(size * 2, 31);
      const wValues = seededValues(size * 2, 32, -1, 1);
      const x = tf.tensor(xValues, [1, ...shape]);
      const w = tf.tensor(wValues, shape);
      const model = linearModel(w);
      const contributions = Float64Array.from({ length: size }, (_, p) => wValues[2 * p]! * xValues[2 * p]! + wValues[2 * p + 1]! * xValues[2 * p + 1]!);
      const maps = tf.tensor(Float32Array.from(contributions), [1, 3, 4, 5]);
      const [curve] = await expectNoLeak(() => deletionCurves(model, x, maps, 0, { steps: 6, fill: 'mean' }).then(async (c) => (await deletionCurves(model, x, maps, 0, { steps: 6 })).concat(c)));
      const order = Array.from({ length: size }, (_, p) => p).sort((p, q) => contributions[q]! - contributions[p]!);
      const total = contributions.reduce((a, b) => a + b, 0);
      const hand = Array.from({ length: 7 }, (_, k) => total - order.slice(0, Math.round((k * size) / 6)).reduce((s, p) => s + contributions[p]!, 0));
      expectAllClose(curve!.scores, hand, 1e-4);
      const [mu] = await expectNoLeak(() => muFidelity(model, x, maps, 0, { samples: 40, gridSize: 2 }));
      expect(mu).to.be.closeTo(1, 1e-5);
      // The blur fill blurs the volume in 3-D: deletion's end point is the linear model on gaussianBlur3d(x).
      const [blurred] = await expectNoLeak(() => deletionCurves(model, x, maps, 0, { steps: 2, fill: 'blur', blurSigma: 1 }));
      const blurredX = gaussianBlur3d(x as tf.Tensor5D, 1);
      const blurredScore = Array.from(await blurredX.data()).reduce((s, v, i) => s + v * wValues[i]!, 0);
      expect(blurred!.scores[2]).to.be.closeTo(blurredScore, 1e-4);
      expect(blurred!.scores[0]).to.be.closeTo(total, 1e-4);
      tf.dispose([x, w, maps, blurredX]);
    });
  });

  describe('MuFidelity', () => {
    it('is 1 for the exact attributions of a linear model, -1 for their negation, lower for noise', async () => {
      const xValues = seededValues(P * C, 21);
      const wValues = seededValues(P * C, 22, -1, 1);
      const x = tf.tensor4d(xValues, [1, H, W, C]);
      const w = tf.tensor3d(wValues, [H, W, C]);
      const model = linearModel(w, -0.5);
      const exact = tf.tensor3d(Float32Array.from(exactMap(xValues, wValues)), [1, H, W]);
      const negated = tf.neg(exact);
      const noise = tf.tensor3d(seededValues(P, 23), [1, H, W]);
      const options = { samples: 64, gridSize: 3, batchSize: 10, seed: 4 };
      const [good] = await expectNoLeak(() => muFidelity(model, x, exact, 0, options));
      const [bad] = await muFidelity(model, x, negated, 0, options);
      const [random] = await muFidelity(model, x, noise, 0, options);
      // Seeded: the same seed gives the same subsets, another seed others.
      const [again] = await muFidelity(model, x, noise, 0, options);
      const [otherSeed] = await muFidelity(model, x, noise, 0, { ...options, seed: 5 });
      expect(again).to.equal(random);
      expect(otherSeed).to.not.equal(random);
      // Pixels instead of a grid (gridSize larger than the image), and superpixels.
      const [pixels] = await muFidelity(model, x, exact, 0, { ...options, gridSize: 100 });
      const segments = tf.tensor3d(Float32Array.from({ length: P }, (_, p) => p % 4), [1, H, W]);
      const [segmented] = await muFidelity(model, x, exact, 0, { ...options, segments });
      tf.dispose([x, w, exact, negated, noise, segments]);
      expect(good).to.be.closeTo(1, 1e-5);
      expect(pixels).to.be.closeTo(1, 1e-5);
      expect(segmented).to.be.closeTo(1, 1e-5);
      expect(bad).to.be.closeTo(-1, 1e-5);
      expect(random).to.be.below(0.9);
    });
  });
});
