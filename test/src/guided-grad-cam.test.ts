import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { InvalidOptionError, LayerNotFoundError, createRegistry, gradCamModule, guidedBackpropModule, guidedGradCamModule, resizeMap, type GuidedGradCamOptions } from 'tfxai';
import { expectAllClose, expectNoLeak, forEachBackend, itRejectsBadImages, reluSoftmaxCnn, seededImages } from '@tfxai/test-utils';

const registry = createRegistry(guidedGradCamModule, guidedBackpropModule, gradCamModule);

async function heatmapValues(name: string, model: tf.LayersModel, image: tf.Tensor, classIndex: number, options?: object): Promise<{ values: Float32Array; shape: number[] }> {
  return expectNoLeak(async () => {
    const map = await registry.decoder(name)(model, options).computeHeatmap(image, classIndex);
    const values = (await map.data()) as Float32Array;
    const shape = map.shape;
    map.dispose();
    return { values, shape };
  });
}

async function attributionValues(name: string, model: tf.LayersModel, images: tf.Tensor, targets: number | number[], options?: object): Promise<{ values: Float32Array; shape: number[] }> {
  return expectNoLeak(async () => {
    const { attributions } = await registry.decoder(name)(model, options).attribute!(images, targets);
    const values = (await attributions.data()) as Float32Array;
    const shape = attributions.shape;
    attributions.dispose();
    return { values, shape };
  });
}

function minMax(values: ArrayLike<number>, eps = 1e-8): number[] {
  const list = Array.from(values);
  const [min, max] = [Math.min(...list), Math.max(...list)];
  return list.map((v) => (v - min) / (max - min + eps));
}

describe('Guided Grad-CAM', () => {
  forEachBackend(() => {
    let model: tf.LayersModel;
    let images: tf.Tensor4D;
    before(() => {
      model = reluSoftmaxCnn();
      images = seededImages([2, 8, 8, 3], 51);
    });
    after(() => {
      model.dispose();
      images.dispose();
    });

    for (const [label, makeOptions] of [
      ['defaults', () => ({})],
      ["AUCMEDI's options (absolute: false, relu: false)", () => ({ absolute: false, relu: false })],
      ['the first conv layer as Grad-CAM layer', () => ({ layerName: model.layers[0]!.name })],
    ] as [string, () => GuidedGradCamOptions][]) {
      it(`computeHeatmap equals minMax(guided-backprop heatmap * resized Grad-CAM heatmap), each computed on its own: ${label}`, async () => {
        const image = images.slice(0, 1);
        const options = makeOptions();
        const { absolute, relu, layerName } = options;
        const guided = await heatmapValues('gb', model, image, 2, absolute === undefined ? {} : { absolute });
        const camOptions = { resolution: 'feature', ...(relu === undefined ? {} : { relu }), ...(layerName ? { layerName } : {}) };
        const cam = await heatmapValues('gradcam', model, image, 2, camOptions);
        expect(Math.max(...cam.values), 'the Grad-CAM map is not empty').to.be.greaterThan(0.5);
        const resized = tf.tidy(() => resizeMap(tf.tensor2d(cam.values, cam.shape as [number, number]), [8, 8]).dataSync());
        const expected = minMax(Array.from(guided.values, (g, i) => g * resized[i]!));
        const combined = await heatmapValues('ggc', model, image, 2, options);
        expect(combined.shape).to.deep.equal([8, 8]);
        expectAllClose(combined.values, expected, 1e-5);
        image.dispose();
      });
    }

    it('attribute is the raw guided gradient times the raw Grad-CAM map upsampled to the input, per example', async () => {
      const guided = await attributionValues('guided-backprop', model, images, [1, 2]);
      const cam = await attributionValues('gradcam', model, images, [1, 2]);
      expect(cam.shape).to.deep.equal([2, 8, 8, 1]);
      const combined = await attributionValues('GuidedGradCAM', model, images, [1, 2]);
      expect(combined.shape).to.deep.equal([2, 8, 8, 3]);
      expectAllClose(combined.values, Array.from(guided.values, (g, i) => g * cam.values[Math.floor(i / 3)]!), 1e-9, 1e-5);
    });

    it('smoothGrad applies to the guided-backprop component', async () => {
      const smoothGrad = { samples: 4, noiseLevel: 0.2, seed: 6 };
      const guided = await attributionValues('gb', model, images, [0, 1], { smoothGrad });
      const cam = await attributionValues('gradcam', model, images, [0, 1]);
      const combined = await attributionValues('ggc', model, images, [0, 1], { smoothGrad });
      expectAllClose(combined.values, Array.from(guided.values, (g, i) => g * cam.values[Math.floor(i / 3)]!), 1e-9, 1e-5);
    });

    it("output: 'logits' reaches both components", async () => {
      const image = images.slice(1, 1);
      const guided = await attributionValues('gb', model, image, 0, { output: 'logits' });
      const cam = await attributionValues('gradcam', model, image, 0, { output: 'logits' });
      const combined = await attributionValues('ggc', model, image, 0, { output: 'logits' });
      expectAllClose(combined.values, Array.from(guided.values, (g, i) => g * cam.values[Math.floor(i / 3)]!), 1e-9, 1e-5);
      const probabilities = await attributionValues('ggc', model, image, 0);
      expect(Math.max(...Array.from(combined.values, (v, i) => Math.abs(v - probabilities.values[i]!)))).to.be.greaterThan(0);
      image.dispose();
    });

    it('errors: no 4-D layer, an unknown layer, a bad relu option', () => {
      const dense = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [2, 2, 1] }), tf.layers.dense({ units: 2, activation: 'softmax' })] });
      expect(() => registry.decoder('ggc')(dense)).to.throw(LayerNotFoundError, /no layer with a 4-D output/);
      expect(() => registry.decoder('ggc')(model, { layerName: 'nope' })).to.throw(LayerNotFoundError, /no layer 'nope'/);
      expect(() => registry.decoder('ggc')(model, { relu: 'no' })).to.throw(InvalidOptionError, /relu.*true or false/);
      expect(() => registry.decoder('ggc')(model, { resolution: 'feature' })).to.throw(InvalidOptionError, /'options.resolution'.*unknown option/);
      dense.dispose();
    });

    itRejectsBadImages('guided-gradcam', () => registry.decoder('guided-gradcam')(model, { smoothGrad: { samples: 2 } }));
  });
});

