import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { createRegistry, type ModelFunction, type XaiMethod } from '@tfxai/core';
import { OcclusionSensitivity, occlusionModule, windowSpans, type OcclusionOptions } from '@tfxai/perturbation';
import { expectAllClose, expectNoLeak, forEachBackend } from '@tfxai/test-utils';
import { graphModelLike, regionModel, seededImage, type Region } from './fixtures.js';

const registry = createRegistry(occlusionModule);
const occlusion = (model: ModelFunction | tf.GraphModel, options?: OcclusionOptions) =>
  registry.decoder<OcclusionOptions>('occlusion')(model, options) as OcclusionSensitivity;

/** Windows as [r0, r1, c0, c1], listed by a plain loop over starts (AUCMEDI's range(0, size, patch) with clipping). */
function aucmediWindows(height: number, width: number, patch: number): number[][] {
  const windows: number[][] = [];
  for (let r = 0; r < height; r += patch) for (let c = 0; c < width; c += patch) windows.push([r, Math.min(height, r + patch), c, Math.min(width, c + patch)]);
  return windows;
}

/** Windows with a stride whose last one is shifted back inside the image. */
function shiftedWindows(height: number, width: number, patch: [number, number], stride: [number, number]): number[][] {
  const starts = (size: number, p: number, s: number) => {
    const list: number[] = [];
    for (let x = 0; x + p <= size; x += s) list.push(x);
    if (list[list.length - 1]! + p < size) list.push(size - p);
    return list;
  };
  return starts(height, patch[0], stride[0]).flatMap((r) => starts(width, patch[1], stride[1]).map((c) => [r, r + patch[0], c, c + patch[1]]));
}

/**
 * The occlusion map by a direct loop: every window pasted on a host copy of the
 * image, the region model's score computed on the host, averaged per pixel.
 */
function expectedMap(
  pixels: Float32Array,
  height: number,
  width: number,
  channels: number,
  windows: number[][],
  fill: (p: number, j: number) => number,
  score: (pixels: Float32Array, width: number, channels: number) => number,
  mode: 'one-minus-probability' | 'drop',
  classIndex = 0,
): number[] {
  const sums = new Array<number>(height * width).fill(0);
  const counts = new Array<number>(height * width).fill(0);
  const classScore = (px: Float32Array) => (classIndex === 0 ? score(px, width, channels) : 1 - score(px, width, channels));
  const full = classScore(pixels);
  for (const [r0, r1, c0, c1] of windows) {
    const copy = pixels.slice();
    for (let r = r0!; r < r1!; r++) for (let c = c0!; c < c1!; c++) for (let j = 0; j < channels; j++) copy[(r * width + c) * channels + j] = fill(r * width + c, j);
    const s = classScore(copy);
    const value = mode === 'drop' ? full - s : 1 - s;
    for (let r = r0!; r < r1!; r++) for (let c = c0!; c < c1!; c++) (sums[r * width + c]! += value), counts[r * width + c]!++;
  }
  expect(counts.every((n) => n > 0), 'the reference windows cover every pixel').to.equal(true);
  return sums.map((s, p) => s / counts[p]!);
}

function minMax(values: number[], eps = 1e-8): number[] {
  const [min, max] = [Math.min(...values), Math.max(...values)];
  return values.map((v) => (v - min) / (max - min + eps));
}

async function rawAndHeatmap(method: OcclusionSensitivity, image: tf.Tensor, classIndex: number): Promise<{ raw: Float32Array; heatmap: Float32Array; shape: number[] }> {
  return expectNoLeak(async () => {
    const map = await method.sensitivityMap(image, classIndex);
    const heat = await method.computeHeatmap(image, classIndex);
    const result = { raw: await map.data<'float32'>(), heatmap: await heat.data<'float32'>(), shape: heat.shape };
    tf.dispose([map, heat]);
    return result;
  });
}

describe('Occlusion: window placement', () => {
  it('lists the windows of one axis as worked out by hand', () => {
    const spans = (size: number, patch: number, stride: number, edge: 'clip' | 'shift') => windowSpans(size, patch, stride, edge).map((s) => [s.start, s.end]);
    expect(spans(16, 4, 4, 'clip')).to.deep.equal([[0, 4], [4, 8], [8, 12], [12, 16]]);
    expect(spans(10, 4, 4, 'clip')).to.deep.equal([[0, 4], [4, 8], [8, 10]]);
    expect(spans(10, 4, 4, 'shift')).to.deep.equal([[0, 4], [4, 8], [6, 10]]);
    expect(spans(11, 4, 3, 'clip')).to.deep.equal([[0, 4], [3, 7], [6, 10], [9, 11]]);
    expect(spans(11, 4, 3, 'shift')).to.deep.equal([[0, 4], [3, 7], [6, 10], [7, 11]]);
    expect(spans(10, 4, 3, 'shift')).to.deep.equal([[0, 4], [3, 7], [6, 10]]);
    expect(spans(5, 5, 2, 'clip')).to.deep.equal([[0, 5]]);
  });
});

describe('Occlusion against a model whose response to each patch is known', () => {
  forEachBackend(() => {
    it('square 16x16, patch 4, AUCMEDI settings otherwise (fill 127.5, stride = patch): raw map and heatmap match the direct loop', async () => {
      const region: Region = { r0: 2, r1: 7, c0: 9, c1: 14 };
      const { model, score } = regionModel(region);
      const image = seededImage(16, 16, 3, 5).mul(200) as tf.Tensor4D;
      const pixels = await image.data<'float32'>();
      const expected = expectedMap(pixels, 16, 16, 3, aucmediWindows(16, 16, 4), () => 127.5, score, 'one-minus-probability');
      const { raw, heatmap, shape } = await rawAndHeatmap(occlusion(model, { patchSize: 4, fill: 127.5 }), image, 0);
      expect(shape).to.deep.equal([16, 16]);
      expectAllClose(raw, expected, 1e-5);
      expectAllClose(heatmap, minMax(expected), 1e-4);
      // Only windows that touch the region change the score: the rest share one value, the map's minimum.
      expect(heatmap[0]).to.be.closeTo(0, 1e-6);
      image.dispose();
    });

    it('non-square 24x20, patch 7 (not a divisor): every pixel covered, rows and columns not swapped', async () => {
      const region: Region = { r0: 15, r1: 22, c0: 1, c1: 6 }; // bottom left: a row/column swap would miss it
      const { model, score } = regionModel(region, -3, 1);
      const image = seededImage(24, 20, 3, 9);
      const pixels = await image.data<'float32'>();
      for (const classIndex of [0, 1]) {
        const expected = expectedMap(pixels, 24, 20, 3, aucmediWindows(24, 20, 7), () => 0.5, score, 'one-minus-probability', classIndex);
        const { raw, shape } = await rawAndHeatmap(occlusion(model, { patchSize: 7, fill: 0.5 }), image, classIndex);
        expect(shape).to.deep.equal([24, 20]);
        expectAllClose(raw, expected, 1e-5);
      }
      image.dispose();
    });

    it('stride 3 with patch [5, 6] and shifted edge windows: overlaps averaged per pixel, score as the drop', async () => {
      const region: Region = { r0: 4, r1: 12, c0: 10, c1: 19 };
      const { model, score } = regionModel(region, 5, -3);
      const image = seededImage(24, 20, 3, 13);
      const pixels = await image.data<'float32'>();
      const windows = shiftedWindows(24, 20, [5, 6], [3, 3]);
      const expected = expectedMap(pixels, 24, 20, 3, windows, () => 0, score, 'drop');
      const method = occlusion(model, { patchSize: [5, 6], stride: 3, fill: 0, score: 'drop', edgeWindows: 'shift' });
      const { raw, heatmap } = await rawAndHeatmap(method, image, 0);
      expectAllClose(raw, expected, 1e-5);
      expectAllClose(heatmap, minMax(expected), 1e-4);
      image.dispose();
    });

    it("fill 'mean' hides a window with the image's mean colour", async () => {
      const region: Region = { r0: 0, r1: 6, c0: 0, c1: 6 };
      const { model, score } = regionModel(region, 3, -1);
      const image = seededImage(12, 10, 3, 21);
      const pixels = await image.data<'float32'>();
      const means = [0, 1, 2].map((j) => pixels.filter((_, i) => i % 3 === j).reduce((a, b) => a + b, 0) / 120);
      const expected = expectedMap(pixels, 12, 10, 3, aucmediWindows(12, 10, 4), (_, j) => means[j]!, score, 'one-minus-probability');
      const { raw } = await rawAndHeatmap(occlusion(model, { patchSize: 4, fill: 'mean' }), image, 0);
      expectAllClose(raw, expected, 1e-5);
      image.dispose();
    });

    it("fill 'blur' and the default patch run and stay in [0, 1]; a blurred patch on a constant image changes nothing", async () => {
      const { model } = regionModel({ r0: 0, r1: 20, c0: 0, c1: 20 });
      const flat = tf.fill([1, 20, 20, 3], 0.7) as tf.Tensor4D;
      const raw = await expectNoLeak(async () => {
        const map = await occlusion(model, { fill: 'blur', blurSigma: 2, patchSize: 8 }).sensitivityMap(flat, 0);
        const values = await map.data();
        map.dispose();
        return values;
      });
      const unchanged = 1 / (1 + Math.exp(-(4 * 0.7 - 2)));
      expectAllClose(raw, new Array(400).fill(1 - unchanged), 1e-5);
      const image = seededImage(20, 20, 3, 2);
      const heat = await occlusion(model, { fill: 'blur' }).computeHeatmap(image, 0);
      const values = await heat.data();
      expect(Math.min(...values)).to.be.at.least(0);
      expect(Math.max(...values)).to.be.at.most(1);
      tf.dispose([flat, image, heat]);
    });

    it('batching equals unbatched; a graph-model look-alike gives the same map', async () => {
      const region: Region = { r0: 3, r1: 9, c0: 2, c1: 8 };
      const { model } = regionModel(region);
      const image = seededImage(12, 12, 3, 17);
      const maps: Float32Array[] = [];
      for (const [subject, batchSize] of [[model, 1], [model, 5], [model, 1000], [graphModelLike(model, 12, 12, 3), 3]] as const) {
        maps.push((await rawAndHeatmap(occlusion(subject, { patchSize: 3, stride: 2, batchSize }), image, 0)).raw);
      }
      for (const map of maps.slice(1)) expectAllClose(map, maps[0]!, 1e-6);
      image.dispose();
    });

    it('runs the occluded images in batches: ceil(windows / batchSize) model calls besides the first', async () => {
      let calls = 0;
      const { model } = regionModel({ r0: 0, r1: 4, c0: 0, c1: 4 });
      const counting: ModelFunction = (x) => (calls++, model(x));
      const image = seededImage(16, 16, 1, 4);
      const heat = await (occlusion(counting, { patchSize: 4, batchSize: 5 }) as XaiMethod).computeHeatmap(image, 0);
      expect(calls).to.equal(1 + Math.ceil(16 / 5));
      tf.dispose([image, heat]);
    });
  });
});
