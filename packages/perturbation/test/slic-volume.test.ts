import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { InvalidInputError, InvalidOptionError } from '@tfxai/core';
import { enforceConnectivity, slicFromVoxels, slicVolume, type Segmentation } from '@tfxai/perturbation';
import { expectNoLeak, forEachBackend } from '@tfxai/test-utils';
import { seededPixels } from './fixtures.js';

const [D, H, W] = [12, 14, 16];

/** Two constant regions split by an oblique plane (not on any seed grid): region 1 where 2 d + r + c > 24. */
const regions = Int32Array.from({ length: D * H * W }, (_, p) => {
  const [d, r, c] = [Math.floor(p / (H * W)), Math.floor(p / W) % H, p % W];
  return 2 * d + r + c > 24 ? 1 : 0;
});

/** The two-region volume (D, H, W, 1): 0.25 and 0.75, with a little seeded noise. */
function twoRegionVoxels(noise = 0.02): Float32Array {
  const jitter = seededPixels(D * H, W, 1, 31, -noise, noise);
  return Float32Array.from(regions, (region, p) => (region ? 0.75 : 0.25) + jitter[p]!);
}

/** The number of 6-connected pieces of each label, by flood fill (an independent check of connectivity). */
function piecesPerLabel(s: Segmentation): number[] {
  const [depth, height, width] = [s.depth!, s.height, s.width];
  const seen = new Uint8Array(s.labels.length);
  const pieces = new Array<number>(s.count).fill(0);
  for (let start = 0; start < s.labels.length; start++) {
    if (seen[start]) continue;
    pieces[s.labels[start]!]!++;
    const stack = [start];
    seen[start] = 1;
    while (stack.length) {
      const p = stack.pop()!;
      const [d, r, c] = [Math.floor(p / (height * width)), Math.floor(p / width) % height, p % width];
      for (const [dd, rr, cc] of [[d - 1, r, c], [d + 1, r, c], [d, r - 1, c], [d, r + 1, c], [d, r, c - 1], [d, r, c + 1]] as const) {
        if (dd < 0 || dd >= depth || rr < 0 || rr >= height || cc < 0 || cc >= width) continue;
        const q = (dd * height + rr) * width + cc;
        if (seen[q] || s.labels[q] !== s.labels[p]) continue;
        seen[q] = 1;
        stack.push(q);
      }
    }
  }
  return pieces;
}

/** Per label: the voxels outside its majority region. */
function strayVoxels(s: Segmentation): number {
  const counts = Array.from({ length: s.count }, () => [0, 0]);
  s.labels.forEach((label, p) => counts[label]![regions[p]!]!++);
  return counts.reduce((acc, [a, b]) => acc + Math.min(a!, b!), 0);
}

/** The largest extent (in voxels, along any axis) of any label's bounding box. */
function largestExtent(s: Segmentation): number {
  const lo = Array.from({ length: s.count }, () => [Infinity, Infinity, Infinity]);
  const hi = Array.from({ length: s.count }, () => [-Infinity, -Infinity, -Infinity]);
  s.labels.forEach((label, p) => {
    const at = [Math.floor(p / (s.height * s.width)), Math.floor(p / s.width) % s.height, p % s.width];
    at.forEach((v, axis) => ((lo[label]![axis] = Math.min(lo[label]![axis]!, v)), (hi[label]![axis] = Math.max(hi[label]![axis]!, v))));
  });
  return Math.max(...lo.flatMap((l, k) => l.map((v, axis) => hi[k]![axis]! - v + 1)));
}

describe('3-D SLIC supervoxels', () => {
  for (const nSegments of [8, 27, 64]) {
    it(`${nSegments} segments on two constant regions: each supervoxel in one region, 6-connected, compact, count near the request`, () => {
      const s = slicFromVoxels(twoRegionVoxels(), D, H, W, 1, { nSegments });
      expect([s.depth, s.height, s.width]).to.deep.equal([D, H, W]);
      expect(s.labels.length).to.equal(D * H * W);
      expect(strayVoxels(s), 'voxels in the other region than their supervoxel').to.equal(0);
      expect(piecesPerLabel(s).every((n) => n === 1), 'every supervoxel one 6-connected piece').to.equal(true);
      // The boundary splits some grid cells in two, so the count may exceed the request; never by much.
      expect(s.count).to.be.within(Math.round(nSegments * 0.6), Math.round(nSegments * 1.8));
      // Compact: no supervoxel spans more than about three grid intervals along any axis.
      expect(largestExtent(s)).to.be.at.most(Math.ceil(3 * Math.cbrt((D * H * W) / nSegments)));
      // Labels are 0..count-1, each used.
      expect(new Set(s.labels).size).to.equal(s.count);
    });
  }

  it('higher compactness gives more box-like supervoxels on a noisy volume (smaller extent), lower follows the intensity', () => {
    const noisy = seededPixels(D * H, W, 1, 5);
    const extent = (compactness: number) => largestExtent(slicFromVoxels(noisy, D, H, W, 1, { nSegments: 27, compactness, enforceConnectivity: false }));
    expect(extent(1000)).to.be.at.most(extent(0.1));
    expect(extent(1000)).to.be.at.most(Math.ceil(2.2 * Math.cbrt((D * H * W) / 27)));
  });

  it('enforceConnectivity in 3-D splits a label that touches only across a diagonal and merges tiny pieces', () => {
    // 2 x 2 x 2: label 0 at two opposite corners (not 6-connected), label 1 elsewhere.
    const labels = Int32Array.from([0, 1, 1, 1, 1, 1, 1, 0]);
    expect(Array.from(enforceConnectivity(labels, 2, 2, 1, 2))).to.deep.equal([0, 1, 1, 1, 1, 1, 1, 2]);
    // With minSize 2 both single corners merge into their only neighbour.
    expect(Array.from(enforceConnectivity(labels, 2, 2, 2, 2))).to.deep.equal([0, 0, 0, 0, 0, 0, 0, 0]);
    // Two slices each a separate label column: 6-connectivity across slices joins them.
    const columns = Int32Array.from([5, 6, 5, 6]);
    expect(Array.from(enforceConnectivity(columns, 1, 2, 1, 2))).to.deep.equal([0, 1, 0, 1]);
  });

  it("options are SLIC's, checked the same way, and the input must be one volume", () => {
    const voxels = twoRegionVoxels();
    expect(() => slicFromVoxels(voxels, D, H, W, 1, { nSegments: 0 })).to.throw(InvalidOptionError, /segmentation.nSegments.*integer >= 1; got 0/);
    expect(() => slicFromVoxels(voxels, D, H, W, 1, { compactness: -1 })).to.throw(InvalidOptionError, /compactness/);
    expect(() => slicFromVoxels(voxels.subarray(1), D, H, W, 1)).to.throw(InvalidInputError, new RegExp(`expected ${D * H * W} pixel values`));
  });

  forEachBackend(() => {
    it('slicVolume on a tensor equals slicFromVoxels on its values (also with a leading 1), without leaks; sigma smooths in 3-D', async () => {
      const voxels = twoRegionVoxels();
      const volume = tf.tensor4d(voxels, [D, H, W, 1]);
      const batched = volume.expandDims(0);
      const direct = slicFromVoxels(voxels, D, H, W, 1, { nSegments: 27 });
      for (const input of [volume, batched]) {
        const s = await expectNoLeak(() => slicVolume(input, { nSegments: 27 }));
        expect(Array.from(s.labels)).to.deep.equal(Array.from(direct.labels));
      }
      const smoothed = await expectNoLeak(() => slicVolume(volume, { nSegments: 27, sigma: 1 }));
      expect(smoothed.count).to.be.within(16, 50);
      const two = tf.zeros([2, 4, 4, 4, 1]);
      const error = await slicVolume(two, {}).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(InvalidInputError);
      expect((error as Error).message).to.match(/one volume, \(D, H, W, C\) or \(1, D, H, W, C\); got shape \[2,4,4,4,1\]/);
      tf.dispose([volume, batched, two]);
    });
  });
});
