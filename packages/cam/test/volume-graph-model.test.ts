import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import '@tfxai/wasm-kernels';
import { LayerNotFoundError, createRegistry } from '@tfxai/core';
import { gradCamModule, gradCamPlusPlusModule, scoreCamModule, type CamMethod, type CamOptions } from '@tfxai/cam';
import { FLOAT_ATTR as FLOAT, base64Text, expectAllClose, expectNoLeak, expectNoLeakOnThrow, forEachBackend, graphModelFromNodes, type GraphNode, type GraphWeight } from '@tfxai/test-utils';
import { exampleMaps, gradCamPlusPlusWeights, gradCamWeights, minMax, relu, scoreCamVolumeByLoop, weightedSum } from './volume-reference-cams.js';

/**
 * A 3-D tf.GraphModel written by hand as a GraphDef: x (N, 3, 4, 5, 1) -> Conv3D 'features'
 * (2x2x2, two filters, VALID: (N, 2, 3, 4, 2)) -> Relu 'act' -> Mean over (d, h, w) -> MatMul,
 * BiasAdd -> Softmax. Its head after 'act' is written out with tf ops for the reference.
 */
const text = (value: string) => ({ s: base64Text(value) });
const KERNEL = Array.from({ length: 16 }, (_, i) => (((i * 7) % 5) - 2) / 4 + 0.1);
const DENSE = [1, -1, 0.5, -0.5, 2, 0.3];
const BIAS = [0.1, -0.2, 0];
const WEIGHTS: GraphWeight[] = [
  { name: 'kernel', shape: [2, 2, 2, 1, 2], dtype: 'float32', values: KERNEL },
  { name: 'spatial_axes', shape: [3], dtype: 'int32', values: [1, 2, 3] },
  { name: 'dense_kernel', shape: [2, 3], dtype: 'float32', values: DENSE },
  { name: 'dense_bias', shape: [3], dtype: 'float32', values: BIAS },
  { name: 'all_axes', shape: [4], dtype: 'int32', values: [1, 2, 3, 4] },
  { name: 'one', shape: [], dtype: 'int32', values: [1] },
  { name: 'skip_kernel', shape: [1, 3], dtype: 'float32', values: [0.5, -0.25, 0] },
];
const ones5 = { list: { i: ['1', '1', '1', '1', '1'] } };
const INPUT: GraphNode = { name: 'x', op: 'Placeholder', attr: { dtype: FLOAT, shape: { shape: { dim: [{ size: '-1' }, { size: '3' }, { size: '4' }, { size: '5' }, { size: '1' }] } } } };
const CNN: GraphNode[] = [
  INPUT,
  { name: 'features', op: 'Conv3D', input: ['x', 'kernel'], attr: { T: FLOAT, strides: ones5, padding: text('VALID'), data_format: text('NDHWC'), dilations: ones5 } },
  { name: 'act', op: 'Relu', input: ['features'], attr: { T: FLOAT } },
  { name: 'pooled', op: 'Mean', input: ['act', 'spatial_axes'], attr: { T: FLOAT, keep_dims: { b: false } } },
  { name: 'dense', op: 'MatMul', input: ['pooled', 'dense_kernel'], attr: { T: FLOAT, transpose_a: { b: false }, transpose_b: { b: false } } },
  { name: 'logits', op: 'BiasAdd', input: ['dense', 'dense_bias'], attr: { T: FLOAT, data_format: text('NHWC') } },
  { name: 'probabilities', op: 'Softmax', input: ['logits'], attr: { T: FLOAT } },
];
/** No 5-D node but the input: softmax(mean(x) * skip_kernel). */
const NO_FEATURE_MAP: GraphNode[] = [
  INPUT,
  { name: 'skip_mean', op: 'Mean', input: ['x', 'all_axes'], attr: { T: FLOAT, keep_dims: { b: false } } },
  { name: 'skip_column', op: 'ExpandDims', input: ['skip_mean', 'one'], attr: { T: FLOAT } },
  { name: 'skip', op: 'MatMul', input: ['skip_column', 'skip_kernel'], attr: { T: FLOAT, transpose_a: { b: false }, transpose_b: { b: false } } },
  { name: 'probabilities', op: 'Softmax', input: ['skip'], attr: { T: FLOAT } },
];

/** The head after 'act' as plain ops: softmax(mean(A) K + b)[target]. */
function head(a: tf.Tensor, target: number): tf.Scalar {
  const logits = tf.add(tf.matMul(tf.mean(a, [1, 2, 3]) as tf.Tensor2D, tf.tensor2d(DENSE, [2, 3])), tf.tensor1d(BIAS));
  return tf.sum(tf.mul(tf.softmax(logits), tf.oneHot([target], 3).toFloat()));
}

const registry = createRegistry(gradCamModule, gradCamPlusPlusModule, scoreCamModule);

describe('CAM methods on a 3-D tf.GraphModel', () => {
  forEachBackend(() => {
    let model: tf.GraphModel;
    let volume: tf.Tensor5D;
    before(async () => {
      model = await graphModelFromNodes(CNN, WEIGHTS, { inputs: ['x'], outputs: ['probabilities'] });
      volume = tf.randomUniform([1, 3, 4, 5, 1], -1, 1, 'float32', 17) as tf.Tensor5D;
    });
    after(() => {
      model.dispose();
      volume.dispose();
    });

    it("the automatic search finds the 5-D node 'act' nearest the output; Grad-CAM, Grad-CAM++ and Score-CAM equal their formulas", async () => {
      const activations = model.execute(volume, 'act') as tf.Tensor5D;
      expect(activations.shape).to.deep.equal([1, 2, 3, 4, 2]);
      for (let target = 0; target < 3; target++) {
        const gradients = tf.grad((a: tf.Tensor) => head(a, target))(activations);
        const a = await exampleMaps(activations);
        const g = await exampleMaps(gradients);
        gradients.dispose();
        const raw = weightedSum(a, gradCamWeights(g));
        expect(Math.max(...raw) - Math.min(...raw), 'the reference map is not flat').to.be.greaterThan(1e-3);
        const expected = {
          gradcam: minMax(relu(weightedSum(a, gradCamWeights(g)))),
          'gradcam++': minMax(relu(weightedSum(a, gradCamPlusPlusWeights(a, g)))),
          scorecam: await scoreCamVolumeByLoop(activations, (x) => model.predict(x) as tf.Tensor2D, volume, target, 'softmax'),
        };
        for (const [name, values] of Object.entries(expected)) {
          const method = registry.decoder<CamOptions>(name)(model, { resolution: 'feature' });
          const map = await expectNoLeak(async () => {
            const heatmap = await method.computeHeatmap(volume, target);
            const result = { shape: heatmap.shape, values: await heatmap.data() };
            heatmap.dispose();
            return result;
          });
          expect((method as unknown as CamMethod).layerName).to.equal('act');
          expect(map.shape).to.deep.equal([2, 3, 4]);
          expectAllClose(map.values, values, 2e-4);
        }
      }
      activations.dispose();
    });

    it('a graph without a 5-D node besides its input: LayerNotFoundError naming the 5-D layout, no leak', async () => {
      const flat = await graphModelFromNodes(NO_FEATURE_MAP, WEIGHTS, { inputs: ['x'], outputs: ['probabilities'] });
      const error = await expectNoLeakOnThrow(() => registry.decoder('gradcam')(flat).computeHeatmap(volume, 0));
      expect(error).to.be.instanceOf(LayerNotFoundError);
      expect((error as Error).message).to.match(/no node with a 5-D output \(N, depth, height, width, channels\) whose depth, height and width exceed 1/);
      flat.dispose();
    });
  });
});
