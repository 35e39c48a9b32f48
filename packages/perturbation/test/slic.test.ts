import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { InvalidInputError, InvalidOptionError } from '@tfxai/core';
import { enforceConnectivity, rgbToLab, slic, slicFromPixels, type Segmentation } from '@tfxai/perturbation';
import { expectNoLeak, forEachBackend } from '@tfxai/test-utils';
import { seededPixels } from './fixtures.js';
import { allConnected } from './connected-pieces.js';

const [H, W] = [24, 20];
const COLOURS = [[0.9, 0.1, 0.1], [0.1, 0.8, 0.2], [0.15, 0.2, 0.9], [0.95, 0.9, 0.1]];

/** The true region (quadrant 0..3) of each pixel of a 24x20 image split at row 12 and column 10. */
const truth = Int32Array.from({ length: H * W }, (_, p) => (Math.floor(p / W) < 12 ? 0 : 2) + (p % W < 10 ? 0 : 1));

/** A four-colour quadrant image with a little seeded noise, (H, W, 3) row-major. */
function quadrantPixels(noise = 0.03): Float32Array {
  const jitter = seededPixels(H, W, 3, 29, -noise, noise);
  return Float32Array.from({ length: H * W * 3 }, (_, i) => COLOURS[truth[Math.floor(i / 3)]!]![i % 3]! + jitter[i]!);
}

/** Fraction of pixels that share their superpixel's majority true region. */
function purity(s: Segmentation, regions: Int32Array, numRegions: number): number {
  const counts = Array.from({ length: s.count }, () => new Array<number>(numRegions).fill(0));
  s.labels.forEach((label, p) => counts[label]![regions[p]!]!++);
  return counts.reduce((acc, row) => acc + Math.max(...row), 0) / s.labels.length;
}

/** Fraction of true boundary pixels with a superpixel boundary within one pixel (Chebyshev). */
function boundaryRecall(s: Segmentation, regions: Int32Array): number {
  const boundary = (labels: ArrayLike<number>, r: number, c: number) =>
    [[r + 1, c], [r, c + 1], [r - 1, c], [r, c - 1]].some(([rr, cc]) => rr! >= 0 && rr! < s.height && cc! >= 0 && cc! < s.width && labels[rr! * s.width + cc!] !== labels[r * s.width + c]);
  let [hits, total] = [0, 0];
  for (let r = 0; r < s.height; r++) {
    for (let c = 0; c < s.width; c++) {
      if (!boundary(regions, r, c)) continue;
      total++;
      let near = false;
      for (let dr = -1; dr <= 1 && !near; dr++) for (let dc = -1; dc <= 1 && !near; dc++) {
        const [rr, cc] = [r + dr, c + dc];
        near = rr >= 0 && rr < s.height && cc >= 0 && cc < s.width && boundary(s.labels, rr, cc);
      }
      if (near) hits++;
    }
  }
  return hits / total;
}

describe('SLIC superpixels (Achanta et al. 2012)', () => {
  it('CIE Lab conversion matches published sRGB values (D65)', () => {
    const close = (got: number[], want: number[]) => got.forEach((v, i) => expect(v).to.be.closeTo(want[i]!, 0.05));
    close(rgbToLab(1, 1, 1), [100, 0, 0]);
    close(rgbToLab(0, 0, 0), [0, 0, 0]);
    close(rgbToLab(1, 0, 0), [53.24, 80.09, 67.2]);
    close(rgbToLab(0, 1, 0), [87.73, -86.18, 83.18]);
    close(rgbToLab(0, 0, 1), [32.3, 79.19, -107.86]);
  });

  it('4 segments on the 4-colour quadrant image are exactly the quadrants', () => {
    const s = slicFromPixels(quadrantPixels(), H, W, 3, { nSegments: 4 });
    expect(s.count).to.equal(4);
    expect(purity(s, truth, 4)).to.equal(1);
    expect(boundaryRecall(s, truth)).to.equal(1);
    expect(allConnected(s)).to.equal(true);
  });

  it('16 segments: roughly 16 connected regions, each inside one quadrant, every quadrant edge found', () => {
    for (const colorSpace of ['lab', 'raw'] as const) {
      const s = slicFromPixels(quadrantPixels(), H, W, 3, { nSegments: 16, colorSpace });
      expect(s.count, colorSpace).to.be.within(8, 24);
      expect(allConnected(s), colorSpace).to.equal(true);
      expect(purity(s, truth, 4), colorSpace).to.equal(1);
      expect(boundaryRecall(s, truth), colorSpace).to.equal(1);
    }
  });

  it('on pure noise, connectivity enforcement still leaves only connected regions, about nSegments of them', () => {
    const noise = seededPixels(H, W, 3, 41, 0, 1);
    const s = slicFromPixels(noise, H, W, 3, { nSegments: 20, compactness: 1 });
    expect(s.count).to.be.within(10, 40);
    expect(allConnected(s)).to.equal(true);
    expect(Math.max(...s.labels)).to.equal(s.count - 1);
  });

  it('enforceConnectivity splits disconnected pieces and merges tiny ones into a neighbour', () => {
    // Label 0 in two pieces (left column and right column); label 1 between; one lone pixel of label 2.
    const labels = Int32Array.from([0, 1, 1, 0, 0, 1, 2, 0, 0, 1, 1, 0]);
    const out = enforceConnectivity(labels, 3, 4, 2);
    expect(Array.from(out)).to.deep.equal([0, 1, 1, 2, 0, 1, 1, 2, 0, 1, 1, 2]);
  });

  it('a one-channel image uses raw intensities: two halves, two segments', () => {
    const pixels = Float32Array.from({ length: 12 * 16 }, (_, p) => (p % 16 < 8 ? 10 : 200));
    const s = slicFromPixels(pixels, 12, 16, 1, { nSegments: 2 });
    expect(s.count).to.equal(2);
    expect(purity(s, Int32Array.from({ length: 12 * 16 }, (_, p) => (p % 16 < 8 ? 0 : 1)), 2)).to.equal(1);
  });

  it('bad options are typed errors naming the option', () => {
    const pixels = quadrantPixels();
    expect(() => slicFromPixels(pixels, H, W, 3, { nSegments: 0 })).to.throw(InvalidOptionError, /segmentation.nSegments.*integer >= 1; got 0/);
    expect(() => slicFromPixels(pixels, H, W, 3, { compactness: 0 })).to.throw(InvalidOptionError, /compactness/);
    expect(() => slicFromPixels(pixels, H, W, 3, { colorSpace: 'hsv' as never })).to.throw(InvalidOptionError, /allowed: lab, raw/);
    expect(() => slicFromPixels(pixels, H, W, 3, { algorithm: 'quickshift' as never })).to.throw(InvalidOptionError, /allowed: slic/);
    expect(() => slicFromPixels(pixels.subarray(1), H, W, 3)).to.throw(InvalidInputError, /expected 1440 pixel values/);
  });

  forEachBackend(() => {
    it('slic() on tensors: (H, W, C) and (1, H, W, C) agree, smoothing runs, no tensor leaks, bad shapes rejected', async () => {
      const image = tf.tensor3d(quadrantPixels(), [H, W, 3]);
      const batch = image.expandDims(0);
      const a = await expectNoLeak(() => slic(image, { nSegments: 16 }));
      const b = await expectNoLeak(() => slic(batch, { nSegments: 16 }));
      expect(Array.from(b.labels)).to.deep.equal(Array.from(a.labels));
      expect(Array.from(a.labels)).to.deep.equal(Array.from(slicFromPixels(quadrantPixels(), H, W, 3, { nSegments: 16 }).labels));
      const smoothed = await expectNoLeak(() => slic(image, { nSegments: 4, sigma: 1 }));
      expect(purity(smoothed, truth, 4)).to.be.above(0.95);
      const two = tf.concat([batch, batch]);
      let error: unknown;
      await slic(two).catch((e: unknown) => (error = e));
      expect(error).to.be.instanceOf(InvalidInputError);
      tf.dispose([image, batch, two]);
    });
  });
});
