import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { GlobalAveragePooling3D, createRegistry, gradCamModule, guidedBackpropModule, guidedGradCamModule, resizeSpatialMap, withTfxaiKernels, type GuidedGradCamOptions } from 'tfxai';
import { expectAllClose, expectNoLeak, forEachBackend } from '@tfxai/test-utils';

const registry = createRegistry(guidedGradCamModule, guidedBackpropModule, gradCamModule);
const SHAPE: [number, number, number, number] = [4, 6, 8, 2];
const CLASSES = 3;

/** conv3d 'c1' (3, relu) -> conv3d 'c2' (4, relu, stride 2: a 2x3x4 map) -> GlobalAveragePooling3D -> dense softmax. */
function reluVolumeCnn(): tf.LayersModel {
  const init = (seed: number) => ({ kernelInitializer: tf.initializers.glorotUniform({ seed }), biasInitializer: tf.initializers.randomUniform({ minval: -0.05, maxval: 0.15, seed: seed + 1 }) });
  return tf.sequential({
    name: 'relu_volume_cnn',
    layers: [
      tf.layers.conv3d({ name: 'c1', inputShape: SHAPE, filters: 3, kernelSize: 3, padding: 'same', activation: 'relu', ...init(11) }),
      tf.layers.conv3d({ name: 'c2', filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', ...init(13) }),
      new GlobalAveragePooling3D({ name: 'gap' }),
      tf.layers.dense({ name: 'scores', units: CLASSES, activation: 'softmax', ...init(15) }),
    ],
  });
}

/** ReLU whose gradient is the guided rule: passed back only where both the input and the incoming gradient are positive. */
const guidedRelu = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
  save([x]);
  return { value: tf.relu(x), gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(tf.mul(dy, tf.step(saved[0]!)), tf.step(dy)) };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as (x: tf.Tensor) => tf.Tensor;

/** The guided-backprop input gradient written out with the model's weights as plain ops (no layers, no tfxai method). */
function guidedGradientByHand(model: tf.LayersModel, volumes: tf.Tensor5D, targets: number[]): tf.Tensor5D {
  const [k1, b1, k2, b2, k3, b3] = model.getWeights() as [tf.Tensor5D, tf.Tensor, tf.Tensor5D, tf.Tensor, tf.Tensor2D, tf.Tensor];
  const score = (x: tf.Tensor) => {
    const h1 = guidedRelu(tf.add(tf.conv3d(x as tf.Tensor5D, k1, 1, 'same'), b1));
    const h2 = guidedRelu(tf.add(tf.conv3d(h1 as tf.Tensor5D, k2, 2, 'same'), b2));
    const probabilities = tf.softmax(tf.add(tf.matMul(tf.mean(h2, [1, 2, 3]) as tf.Tensor2D, k3), b3));
    return tf.sum(tf.mul(probabilities, tf.oneHot(targets, CLASSES).toFloat()));
  };
  // tfxai's exact Conv3D input gradient (stock wasm's is wrong when the output depth is above 1).
  return tf.tidy(() => withTfxaiKernels(() => tf.grad(score)(volumes)) as tf.Tensor5D);
}

async function run<T extends tf.Tensor>(compute: () => Promise<T>): Promise<{ values: Float32Array; shape: number[] }> {
  return expectNoLeak(async () => {
    const tensor = await compute();
    const result = { values: (await tensor.data()) as Float32Array, shape: tensor.shape };
    tensor.dispose();
    return result;
  });
}

function minMax(values: ArrayLike<number>, eps = 1e-8): number[] {
  const list = Array.from(values);
  const [min, max] = [Math.min(...list), Math.max(...list)];
  return list.map((v) => (v - min) / (max - min + eps));
}

describe('Guided Grad-CAM on volumes (N, D, H, W, C)', () => {
  forEachBackend(() => {
    let model: tf.LayersModel;
    let volumes: tf.Tensor5D;
    before(() => {
      model = reluVolumeCnn();
      volumes = tf.randomUniform([2, ...SHAPE], 0, 1, 'float32', 61) as tf.Tensor5D;
    });
    after(() => {
      model.dispose();
      volumes.dispose();
    });

    it('attribute is the guided gradient (written out by hand) times the raw Grad-CAM map resized trilinearly, per example: (N, D, H, W, C)', async () => {
      const targets = [2, 0];
      const guided = await run(async () => guidedGradientByHand(model, volumes, targets));
      expect(Math.max(...Array.from(guided.values, Math.abs)), 'the guided gradient is not zero').to.be.greaterThan(0);
      const cam = await run(async () => (await registry.decoder('gradcam')(model).attribute!(volumes, targets)).attributions);
      expect(cam.shape).to.deep.equal([2, 4, 6, 8, 1]);
      const combined = await run(async () => (await registry.decoder('ggc')(model).attribute!(volumes, targets)).attributions);
      expect(combined.shape).to.deep.equal([2, ...SHAPE]);
      const expected = Array.from(guided.values, (g, i) => g * cam.values[Math.floor(i / 2)]!);
      const scale = Math.max(...expected.map(Math.abs));
      expect(scale).to.be.greaterThan(0);
      expectAllClose(combined.values, expected, 1e-5 * scale);
      // A batch equals volume-by-volume runs.
      for (const n of [0, 1]) {
        const one = await run(async () => {
          const volume = volumes.slice(n, 1);
          const { attributions } = await registry.decoder('ggc')(model).attribute!(volume, targets[n]!);
          volume.dispose();
          return attributions;
        });
        const size = one.values.length;
        expectAllClose(one.values, combined.values.subarray(n * size, (n + 1) * size), 1e-6 * scale);
      }
    });

    for (const [label, options] of [
      ['defaults', {}],
      ["AUCMEDI's options (absolute: false, relu: false)", { absolute: false, relu: false }],
      ['the first conv layer as Grad-CAM layer', { layerName: 'c1' }],
    ] as [string, GuidedGradCamOptions][]) {
      it(`computeHeatmap (D, H, W) equals minMax(guided-backprop heatmap * trilinearly resized Grad-CAM heatmap), each computed on its own: ${label}`, async () => {
        const volume = volumes.slice(0, 1);
        const { absolute, relu, layerName } = options;
        const guided = await run(() => registry.decoder('gb')(model, absolute === undefined ? {} : { absolute }).computeHeatmap(volume, 1));
        const camOptions = { resolution: 'feature', ...(relu === undefined ? {} : { relu }), ...(layerName ? { layerName } : {}) };
        const cam = await run(() => registry.decoder('gradcam')(model, camOptions).computeHeatmap(volume, 1));
        expect(cam.shape).to.deep.equal(layerName ? [4, 6, 8] : [2, 3, 4]);
        expect(Math.max(...cam.values), 'the Grad-CAM map is not empty').to.be.greaterThan(0.5);
        const resized = tf.tidy(() => resizeSpatialMap(tf.tensor3d(cam.values, cam.shape as [number, number, number]), [4, 6, 8]).dataSync());
        const expected = minMax(Array.from(guided.values, (g, i) => g * resized[i]!));
        const combined = await run(() => registry.decoder('ggc')(model, options).computeHeatmap(volume, 1));
        expect(combined.shape).to.deep.equal([4, 6, 8]);
        expectAllClose(combined.values, expected, 1e-5);
        volume.dispose();
      });
    }
  });
});
