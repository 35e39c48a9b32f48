import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { InvalidInputError, InvalidOptionError, createRegistry, type ModelFunction } from '@tfxai/core';
import { OcclusionSensitivity, forEachBoxRun, occlusionModule, windowBoxes, type OcclusionOptions } from '@tfxai/perturbation';
import { expectAllClose, expectNoLeak, expectNoLeakOnThrow, forEachBackend, useBackend } from '@tfxai/test-utils';
import { seededVolume } from './volume-fixtures.js';

const registry = createRegistry(occlusionModule);
const occlusion = (model: ModelFunction | tf.LayersModel, options?: OcclusionOptions) => registry.decoder<OcclusionOptions>('occlusion')(model, options) as OcclusionSensitivity;

// A non-cubic volume; the strides below leave a remainder on every axis.
const [D, H, W, C] = [10, 12, 14, 2];
const PATCH = [4, 5, 6];
const STRIDE = [4, 3, 5]; // (10 - 4) % 4 = 2, (12 - 5) % 3 = 1, (14 - 6) % 5 = 3

/**
 * The window starts along one axis, written out independently of the code under test:
 * every start that fits, then one more, either cut at the border ('clip') or moved back to end there ('shift').
 */
function starts(size: number, patch: number, stride: number, edge: 'clip' | 'shift'): [number, number][] {
  const list: [number, number][] = [];
  let x = 0;
  for (; x + patch <= size; x += stride) list.push([x, x + patch]);
  if (list[list.length - 1]![1] < size) list.push(edge === 'shift' ? [size - patch, size] : [x, size]);
  return list;
}

/** A small Conv3D classifier with fixed seeded weights: conv3d 3x3x3 (3 filters, relu), flatten, dense 2, softmax. */
function conv3dModel(): tf.LayersModel {
  const model = tf.sequential({
    layers: [
      tf.layers.conv3d({ inputShape: [D, H, W, C], filters: 3, kernelSize: 3, strides: 2, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }), biasInitializer: 'zeros' }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 2, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
    ],
  });
  return model;
}

/**
 * The occlusion map by a direct host loop: each window pasted on a host copy of the volume,
 * that one volume scored by the model on its own, values averaged per voxel.
 */
async function referenceMap(model: tf.LayersModel, voxels: Float32Array, fill: number, edge: 'clip' | 'shift', mode: 'one-minus-probability' | 'drop'): Promise<number[]> {
  const score = (values: Float32Array) => tf.tidy(() => (model.predict(tf.tensor5d(values, [1, D, H, W, C])) as tf.Tensor).arraySync() as number[][])[0]![0]!;
  const full = score(voxels);
  const sums = new Array<number>(D * H * W).fill(0);
  const counts = new Array<number>(D * H * W).fill(0);
  for (const [d0, d1] of starts(D, PATCH[0]!, STRIDE[0]!, edge)) {
    for (const [r0, r1] of starts(H, PATCH[1]!, STRIDE[1]!, edge)) {
      for (const [c0, c1] of starts(W, PATCH[2]!, STRIDE[2]!, edge)) {
        const copy = voxels.slice();
        for (let d = d0; d < d1; d++) for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) for (let j = 0; j < C; j++) copy[((d * H + r) * W + c) * C + j] = fill;
        const s = score(copy);
        const value = mode === 'drop' ? full - s : 1 - s;
        for (let d = d0; d < d1; d++) for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) (sums[(d * H + r) * W + c]! += value), counts[(d * H + r) * W + c]!++;
      }
    }
  }
  expect(counts.every((n) => n > 0), 'the reference windows cover every voxel').to.equal(true);
  return sums.map((s, p) => s / counts[p]!);
}

describe('Occlusion on volumes: window boxes', () => {
  it('boxes are the product of each axis\'s windows, and their runs cover exactly the box voxels', () => {
    const size = [5, 4, 7];
    const boxes = windowBoxes(size, [2, 3, 4], [2, 2, 3], 'clip');
    const expected = starts(5, 2, 2, 'clip').flatMap((d) => starts(4, 3, 2, 'clip').flatMap((r) => starts(7, 4, 3, 'clip').map((c) => [d, r, c])));
    expect(boxes.map((box) => box.map(({ start, end }) => [start, end]))).to.deep.equal(expected);
    for (const box of boxes) {
      const covered = new Set<number>();
      forEachBoxRun(box, size, (first, length) => {
        for (let p = first; p < first + length; p++) covered.add(p);
      });
      const inside = new Set<number>();
      for (let d = box[0]!.start; d < box[0]!.end; d++) for (let r = box[1]!.start; r < box[1]!.end; r++) for (let c = box[2]!.start; c < box[2]!.end; c++) inside.add((d * 4 + r) * 7 + c);
      expect([...covered].sort((a, b) => a - b)).to.deep.equal([...inside].sort((a, b) => a - b));
    }
  });
});

describe('Occlusion on a 10x12x14 volume against a host loop', () => {
  forEachBackend(() => {
    let model: tf.LayersModel;
    let volume: tf.Tensor5D;
    let voxels: Float32Array;
    before(async () => {
      model = conv3dModel();
      volume = seededVolume(D, H, W, C, 11);
      voxels = await volume.data<'float32'>();
    });
    after(() => {
      model.dispose();
      volume.dispose();
    });

    for (const edge of ['clip', 'shift'] as const) {
      it(`patch [4, 5, 6], stride [4, 3, 5] (a remainder on every axis), edgeWindows '${edge}': raw map and heatmap match, every voxel covered`, async () => {
        const method = occlusion(model, { patchSize: [4, 5, 6], stride: [4, 3, 5], fill: 0, edgeWindows: edge, batchSize: 7 });
        const expected = await referenceMap(model, voxels, 0, edge, 'one-minus-probability');
        const { raw, heat, shape } = await expectNoLeak(async () => {
          const map = await method.sensitivityMap(volume, 0);
          const heatmap = await method.computeHeatmap(volume, 0);
          const out = { raw: await map.data<'float32'>(), heat: await heatmap.data<'float32'>(), shape: [map.shape, heatmap.shape] };
          tf.dispose([map, heatmap]);
          return out;
        });
        expect(shape).to.deep.equal([[D, H, W], [D, H, W]]);
        expectAllClose(raw, expected, 1e-5);
        // One min and max for the whole volume (not per slice).
        const [min, max] = [Math.min(...expected), Math.max(...expected)];
        expectAllClose(heat, expected.map((v) => (v - min) / (max - min + 1e-8)), 1e-4);
        expect(max - min, 'the windows differ').to.be.greaterThan(1e-4);
      });
    }

    it("score 'drop', a single volume without N (D, H, W, C), batchSize 1 / 1000 and a function model give the same map", async () => {
      const expected = await referenceMap(model, voxels, 0, 'clip', 'drop');
      const single = volume.squeeze([0]) as tf.Tensor4D;
      const options = { patchSize: [4, 5, 6], stride: [4, 3, 5], fill: 0, score: 'drop' } as const;
      const asFunction: ModelFunction = (x) => model.predict(x) as tf.Tensor;
      for (const [subject, batchSize, input] of [[model, 1, volume], [model, 1000, single], [asFunction, 5, volume]] as const) {
        const raw = await expectNoLeak(async () => {
          const map = await occlusion(subject, { ...options, batchSize }).sensitivityMap(input, 0);
          const values = await map.data<'float32'>();
          map.dispose();
          return values;
        });
        expectAllClose(raw, expected, 1e-5);
      }
      single.dispose();
    });

    it('one model call per batch: 1 + ceil(windows / batchSize); the default patch is 1/8 of the shortest side on every axis', async () => {
      let calls = 0;
      const counting: ModelFunction = (x) => (calls++, model.predict(x) as tf.Tensor);
      const heat = await occlusion(counting, { patchSize: [4, 5, 6], stride: [4, 3, 5], batchSize: 10 }).computeHeatmap(volume, 1);
      expect(calls).to.equal(1 + Math.ceil((3 * 4 * 3) / 10));
      heat.dispose();
      // A cheap dense-free model on a 16x17x18 volume: default patch round(16 / 8) = 2 on every axis.
      const big = seededVolume(16, 17, 18, 1, 2);
      const linear: ModelFunction = (x) => tf.tidy(() => {
        const s = tf.sigmoid(tf.mean(tf.slice(x, [0, 3, 4, 5, 0], [-1, 6, 7, 8, -1]), [1, 2, 3, 4]).mul(4).sub(2));
        return tf.stack([s, tf.sub(1, s)], 1);
      });
      const maps = await expectNoLeak(async () => {
        const a = await occlusion(linear, { fill: 0 }).sensitivityMap(big, 0);
        const b = await occlusion(linear, { fill: 0, patchSize: [2, 2, 2] }).sensitivityMap(big, 0);
        const c = await occlusion(linear, { fill: 0, patchSize: 3 }).sensitivityMap(big, 0);
        const out = [await a.data(), await b.data(), await c.data()];
        tf.dispose([a, b, c]);
        return out;
      });
      expect(Array.from(maps[0]!)).to.deep.equal(Array.from(maps[1]!));
      expect(Array.from(maps[0]!)).to.not.deep.equal(Array.from(maps[2]!));
      big.dispose();
    });

    it('bad sizes for a volume and a batch of volumes are typed errors saying what is allowed, without leaks', async () => {
      const cases: [OcclusionOptions, RegExp][] = [
        [{ patchSize: [4, 4] }, /patchSize.*\[4,4\] has 2 entries but the input has 3 spatial axes; allowed: a number or \[depth, height, width\] for a volume/],
        [{ patchSize: 4, stride: [2, 2] }, /stride.*has 2 entries but the input has 3 spatial axes/],
        [{ patchSize: [4, 13, 4] }, /patchSize.*the patch 4 x 13 x 4 is larger than the volume 10 x 12 x 14/],
        [{ patchSize: [4, 4, 4], stride: [2, 5, 2] }, /stride.*\[2,5,2\] is larger than the patch \[4,4,4\]/],
      ];
      for (const [options, message] of cases) {
        const error = await expectNoLeakOnThrow(() => occlusion(model, options).computeHeatmap(volume, 0));
        expect(error).to.be.instanceOf(InvalidOptionError);
        expect((error as Error).message).to.match(message);
      }
      expect(() => occlusion(model, { patchSize: [4, 4], stride: [2, 2, 2] })).to.throw(InvalidOptionError, /stride.*has 3 entries but patchSize \[4,4\] has 2/);
      expect(() => occlusion(model, { patchSize: [4, 4, 4, 4] as never })).to.throw(InvalidOptionError, /\[depth, height, width\] \(volumes\)/);
      const two = tf.concat([volume, volume]);
      const error = await expectNoLeakOnThrow(() => occlusion(model, { patchSize: 5 }).computeHeatmap(two, 0));
      expect(error).to.be.instanceOf(InvalidInputError);
      expect((error as Error).message).to.match(/one volume.*one image per call/);
      two.dispose();
    });
  });
});

describe('Occlusion on volumes: wasm equals cpu', () => {
  it('the same map on both backends', async () => {
    const maps: Float32Array[] = [];
    for (const backend of ['wasm', 'cpu']) {
      await useBackend(backend);
      const model = conv3dModel();
      const volume = seededVolume(D, H, W, C, 11);
      const map = await occlusion(model, { patchSize: [4, 5, 6], stride: [4, 3, 5], fill: 'mean' }).sensitivityMap(volume, 1);
      maps.push(await map.data<'float32'>());
      tf.dispose([map, volume]);
      model.dispose();
    }
    expectAllClose(maps[0]!, maps[1]!, 1e-5);
  });
});
