import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import '@tfxai/wasm-kernels';
import { InvalidInputError, InvalidOptionError, LayerNotFoundError, createRegistry, withTfxaiKernels } from '@tfxai/core';
import { gradCamModule, gradCamPlusPlusModule, scoreCamModule, type CamMethod, type CamOptions, type ScoreCamOptions } from '@tfxai/cam';
import { expectAllClose, expectNoLeak, forEachBackend, maxAbsDiff, testBackends, useBackend } from '@tfxai/test-utils';
import { GlobalAveragePooling3D } from '@tfxai/volume-layers';
import { CLASSES, finiteDifferenceGradient, type Topology } from './topologies.js';
import { exampleMaps, gradCamPlusPlusWeights, gradCamWeights, minMax, relu, scoreCamVolumeByLoop, trilinearResize, weightedSum, type FlatMaps } from './volume-reference-cams.js';
import { nestedVolumeCnn, residualVolumeCnn, seededVolumes, sequentialVolumeCnn, VOLUME_SHAPE } from './volume-topologies.js';
import { caught } from './caught.js';

/**
 * The CAM methods on volumes (N, D, H, W, C) against host-side evaluations of their 3-D
 * formulas, fed with activations from a sub-model up to the layer and gradients from
 * tf.grad through an independent copy of the rest of the model (the head).
 */
const registry = createRegistry(gradCamModule, gradCamPlusPlusModule, scoreCamModule);
const SPATIAL = VOLUME_SHAPE.slice(0, 3);

const cases: [string, () => Topology, string[]][] = [
  ['sequential 3-D CNN', sequentialVolumeCnn, ['conv1', 'conv2']],
  ['functional 3-D model with branches and a residual add', residualVolumeCnn, ['a', 'residual']],
  ['nested 3-D base network', nestedVolumeCnn, ['base/c1', 'base/c2']],
];

/** A and dA for example 0, from the body and the head (exact 3-D gradients: tfxai's kernel scope, checked against loops in wasm-kernels). */
async function splitReference(topology: Topology, layer: string, volume: tf.Tensor5D, target: number): Promise<{ a: FlatMaps; g: FlatMaps }> {
  const activations = topology.bodies[layer]!.predict(volume) as tf.Tensor;
  const gradients = withTfxaiKernels(() =>
    tf.grad((x: tf.Tensor) => tf.sum(tf.mul(topology.heads[layer]!.predict(x) as tf.Tensor, tf.oneHot([target], CLASSES).toFloat())))(activations),
  );
  const result = { a: await exampleMaps(activations), g: await exampleMaps(gradients) };
  tf.dispose([activations, gradients]);
  return result;
}

async function heatmap(name: string, model: tf.LayersModel, options: CamOptions, volume: tf.Tensor, target: number): Promise<{ values: Float32Array; shape: number[] }> {
  return expectNoLeak(async () => {
    const map = await registry.decoder<CamOptions>(name)(model, options).computeHeatmap(volume, target);
    const result = { values: (await map.data()) as Float32Array, shape: map.shape };
    map.dispose();
    return result;
  });
}

async function attribution(name: string, model: tf.LayersModel, options: CamOptions, volumes: tf.Tensor, targets: number | number[]): Promise<{ values: Float32Array; shape: number[] }> {
  return expectNoLeak(async () => {
    const { attributions } = await registry.decoder<CamOptions>(name)(model, options).attribute!(volumes, targets);
    const result = { values: (await attributions.data()) as Float32Array, shape: attributions.shape };
    attributions.dispose();
    return result;
  });
}

describe('CAM methods on volumes (N, D, H, W, C)', () => {
  forEachBackend(() => {
    for (const [label, build, layers] of cases) {
      for (const layer of layers) {
        it(`${label}, layer '${layer}': Grad-CAM and Grad-CAM++ equal their 3-D formulas, with and without ReLU, every class`, async () => {
          const topology = build();
          const volume = seededVolumes(1, 9);
          try {
            for (let target = 0; target < CLASSES; target++) {
              const { a, g } = await splitReference(topology, layer, volume, target);
              const gradCam = weightedSum(a, gradCamWeights(g));
              const plusPlus = weightedSum(a, gradCamPlusPlusWeights(a, g));
              expect(Math.max(...gradCam) - Math.min(...gradCam), 'the reference map is not flat').to.be.greaterThan(1e-4);
              for (const useRelu of [true, false]) {
                const options: CamOptions = { layerName: layer, resolution: 'feature', relu: useRelu };
                const cam = await heatmap('gradcam', topology.model, options, volume, target);
                expect(cam.shape).to.deep.equal(a.spatial);
                expectAllClose(cam.values, minMax(useRelu ? relu(gradCam) : gradCam), 2e-4);
                expectAllClose((await heatmap('gradcam++', topology.model, options, volume, target)).values, minMax(useRelu ? relu(plusPlus) : plusPlus), 2e-4);
              }
            }
          } finally {
            volume.dispose();
            topology.dispose();
          }
        });
      }
    }

    it("the reference's head gradient through Conv3D and AveragePooling3D matches central finite differences", async () => {
      const topology = sequentialVolumeCnn();
      const volume = seededVolumes(1, 9);
      const activations = topology.bodies['conv1']!.predict(volume) as tf.Tensor4D;
      const { g } = await splitReference(topology, 'conv1', volume, 1);
      const differences = await finiteDifferenceGradient(topology.heads['conv1']!, activations, 1, 1e-2);
      const scale = Math.max(...g.values.map(Math.abs));
      expect(scale).to.be.greaterThan(1e-4);
      expect(maxAbsDiff(differences, g.values) / scale).to.be.below(2e-2);
      tf.dispose([volume, activations]);
      topology.dispose();
    });

    it("resolution 'input' (the default): the feature map resized trilinearly with half-voxel centres to (D, H, W); attribute gives the raw map (N, D, H, W, 1)", async () => {
      const topology = sequentialVolumeCnn();
      const volume = seededVolumes(1, 4);
      try {
        for (const [name, weights] of [
          ['gradcam', (a: FlatMaps, g: FlatMaps) => gradCamWeights(g)],
          ['gradcam++', gradCamPlusPlusWeights],
        ] as const) {
          const { a, g } = await splitReference(topology, 'conv2', volume, 2);
          expect(a.spatial).to.deep.equal([2, 3, 4]);
          const raw = trilinearResize(relu(weightedSum(a, weights(a, g))), a.spatial, SPATIAL);
          const map = await heatmap(name, topology.model, {}, volume, 2);
          expect(map.shape).to.deep.equal(SPATIAL);
          expectAllClose(map.values, minMax(raw), 2e-4);
          const attributed = await attribution(name, topology.model, {}, volume, 2);
          expect(attributed.shape).to.deep.equal([1, ...SPATIAL, 1]);
          const scale = Math.max(...raw);
          expectAllClose(attributed.values, raw, 2e-4 * scale);
        }
      } finally {
        volume.dispose();
        topology.dispose();
      }
    });

    it('the automatic layer is the last 5-D layer, also inside a nested base network, and gives the named layer\'s maps', async () => {
      const volume = seededVolumes(1, 3);
      for (const [build, expected] of [
        [sequentialVolumeCnn, 'conv2'],
        [residualVolumeCnn, 'residual'],
        [nestedVolumeCnn, 'base/c2'],
      ] as const) {
        const topology = build();
        for (const name of ['gradcam', 'gradcam++', 'scorecam']) {
          expect((registry.decoder<CamOptions>(name)(topology.model) as unknown as CamMethod).layerName, `${name} on ${topology.model.name}`).to.equal(expected);
          const automatic = await heatmap(name, topology.model, {}, volume, 0);
          const named = await heatmap(name, topology.model, { layerName: expected }, volume, 0);
          expect(Array.from(automatic.values)).to.deep.equal(Array.from(named.values));
        }
        topology.dispose();
      }
      volume.dispose();
    });

    it("a functional sub-model (with an add) nested in a Sequential classifier: the automatic layer is its last 5-D layer 'fbase/fsum', maps equal the formula", async () => {
      const init = (seed: number) => ({ kernelInitializer: tf.initializers.glorotUniform({ seed }), biasInitializer: tf.initializers.randomUniform({ minval: -0.05, maxval: 0.15, seed: seed + 1 }) });
      const inner = tf.input({ shape: VOLUME_SHAPE });
      const f1 = tf.layers.conv3d({ name: 'f1', filters: 3, kernelSize: 3, padding: 'same', activation: 'elu', ...init(71) }).apply(inner) as tf.SymbolicTensor;
      const f2 = tf.layers.conv3d({ name: 'f2', filters: 3, kernelSize: 3, padding: 'same', activation: 'elu', ...init(73) }).apply(f1) as tf.SymbolicTensor;
      const fbase = tf.model({ name: 'fbase', inputs: inner, outputs: tf.layers.add({ name: 'fsum' }).apply([f1, f2]) as tf.SymbolicTensor });
      const dense = tf.layers.dense({ name: 'scores', units: CLASSES, activation: 'softmax', ...init(75) });
      const model = tf.sequential({ layers: [fbase, new GlobalAveragePooling3D({ name: 'gap' }), dense] });
      const volume = seededVolumes(1, 8);
      const [kernel, bias] = dense.getWeights() as [tf.Tensor2D, tf.Tensor1D];
      const activations = fbase.predict(volume) as tf.Tensor5D;
      for (const name of ['gradcam', 'gradcam++']) {
        expect((registry.decoder<CamOptions>(name)(model) as unknown as CamMethod).layerName).to.equal('fbase/fsum');
      }
      for (let target = 0; target < CLASSES; target++) {
        // The head after the sub-model as plain ops: softmax(mean(A) K + b)[target].
        const gradients = tf.grad((x: tf.Tensor) =>
          tf.sum(tf.mul(tf.softmax(tf.add(tf.matMul(tf.mean(x, [1, 2, 3]) as tf.Tensor2D, kernel), bias)), tf.oneHot([target], CLASSES).toFloat())),
        )(activations);
        const a = await exampleMaps(activations);
        const g = await exampleMaps(gradients);
        gradients.dispose();
        expectAllClose((await heatmap('gradcam', model, { resolution: 'feature' }, volume, target)).values, minMax(relu(weightedSum(a, gradCamWeights(g)))), 2e-4);
        expectAllClose((await heatmap('gradcam++', model, { resolution: 'feature' }, volume, target)).values, minMax(relu(weightedSum(a, gradCamPlusPlusWeights(a, g)))), 2e-4);
      }
      tf.dispose([activations, volume]);
      model.dispose();
    });

    it('a batch of two volumes equals volume-by-volume runs, and one volume (D, H, W, C) equals (1, D, H, W, C)', async () => {
      const topology = residualVolumeCnn();
      const volumes = seededVolumes(2, 21);
      try {
        for (const name of ['gradcam', 'gradcam++', 'scorecam']) {
          const options: CamOptions = { layerName: 'a' };
          const batched = await attribution(name, topology.model, options, volumes, [0, 2]);
          expect(batched.shape).to.deep.equal([2, ...SPATIAL, 1]);
          const size = batched.values.length / 2;
          for (const [n, target] of [[0, 0], [1, 2]] as const) {
            const one = volumes.slice(n, 1);
            const single = await attribution(name, topology.model, options, one, target);
            expectAllClose(batched.values.subarray(n * size, (n + 1) * size), single.values, 1e-6, 1e-5);
            const unbatched = one.squeeze([0]);
            const map = await heatmap(name, topology.model, options, unbatched, target);
            expect(map.shape).to.deep.equal(SPATIAL);
            expect(Array.from(map.values)).to.deep.equal(Array.from((await heatmap(name, topology.model, options, one, target)).values));
            tf.dispose([one, unbatched]);
          }
        }
      } finally {
        volumes.dispose();
        topology.dispose();
      }
    });

    it('smoothGrad reaches volumes: with noiseLevel 0 the smoothed map is the plain map; with noise it differs', async () => {
      const topology = sequentialVolumeCnn();
      const volume = seededVolumes(1, 3);
      const plain = await heatmap('gradcam', topology.model, {}, volume, 1);
      const silent = await heatmap('gradcam', topology.model, { smoothGrad: { samples: 2, noiseLevel: 0, seed: 1 } } as CamOptions, volume, 1);
      expect(silent.shape).to.deep.equal(SPATIAL);
      expectAllClose(silent.values, plain.values, 1e-6);
      const noisy = await heatmap('gradcam', topology.model, { smoothGrad: { samples: 3, noiseLevel: 0.1, seed: 1 } } as CamOptions, volume, 1);
      expect(maxAbsDiff(noisy.values, plain.values)).to.be.greaterThan(1e-4);
      volume.dispose();
      topology.dispose();
    });

    for (const [label, build, layer] of [
      ['sequential 3-D CNN (a 2x3x4 layer, resized)', sequentialVolumeCnn, 'conv2'],
      ['residual 3-D model', residualVolumeCnn, 'a'],
    ] as const) {
      it(`Score-CAM on the ${label}, layer '${layer}', against a host loop over channels: softmax and score weightings, masks batched 3 per call`, async () => {
        const topology = build();
        const volume = seededVolumes(1, 13);
        try {
          const activations = topology.bodies[layer]!.predict(volume) as tf.Tensor5D;
          for (const weighting of ['softmax', 'score'] as const) {
            for (let target = 0; target < CLASSES; target++) {
              const expected = await scoreCamVolumeByLoop(activations, (x) => topology.model.predict(x) as tf.Tensor2D, volume, target, weighting);
              const options: ScoreCamOptions = { layerName: layer, resolution: 'feature', batchSize: 3, weighting };
              const map = await heatmap('scorecam', topology.model, options, volume, target);
              expect(map.shape).to.deep.equal(activations.shape.slice(1, 4));
              expectAllClose(map.values, expected, 2e-4);
            }
          }
          const oneByOne = await heatmap('scorecam', topology.model, { layerName: layer, batchSize: 1 } as ScoreCamOptions, volume, 1);
          const allAtOnce = await heatmap('scorecam', topology.model, { layerName: layer, batchSize: 32 } as ScoreCamOptions, volume, 1);
          expectAllClose(oneByOne.values, allAtOnce.values, 1e-6);
          activations.dispose();
        } finally {
          volume.dispose();
          topology.dispose();
        }
      });
    }

    it('errors name what a volume model allows: no 5-D layer, a layer that is not 5-D, a 1x1x1 map, a batch given to computeHeatmap', async () => {
      const models: tf.LayersModel[] = [];
      const dense = tf.sequential({ name: 'dense_volume', layers: [tf.layers.flatten({ name: 'flat', inputShape: [2, 2, 2, 1] }), tf.layers.dense({ name: 'd', units: 2, activation: 'softmax' })] });
      models.push(dense);
      const noLayer = caught(() => registry.decoder('gradcam')(dense)) as LayerNotFoundError;
      expect(noLayer).to.be.instanceOf(LayerNotFoundError);
      expect(noLayer.message).to.match(/no layer with a 5-D output \(N, depth, height, width, channels\) whose depth, height and width exceed 1.*no layer has a 5-D output; layers: flat, d/);

      const topology = sequentialVolumeCnn();
      const wrongRank = caught(() => registry.decoder<CamOptions>('gradcam++')(topology.model, { layerName: 'gap' }));
      expect(wrongRank).to.be.instanceOf(InvalidOptionError);
      expect(wrongRank.message).to.match(/layer 'gap' gives a 2-D output, but CAM methods on a volume model need a 5-D feature map \(N, depth, height, width, channels\); layers with a 5-D output: conv1, pool, conv2/);

      const pointwise = tf.sequential({
        name: 'pointwise',
        layers: [tf.layers.conv3d({ name: 'squash', inputShape: [2, 2, 2, 1], filters: 2, kernelSize: 2 }), tf.layers.flatten({}), tf.layers.dense({ units: 2 })],
      });
      models.push(pointwise);
      expect(() => registry.decoder('scorecam')(pointwise)).to.throw(LayerNotFoundError, /every 5-D layer is 1x1x1/);
      expect(() => registry.decoder<CamOptions>('scorecam')(pointwise, { layerName: 'squash' })).to.throw(InvalidOptionError, /'squash' gives a 1x1x1 feature map/);

      const two = seededVolumes(2);
      const method = registry.decoder('gradcam')(topology.model);
      let error: unknown;
      await expectNoLeak(async () => {
        try {
          await method.computeHeatmap(two, 0);
        } catch (e) {
          error = e;
        }
      });
      expect(error).to.be.instanceOf(InvalidInputError);
      expect((error as Error).message).to.contain('computeHeatmap takes one volume');
      two.dispose();
      topology.dispose();
      models.forEach((m) => m.dispose());
    });
  });

  it('wasm equals cpu: Grad-CAM, Grad-CAM++ and Score-CAM maps of a batch of volumes', async () => {
    const backends = testBackends().filter((b) => b === 'wasm' || b === 'cpu');
    if (backends.length < 2) return;
    const results: Record<string, Float32Array[]> = {};
    for (const backend of backends) {
      await useBackend(backend);
      const topology = sequentialVolumeCnn();
      const volumes = seededVolumes(2, 31);
      results[backend] = [];
      for (const name of ['gradcam', 'gradcam++', 'scorecam']) {
        for (const layerName of ['conv1', 'conv2']) results[backend]!.push((await attribution(name, topology.model, { layerName }, volumes, [1, 0])).values);
      }
      volumes.dispose();
      topology.dispose();
    }
    results['wasm']!.forEach((values, i) => {
      const scale = Math.max(...Array.from(values, Math.abs));
      expect(scale, 'a non-zero map').to.be.greaterThan(0);
      expectAllClose(values, results['cpu']![i]!, 1e-5 * scale + 1e-7);
    });
  });
});
