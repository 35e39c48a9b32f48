import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import {
  AttributionMethod,
  InvalidInputError,
  InvalidOptionError,
  attributionHeatmap,
  createRegistry,
  defineMethod,
  modelSpatialRank,
  adaptModel,
  resizeMap,
  resizeSpatialMap,
  resizeVolume,
  targetGradients,
  toImageBatch,
  type AttributionResult,
  type HeatmapSpec,
  type ModelLike,
  type PreparedBatch,
} from '@tfxai/core';
import { expectAllClose, expectNoLeak, expectNoLeakOnThrow, forEachBackend } from '@tfxai/test-utils';

/** The smallest method on the lifecycle: the input gradient, |.| folded by channel maximum. */
class InputGradient extends AttributionMethod {
  readonly name = 'input-gradient';
  get heatmapSpec(): HeatmapSpec {
    return { absolute: true, channelReduction: 'max' };
  }
  protected async attributeBatch({ batch, targets, numClasses }: PreparedBatch): Promise<AttributionResult> {
    return { attributions: targetGradients(this.adapter, batch, targets, numClasses) };
  }
}

const registry = createRegistry(defineMethod({ name: 'input-gradient', options: [], create: (model, _options, services) => new InputGradient(model, services) }));
const explain = (model: ModelLike) => registry.decoder('input-gradient')(model);

const [D, H, W, C, CLASSES] = [3, 4, 5, 2, 3];

/** A linear classifier of (D, H, W, C) volumes: scores = flatten(x) . kernel, so d score_t / dx = kernel[:, t]. */
function linearVolumeModel(): { model: tf.LayersModel; kernel: Float32Array } {
  const model = tf.sequential({
    layers: [tf.layers.flatten({ inputShape: [D, H, W, C] }), tf.layers.dense({ units: CLASSES, useBias: true, kernelInitializer: tf.initializers.randomNormal({ seed: 7 }) })],
  });
  return { model, kernel: model.layers[1]!.getWeights()[0]!.dataSync() as Float32Array };
}

/** Column t of a (values, classes) kernel: the input gradient of score t, voxel-major like a flattened volume. */
function column(kernel: Float32Array, t: number): number[] {
  return Array.from({ length: kernel.length / CLASSES }, (_, i) => kernel[i * CLASSES + t]!);
}

function volume(seed: number, n = 1): tf.Tensor5D {
  return tf.randomUniform([n, D, H, W, C], 0, 1, 'float32', seed) as tf.Tensor5D;
}

describe('the volume contract in the core lifecycle', () => {
  it('toImageBatch reads rank by the model: (D, H, W, C) is one volume for a volume model, a batch of images otherwise', () => {
    const single = tf.zeros([D, H, W, C]);
    const asVolume = toImageBatch(single, 'images', 3);
    const asImages = toImageBatch(single, 'images');
    expect(asVolume.shape).to.deep.equal([1, D, H, W, C]);
    expect(asImages.shape).to.deep.equal([D, H, W, C]);
    expect(() => toImageBatch(tf.zeros([H, W, C]), 'images', 3)).to.throw(InvalidInputError, /must have rank 5 \(N, D, H, W, C\) or 4 \(D, H, W, C\), as the model takes volumes; got rank 3/);
    expect(() => toImageBatch(tf.zeros([1, D, H, W, C]), 'images', 2)).to.throw(InvalidInputError, /rank 4 \(N, H, W, C\) or 3 \(H, W, C\), as the model takes images; got rank 5/);
    tf.dispose([single, asVolume, asImages]);
  });

  it('modelSpatialRank: 2 for (N, H, W, C) models, 3 for (N, D, H, W, C), undefined for functions', () => {
    const { model } = linearVolumeModel();
    const planar = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [4, 4, 1] }), tf.layers.dense({ units: 2 })] });
    expect([modelSpatialRank(adaptModel(model)), modelSpatialRank(adaptModel(planar)), modelSpatialRank(adaptModel((x) => x.sum([1, 2, 3])))]).to.deep.equal([3, 2, undefined]);
    model.dispose();
    planar.dispose();
  });

  it('resizeSpatialMap: bilinear resizeMap for (H, W), trilinear resizeVolume for (D, H, W), one size per axis', () => {
    const plane = tf.randomUniform([3, 4], 0, 1, 'float32', 1) as tf.Tensor2D;
    const cube = tf.randomUniform([3, 4, 5], 0, 1, 'float32', 2) as tf.Tensor3D;
    const [a, b] = [resizeSpatialMap(plane, [7, 9]), resizeMap(plane, [7, 9])];
    const [c, d] = [resizeSpatialMap(cube, [6, 8, 3]), resizeVolume(cube, [6, 8, 3])];
    expect(c.shape).to.deep.equal([6, 8, 3]);
    expect(Array.from(a.dataSync())).to.deep.equal(Array.from(b.dataSync()));
    expect(Array.from(c.dataSync())).to.deep.equal(Array.from(d.dataSync()));
    expect(() => resizeSpatialMap(cube, [6, 8])).to.throw(InvalidOptionError, /a volume map \(shape \[3,4,5\]\) resizes to 3 sizes; got \[6,8\]/);
    tf.dispose([plane, cube, a, b, c, d]);
  });

  it('attributionHeatmap normalises a volume as a whole (one min and max, not per slice)', () => {
    // Slice 0 holds values 0..1, slice 1 holds 10..11: per-slice normalisation would make both span [0, 1].
    const values = [0, 1, 0.5, 0.25, 10, 11, 10.5, 10.25];
    const attributions = tf.tensor5d(values, [1, 2, 2, 2, 1]);
    const map = attributionHeatmap(attributions, { absolute: false, channelReduction: 'max' }, 0);
    expect(map.shape).to.deep.equal([2, 2, 2]);
    expectAllClose(map.dataSync(), values.map((v) => v / 11), 1e-6);
    tf.dispose([attributions, map]);
  });

  forEachBackend(() => {
    it('attribute and computeHeatmap on volumes: the analytic gradient, (D, H, W) maps, batch = per example, no leaks', async () => {
      const { model, kernel } = linearVolumeModel();
      const method = explain(model);
      const x = volume(3, 2);
      await expectNoLeak(async () => {
        const { attributions } = await method.attribute!(x, [0, 2]);
        expect(attributions.shape).to.deep.equal([2, D, H, W, C]);
        const rows = await attributions.data();
        const size = D * H * W * C;
        expectAllClose(rows.slice(0, size), column(kernel, 0), 1e-6);
        expectAllClose(rows.slice(size), column(kernel, 2), 1e-6);
        attributions.dispose();
        // One volume with and without its batch axis; its map is |gradient| folded over channels, normalised over the volume.
        const first = tf.slice(x, 0, 1);
        const unbatched = first.squeeze([0]);
        const [heatmap, same] = [await method.computeHeatmap(first, 2), await method.computeHeatmap(unbatched, 2)];
        expect(heatmap.shape).to.deep.equal([D, H, W]);
        const g = column(kernel, 2);
        const folded = Array.from({ length: D * H * W }, (_, v) => Math.max(Math.abs(g[v * C]!), Math.abs(g[v * C + 1]!)));
        const [lo, hi] = [Math.min(...folded), Math.max(...folded)];
        expectAllClose(heatmap.dataSync(), folded.map((f) => (f - lo) / (hi - lo + 1e-8)), 1e-5);
        expect(Array.from(same.dataSync())).to.deep.equal(Array.from(heatmap.dataSync()));
        tf.dispose([first, unbatched, heatmap, same]);
      });
      x.dispose();
      model.dispose();
    });

    it('a function model takes volumes by the tensor rank', async () => {
      // F(x) = [sum x^2, sum 3x] over (D, H, W, C): d F0 / dx = 2x.
      const method = explain((x) => tf.stack([x.square().sum([1, 2, 3, 4]), x.mul(3).sum([1, 2, 3, 4])], 1));
      const x = volume(5);
      await expectNoLeak(async () => {
        const { attributions } = await method.attribute!(x, 0);
        expect(attributions.shape).to.deep.equal([1, D, H, W, C]);
        expectAllClose(await attributions.data(), Array.from(await x.data(), (v) => 2 * v), 1e-6);
        attributions.dispose();
      });
      x.dispose();
    });

    it('rank mismatches are InvalidInputErrors naming the rank the model expects', async () => {
      const { model } = linearVolumeModel();
      const planar = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [H, W, C] }), tf.layers.dense({ units: 2 })] });
      const images = tf.zeros([2, H, W, C]);
      const x = volume(1);
      const twoVolumes = volume(1, 2);
      // (2, H, W, C) to a volume model is one volume of depth 2, the wrong size: the message names the volume layout.
      const wrongSize = await expectNoLeakOnThrow(() => explain(model).attribute!(images, 0));
      expect((wrongSize as Error).message).to.match(/volumes of 2x4x5 do not fit the model, which expects \(D, H, W, C\) = \(3, 4, 5, 2\)/);
      const image = tf.zeros([H, W, C]);
      const flat = await expectNoLeakOnThrow(() => explain(model).attribute!(image, 0));
      expect(flat).to.be.instanceOf(InvalidInputError);
      expect((flat as Error).message).to.match(/as the model takes volumes; got rank 3/);
      const toPlanar = await expectNoLeakOnThrow(() => explain(planar).attribute!(x, 0));
      expect((toPlanar as Error).message).to.match(/must have rank 4 \(N, H, W, C\) or 3 \(H, W, C\), as the model takes images; got rank 5/);
      const batch = await expectNoLeakOnThrow(() => explain(model).computeHeatmap(twoVolumes, 0));
      expect((batch as Error).message).to.match(/computeHeatmap takes one volume, \(1, D, H, W, C\) or \(D, H, W, C\); got shape \[2,3,4,5,2\]/);
      tf.dispose([images, image, x, twoVolumes]);
      model.dispose();
      planar.dispose();
    });
  });
});
