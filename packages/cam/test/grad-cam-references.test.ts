import * as tf from '@tensorflow/tfjs';
import { createRegistry } from '@tfxai/core';
import { gradCamModule, gradCamPlusPlusModule, type CamOptions } from '@tfxai/cam';
import { expectAllClose, expectNoLeak, forEachBackend } from '@tfxai/test-utils';
import { firstExample, gradCamPlusPlusWeights, gradCamWeights, minMax, relu, weightedSum, type FeatureMap } from './reference-cams.js';
import { CLASSES, nestedCnn, residualCnn, seededImages, sequentialCnn, type Topology } from './topologies.js';

/**
 * Grad-CAM and Grad-CAM++ on every topology against host-side evaluations of their
 * formulas, fed with activations from the split body and gradients from autodiff
 * through the independent head (both built without the package).
 */
const registry = createRegistry(gradCamModule, gradCamPlusPlusModule);

const cases: [string, () => Topology, string][] = [
  ['Sequential CNN', sequentialCnn, 'conv1'],
  ['functional model with branches and a residual add', residualCnn, 'a'],
  ['nested base network', nestedCnn, 'base/c1'],
];

async function splitReference(topology: Topology, layer: string, image: tf.Tensor4D, target: number): Promise<{ a: FeatureMap; g: FeatureMap }> {
  const activations = topology.bodies[layer]!.predict(image) as tf.Tensor4D;
  const gradients = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(topology.heads[layer]!.predict(x) as tf.Tensor, tf.oneHot([target], CLASSES).toFloat())))(activations);
  const result = { a: await firstExample(activations), g: await firstExample(gradients) };
  tf.dispose([activations, gradients]);
  return result;
}

async function heatmap(name: string, model: tf.LayersModel, options: CamOptions, image: tf.Tensor4D, target: number): Promise<Float32Array> {
  return expectNoLeak(async () => {
    const map = await registry.decoder<CamOptions>(name)(model, options).computeHeatmap(image, target);
    const values = (await map.data()) as Float32Array;
    map.dispose();
    return values;
  });
}

describe('Grad-CAM and Grad-CAM++ against their formulas evaluated on a split model', () => {
  forEachBackend(() => {
    for (const [label, build, layer] of cases) {
      it(`${label}, layer '${layer}': both methods, with and without ReLU, every class`, async () => {
        const topology = build();
        const image = seededImages(1, 9);
        try {
          for (let target = 0; target < CLASSES; target++) {
            const { a, g } = await splitReference(topology, layer, image, target);
            const gradCam = weightedSum(a, gradCamWeights(g));
            const plusPlus = weightedSum(a, gradCamPlusPlusWeights(a, g));
            for (const useRelu of [true, false]) {
              const options: CamOptions = { layerName: layer, resolution: 'feature', relu: useRelu };
              expectAllClose(await heatmap('gradcam', topology.model, options, image, target), minMax(useRelu ? relu(gradCam) : gradCam), 2e-4);
              expectAllClose(await heatmap('gradcam++', topology.model, options, image, target), minMax(useRelu ? relu(plusPlus) : plusPlus), 2e-4);
            }
          }
        } finally {
          image.dispose();
          topology.dispose();
        }
      });
    }
  });
});
