import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { createRegistry } from '@tfxai/core';
import { saliencyModule, type SaliencyOptions } from '@tfxai/gradient-maps';
import { expectAllClose, expectNoLeak, forEachBackend, maxAbsDiff } from '@tfxai/test-utils';
import { linearModel, seededImages, smoothSoftmaxCnn } from './models.js';

const registry = createRegistry(saliencyModule);

/** Central differences (F(x + eps e_i) - F(x - eps e_i)) / 2 eps of one class score, all 2 * size rows in one forward pass. */
async function finiteDifferenceGradient(model: tf.LayersModel, image: tf.Tensor4D, classIndex: number, eps: number): Promise<Float32Array> {
  const size = image.size;
  const gradient = tf.tidy(() => {
    const steps = tf.eye(size).mul(eps).reshape([size, ...image.shape.slice(1)]);
    const scores = model.predict(tf.concat([image.add(steps), image.sub(steps)])) as tf.Tensor2D;
    const column = scores.slice([0, classIndex], [2 * size, 1]).reshape([2 * size]);
    return column.slice(0, size).sub(column.slice(size, size)).div(2 * eps);
  });
  const values = (await gradient.data()) as Float32Array;
  gradient.dispose();
  return values;
}

/** AUCMEDI's SaliencyMap.compute_heatmap, line by line: gradient of preds[:, c], max over channels (signed), min-max. */
async function aucmediHeatmap(model: tf.LayersModel, image: tf.Tensor4D, classIndex: number, absolute: boolean, eps = 1e-8): Promise<number[]> {
  const gradient = tf.grad((x: tf.Tensor) => (model.predict(x) as tf.Tensor2D).slice([0, classIndex], [1, 1]).sum())(image);
  const g = Array.from(await gradient.data());
  gradient.dispose();
  const channels = image.shape[3];
  const map = Array.from({ length: g.length / channels }, (_, p) => Math.max(...g.slice(p * channels, (p + 1) * channels).map((v) => (absolute ? Math.abs(v) : v))));
  const min = Math.min(...map);
  const max = Math.max(...map);
  return map.map((v) => (v - min) / (max - min + eps));
}

async function attributionValues(options: SaliencyOptions, model: tf.LayersModel | ((x: tf.Tensor4D) => tf.Tensor), images: tf.Tensor, targets: number | number[]): Promise<Float32Array> {
  return expectNoLeak(async () => {
    const { attributions } = await registry.decoder<SaliencyOptions>('saliency')(model, options).attribute!(images, targets);
    expect(attributions.shape).to.deep.equal(images.rank === 3 ? [1, ...images.shape] : images.shape);
    const values = (await attributions.data()) as Float32Array;
    attributions.dispose();
    return values;
  });
}

describe('Saliency', () => {
  forEachBackend(() => {
    let model: tf.LayersModel;
    let images: tf.Tensor4D;
    before(() => {
      model = smoothSoftmaxCnn();
      images = seededImages([2, 6, 6, 2]);
    });
    after(() => {
      model.dispose();
      images.dispose();
    });

    it('attribute equals a central finite-difference gradient of the class probability (eps 1e-2)', async () => {
      for (const [row, classIndex] of [[0, 1], [1, 2]] as const) {
        const image = images.slice(row, 1);
        const gradient = await attributionValues({}, model, image, classIndex);
        const reference = await finiteDifferenceGradient(model, image, classIndex, 1e-2);
        // float32 forward passes: rounding ~1e-6 after dividing by 2 eps, truncation ~eps^2.
        const scale = Math.max(...reference.map(Math.abs));
        expect(scale, 'the gradient is not negligible').to.be.greaterThan(1e-3);
        expectAllClose(gradient, reference, 5e-4 * scale, 5e-3);
        image.dispose();
      }
    });

    it('a batch with one target per example equals the examples one by one', async () => {
      const batch = await attributionValues({ internalBatchSize: 1 }, model, images, [1, 2]);
      const first = images.slice(0, 1);
      const second = images.slice(1, 1);
      const expected = [...(await attributionValues({}, model, first, 1)), ...(await attributionValues({}, model, second, 2))];
      expectAllClose(batch, expected, 1e-6);
      tf.dispose([first, second]);
    });

    it('on a linear function model the gradient is the weight column, exactly', async () => {
      const { model: linear, weights, w } = linearModel(12, 4);
      const input = tf.tensor4d(Array.from({ length: 12 }, (_, i) => i / 5 - 1), [1, 2, 2, 3]);
      const gradient = await attributionValues({}, linear, input, 2);
      expectAllClose(gradient, Array.from({ length: 12 }, (_, i) => w[i * 4 + 2]!), 1e-6);
      tf.dispose([weights, input]);
    });

    it("output: 'logits' is the gradient of the score before the softmax (the same CNN built without it)", async () => {
      const logitsTwin = smoothSoftmaxCnn(3, 'linear');
      const image = images.slice(1, 1);
      const logits = await attributionValues({ output: 'logits' }, model, image, 0);
      expectAllClose(logits, await attributionValues({}, logitsTwin, image, 0), 1e-6, 1e-5);
      expectAllClose(logits, await finiteDifferenceGradient(logitsTwin, image, 0, 1e-2), 1e-3 * Math.max(...logits.map(Math.abs)), 5e-3);
      expect(maxAbsDiff(logits, await attributionValues({}, model, image, 0))).to.be.greaterThan(1e-3);
      logitsTwin.dispose();
      image.dispose();
    });

    it('heatmap: max over channels of |gradient| by default; absolute: false reproduces AUCMEDI (signed maximum)', async () => {
      const image = images.slice(0, 1);
      for (const absolute of [true, false]) {
        const heatmap = await expectNoLeak(async () => {
          const map = await registry.decoder<SaliencyOptions>('sm')(model, absolute ? {} : { absolute: false, channelReduction: 'max' }).computeHeatmap(image, 0);
          expect(map.shape).to.deep.equal([6, 6]);
          const values = await map.data();
          map.dispose();
          return values;
        });
        expectAllClose(heatmap, await aucmediHeatmap(model, image, 0, absolute), 1e-5);
      }
      // The two differ on this model: some channel maxima are negative.
      const signed = await aucmediHeatmap(model, image, 0, false);
      expect(maxAbsDiff(signed, await aucmediHeatmap(model, image, 0, true))).to.be.greaterThan(0.05);
      image.dispose();
    });
  });
});
