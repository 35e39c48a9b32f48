import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { InvalidInputError, InvalidOptionError } from '@tfxai/core';
import {
  averageRanks,
  boxMask,
  energyPointingGame,
  entropy,
  giniIndex,
  masksFromBoxes,
  pointingGame,
  relevanceMassAccuracy,
  relevanceRankAccuracy,
  sparseness,
  spearmanCorrelation,
  structuralSimilarity,
} from '@tfxai/evaluate';
import { expectNoLeak, expectNoLeakOnThrow, forEachBackend } from '@tfxai/test-utils';
import { seededValues } from './linear-model.js';

/**
 * SSIM the slow way: for every position where the window fits, the weighted
 * moments under the full (outer-product) Gaussian window, then the formula.
 */
function naiveSsim(a: ArrayLike<number>, b: ArrayLike<number>, shape: number[], windowSize = 11, sigma = 1.5): number {
  const win = shape.map((n) => {
    const len = Math.min(windowSize, n);
    const g = Array.from({ length: len }, (_, i) => Math.exp(-((i - (len - 1) / 2) ** 2) / (2 * sigma * sigma)));
    const t = g.reduce((x, y) => x + y, 0);
    return g.map((v) => v / t);
  });
  const strides = shape.map((_, k) => shape.slice(k + 1).reduce((x, y) => x * y, 1));
  const outShape = shape.map((n, k) => n - win[k]!.length + 1);
  const positions = outShape.reduce((x, y) => x * y, 1);
  const offsets: { offset: number; weight: number }[] = [];
  const collect = (axis: number, offset: number, weight: number): void => {
    if (axis === shape.length) return void offsets.push({ offset, weight });
    win[axis]!.forEach((w, i) => collect(axis + 1, offset + i * strides[axis]!, weight * w));
  };
  collect(0, 0, 1);
  let total = 0;
  for (let q = 0; q < positions; q++) {
    let rest = q;
    let base = 0;
    for (let k = shape.length - 1; k >= 0; k--) {
      base += (rest % outShape[k]!) * strides[k]!;
      rest = Math.floor(rest / outShape[k]!);
    }
    let [mx, my, xx, yy, xy] = [0, 0, 0, 0, 0];
    for (const { offset, weight } of offsets) {
      const [u, v] = [a[base + offset]!, b[base + offset]!];
      mx += weight * u;
      my += weight * v;
      xx += weight * u * u;
      yy += weight * v * v;
      xy += weight * u * v;
    }
    const [c1, c2] = [1e-4, 9e-4];
    total += ((2 * mx * my + c1) * (2 * (xy - mx * my) + c2)) / ((mx * mx + my * my + c1) * (xx - mx * mx + yy - my * my + c2));
  }
  return total / positions;
}

describe('similarity of maps', () => {
  it("Spearman's correlation matches scipy.stats.spearmanr's documented example, ties get average ranks", () => {
    // scipy docs: spearmanr([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]).statistic == 0.8207826816681233
    expect(spearmanCorrelation([1, 2, 3, 4, 5], [5, 6, 7, 8, 7])).to.be.closeTo(0.8207826816681233, 1e-12);
    expect([...averageRanks([3, 1, 3, 2])]).to.deep.equal([3.5, 1, 3.5, 2]);
    expect(spearmanCorrelation([1, 2, 3], [30, 20, 10])).to.be.closeTo(-1, 1e-12);
    expect(spearmanCorrelation([1, 1, 1], [1, 2, 3])).to.be.NaN;
  });

  it('SSIM is 1 for identical maps and equals a naive windowed computation in 2-D and 3-D', () => {
    for (const shape of [[16, 13], [7, 12, 9], [4, 5]]) {
      const size = shape.reduce((x, y) => x * y, 1);
      const a = seededValues(size, 1);
      const b = Float32Array.from(a, (v, i) => 0.6 * v + 0.4 * seededValues(size, 2)[i]!);
      expect(structuralSimilarity(a, a, shape)).to.be.closeTo(1, 1e-12);
      const ssim = structuralSimilarity(a, b, shape);
      expect(ssim).to.be.closeTo(naiveSsim(a, b, shape), 1e-10);
      expect(ssim).to.be.below(0.95);
    }
    expect(() => structuralSimilarity([1, 2], [1, 2], [3])).to.throw(InvalidInputError, /shape \[3\] needs 3/);
    expect(() => structuralSimilarity([1], [1], [1], { dataRange: 0 })).to.throw(InvalidOptionError, /dataRange/);
  });
});

forEachBackend(() => {
  describe('localisation metrics', () => {
    for (const shape of [[12, 10], [5, 8, 6]]) {
      const volume = shape.length === 3;
      const box = volume ? { x: 2, y: 3, z: 1, width: 3, height: 4, depth: 2 } : { x: 2, y: 3, width: 5, height: 4 };
      it(`a map equal to the mask scores 1 on every localisation metric (${volume ? '3-D' : '2-D'})`, async () => {
        const masks = masksFromBoxes([box], shape);
        const maps = masks.clone();
        const results = await expectNoLeak(async () => [
          await pointingGame(maps, masks),
          await relevanceMassAccuracy(maps, masks),
          await relevanceRankAccuracy(maps, masks),
          await energyPointingGame(maps, masks),
        ]);
        tf.dispose([masks, maps]);
        expect(results).to.deep.equal([[1], [1], [1], [1]]);
      });
    }

    it('hand-computed values for a map partly outside the box', async () => {
      // 1-row-per-line 4x4 map; the box is the top-left 2x2.
      const map = [
        [4, 0, 0, -2],
        [0, 1, 0, 0],
        [0, 0, 5, 0],
        [0, 0, 0, 0],
      ].flat();
      const maps = tf.tensor3d(map, [1, 4, 4]);
      const masks = masksFromBoxes([{ x: 0, y: 0, width: 2, height: 2 }], [4, 4]);
      // The peak (5) is at (2, 2): outside, but within 1 pixel of the box.
      expect(await pointingGame(maps, masks)).to.deep.equal([0]);
      expect(await pointingGame(maps, masks, { tolerance: 1 })).to.deep.equal([1]);
      // A tie of three maxima, one inside the box: a hit in one case of three; a constant map hits by the box's share.
      const tie = tf.tensor3d([[9, 0, 0, 9], [0, 0, 0, 0], [0, 0, 9, 0], [0, 0, 0, 0]].flat(), [1, 4, 4]);
      const constant = tf.fill([1, 4, 4], 2);
      expect((await pointingGame(tie, masks))[0]).to.be.closeTo(1 / 3, 1e-12);
      expect((await pointingGame(constant, masks))[0]).to.be.closeTo(4 / 16, 1e-12);
      tf.dispose([tie, constant]);
      // Positive relevance 10, of which 5 inside.
      expect((await relevanceMassAccuracy(maps, masks))[0]).to.be.closeTo(0.5, 1e-12);
      // K = 4: the top four are 5, 4, 1, then the first 0 in row-major order (index 1, inside): 3 of 4 inside.
      expect((await relevanceRankAccuracy(maps, masks))[0]).to.be.closeTo(3 / 4, 1e-12);
      // Normalised (v + 2) / 7: inside (6 + 2 + 2 + 3) / 7 = 13/7, all (sum + 32) / 7 = (8 + 32) / 7.
      expect((await energyPointingGame(maps, masks))[0]).to.be.closeTo(13 / 40, 1e-6);
      const empty = tf.zeros([1, 4, 4]);
      expect(await expectNoLeakOnThrow(() => pointingGame(maps, empty))).to.be.instanceOf(InvalidInputError);
      const narrow = tf.zeros([1, 4, 3]);
      expect(await expectNoLeakOnThrow(() => pointingGame(maps, narrow))).to.be.instanceOf(InvalidInputError);
      expect(await expectNoLeakOnThrow(() => pointingGame(maps, masks, { tolerance: -1 }))).to.be.instanceOf(InvalidOptionError);
      tf.dispose([maps, masks, empty, narrow]);
      expect(() => boxMask({ x: 9, y: 0, width: 2, height: 2 }, [4, 4])).to.throw(InvalidInputError, /outside/);
      expect([...boxMask({ x: 1, y: 0, width: 9, height: 1 }, [2, 3])]).to.deep.equal([0, 1, 1, 0, 0, 0]);
    });
  });

  describe('complexity metrics', () => {
    it('a constant map has Gini 0 and entropy ln(n), in 2-D and 3-D', async () => {
      for (const shape of [[1, 6, 7], [1, 3, 4, 5]]) {
        const maps = tf.fill(shape, 0.3);
        const n = shape.slice(1).reduce((a, b) => a * b, 1);
        const [gini, h] = await expectNoLeak(async () => [await sparseness(maps), await entropy(maps)]);
        maps.dispose();
        expect(gini[0]).to.be.closeTo(0, 1e-12);
        expect(h[0]).to.be.closeTo(Math.log(n), 1e-9);
      }
    });

    it('hand-computed Gini and entropy; one non-zero value is the sparsest map', async () => {
      // |R| sorted 1, 2, 3, 4: G = (-3*1 - 1*2 + 1*3 + 3*4) / (4 * 10) = 0.25.
      expect(giniIndex([4, -1, 3, 2])).to.be.closeTo(0.25, 1e-12);
      expect(giniIndex([0, 0, 0])).to.equal(0);
      const maps = tf.tensor3d([0, 0, 7, 0, 1, 1, 2, 0], [2, 2, 2]);
      const gini = await sparseness(maps);
      const h = await entropy(maps);
      maps.dispose();
      expect(gini[0]).to.be.closeTo(3 / 4, 1e-12);
      expect(h[0]).to.equal(0);
      // P = 1/4, 1/4, 1/2: H = 2 (1/4) ln 4 + (1/2) ln 2 = 1.5 ln 2.
      expect(h[1]).to.be.closeTo(1.5 * Math.log(2), 1e-7);
    });
  });
});
