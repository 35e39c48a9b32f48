import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { createRegistry } from '@tfxai/core';
import { gradCamModule, type GradCamOptions } from '@tfxai/cam';
import { expectAllClose, expectNoLeak, forEachBackend } from '@tfxai/test-utils';

/*
 * Grad-CAM on a conv net whose every weight is set by hand, checked against a
 * value derived on paper.
 *
 * Input x: 4x4x1 with x[i][j] = 4i + j - 6 (rows -6..-3, -2..1, 2..5, 6..9).
 * Conv 'features': 2 filters of 2x2, stride 1, 'valid', no bias, linear:
 *   filter 0 = [[1, 0], [0, 0]] -> A0[i][j] = x[i][j]          (i, j = 0..2)
 *   filter 1 = [[0, 0], [0, 1]] -> A1[i][j] = x[i+1][j+1] = A0[i][j] + 5
 * Global average pooling: p_k = (1/9) sum_ij A_k[i][j].
 * Dense (2 -> 2 classes), kernel W = [[3, -1], [-1, 2]] (row = channel k, column = class c),
 *   bias b = [8, -7] (so that the softmax below is not saturated: y = (1, 2) for the test image): y_c = sum_k W[k][c] p_k + b_c.
 *
 * Then d y_c / d A_k[i][j] = W[k][c] / 9 at every position, so the Grad-CAM weights are
 * a_k = mean_ij (W[k][c] / 9) = W[k][c] / 9, and the map is M_c = (1/9) sum_k W[k][c] A_k.
 *
 * Class 0: M_0 = (3 A0 - A1) / 9 = (2 A0 - 5) / 9 = (8i + 2j - 17) / 9:
 *            [[-17, -15, -13], [-9, -7, -5], [-1, 1, 3]] / 9.
 *   - With ReLU (paper): [[0,0,0],[0,0,0],[0,1,3]] / 9 -> min-max: [[0,0,0],[0,0,0],[0,1/3,1]].
 *   - Without ReLU (AUCMEDI): min -17/9, max 3/9 -> (8i + 2j) / 20 = (4i + j) / 10.
 * Class 1: M_1 = (-A0 + 2 A1) / 9 = (A0 + 10) / 9 = (4i + j + 4) / 9, all positive, so
 *   ReLU changes nothing: [[4, 5, 6], [8, 9, 10], [12, 13, 14]] / 9.
 *
 * A softmax on top does not change the logits' map: with output 'logits' the same
 * numbers come out of a model that ends in softmax (Dense with softmax activation,
 * or a linear Dense followed by an Activation('softmax') layer).
 */
const X = Array.from({ length: 16 }, (_, n) => n - 6); // 4i + j - 6 with n = 4i + j
const KERNEL = [
  // [row][col][in=0][out] for a 2x2 kernel with 2 output channels
  [[[1, 0]], [[0, 0]]],
  [[[0, 0]], [[0, 1]]],
];
const DENSE = [
  [3, -1],
  [-1, 2],
];
const BIAS = [8, -7];
const CLASS0_RAW = [-17, -15, -13, -9, -7, -5, -1, 1, 3].map((v) => v / 9);
const CLASS1_RAW = [4, 5, 6, 8, 9, 10, 12, 13, 14].map((v) => v / 9);

type Head = 'linear' | 'dense-softmax' | 'activation-softmax';

function handBuiltCnn(head: Head): tf.LayersModel {
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ name: 'features', inputShape: [4, 4, 1], filters: 2, kernelSize: 2, useBias: false, weights: [tf.tensor4d(KERNEL)] }));
  model.add(tf.layers.globalAveragePooling2d({}));
  const softmaxInDense = head === 'dense-softmax';
  model.add(tf.layers.dense({ units: 2, activation: softmaxInDense ? 'softmax' : 'linear', weights: [tf.tensor2d(DENSE), tf.tensor1d(BIAS)] }));
  if (head === 'activation-softmax') model.add(tf.layers.activation({ activation: 'softmax' }));
  return model;
}

const registry = createRegistry(gradCamModule);

async function heatmap(model: tf.LayersModel, options: GradCamOptions, classIndex: number): Promise<Float32Array> {
  const image = tf.tensor4d(X, [1, 4, 4, 1]);
  const values = await expectNoLeak(async () => {
    const map = await registry.decoder<GradCamOptions>('gradcam')(model, options).computeHeatmap(image, classIndex);
    const data = (await map.data()) as Float32Array;
    map.dispose();
    return data;
  });
  image.dispose();
  return values;
}

function minMax(values: number[], eps = 1e-8): number[] {
  const min = Math.min(...values);
  const max = Math.max(...values);
  return values.map((v) => (v - min) / (max - min + eps));
}

describe('Grad-CAM on a hand-built conv net (values derived on paper)', () => {
  forEachBackend(() => {
    const models = new Map<Head, tf.LayersModel>();
    before(() => {
      for (const head of ['linear', 'dense-softmax', 'activation-softmax'] as Head[]) models.set(head, handBuiltCnn(head));
    });
    after(() => models.forEach((m) => m.dispose()));

    it('finds the conv layer by itself', () => {
      expect((registry.decoder('gc')(models.get('linear')!) as unknown as { layerName: string }).layerName).to.equal('features');
    });

    it('class 0 with ReLU (the paper): [[0,0,0],[0,0,0],[0,1/3,1]] at feature resolution', async () => {
      const map = await heatmap(models.get('linear')!, { resolution: 'feature' }, 0);
      expectAllClose(map, [0, 0, 0, 0, 0, 0, 0, 1 / 3, 1], 1e-5);
    });

    it("class 0 without ReLU (AUCMEDI, relu: false): (4i + j) / 10", async () => {
      const map = await heatmap(models.get('linear')!, { resolution: 'feature', relu: false }, 0);
      expectAllClose(map, [0, 1, 2, 4, 5, 6, 8, 9, 10].map((v) => v / 10), 1e-5);
    });

    it('class 1: (4i + j + 4) / 9 normalised, the same with and without ReLU', async () => {
      const expected = minMax(CLASS1_RAW);
      expectAllClose(await heatmap(models.get('linear')!, { resolution: 'feature' }, 1), expected, 1e-5);
      expectAllClose(await heatmap(models.get('linear')!, { resolution: 'feature', relu: false }, 1), expected, 1e-5);
    });

    it("output: 'logits' gives the same maps through a Dense softmax and through an Activation('softmax') layer", async () => {
      for (const head of ['dense-softmax', 'activation-softmax'] as Head[]) {
        expectAllClose(await heatmap(models.get(head)!, { resolution: 'feature', output: 'logits' }, 0), [0, 0, 0, 0, 0, 0, 0, 1 / 3, 1], 1e-5);
        expectAllClose(await heatmap(models.get(head)!, { resolution: 'feature', output: 'logits', relu: false }, 1), minMax(CLASS1_RAW), 1e-5);
      }
    });

    it("output: 'probabilities' on the softmax model differs: softmax couples the classes", async () => {
      // d p_0 / d A_k = p_0 (1 - p_0) (W[k][0] - W[k][1]) / 9, so the weights become proportional to
      // W[k][0] - W[k][1] = (4, -3): map (4 A0 - 3 A1) / 9 * const = (A0 - 15) * const, all negative before ReLU.
      const map = await heatmap(models.get('dense-softmax')!, { resolution: 'feature', relu: false }, 0);
      expectAllClose(map, minMax([0, 1, 2, 4, 5, 6, 8, 9, 10]), 1e-4);
    });

    it('attribute gives the raw maps (no normalisation), bilinearly upsampled to 4x4, as (N, 4, 4, 1)', async () => {
      const images = tf.tensor4d([...X, ...X], [2, 4, 4, 1]);
      const [raw, expected] = await expectNoLeak(async () => {
        const { attributions } = await registry.decoder('gradcam')(models.get('linear')!).attribute!(images, [0, 1]);
        expect(attributions.shape).to.deep.equal([2, 4, 4, 1]);
        const reference = tf.tidy(() => tf.image.resizeBilinear(tf.tensor4d([...CLASS0_RAW.map((v) => Math.max(v, 0)), ...CLASS1_RAW], [2, 3, 3, 1]), [4, 4], false, true));
        const result = [await attributions.data(), await reference.data()];
        tf.dispose([attributions, reference]);
        return result;
      });
      expectAllClose(raw!, expected!, 1e-5);
      // Spot-check the upsampling itself: output pixel (0, 0) samples the feature map at (0, 0).
      expect(raw![16]).to.be.closeTo(4 / 9, 1e-5);
      images.dispose();
    });

    it("resolution 'input' (the default) is the feature-resolution map upsampled to the image, then normalised", async () => {
      const map = await heatmap(models.get('linear')!, {}, 1);
      const reference = tf.tidy(() => tf.image.resizeBilinear(tf.tensor4d(CLASS1_RAW, [1, 3, 3, 1]), [4, 4], false, true));
      const expected = minMax(Array.from(await reference.data()));
      reference.dispose();
      expect(map.length).to.equal(16);
      expectAllClose(map, expected, 1e-5);
    });
  });
});
