import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { InvalidOptionError, LayerNotFoundError, createRegistry, withTfxaiKernels, type XaiMethod } from '@tfxai/core';
import { findTargetLayer, gradCamModule, gradCamPlusPlusModule, scoreCamModule, type CamOptions } from '@tfxai/cam';
import { expectAllClose, expectNoLeak, expectNoLeakOnThrow, forEachBackend } from '@tfxai/test-utils';
// tfxai's kernel corrections, as the umbrella loads them: gradients through batch norms without a scale.
import '@tfxai/wasm-kernels';
import { handBuiltGraphModel } from './graph-model.js';
import { CLASSES, INCEPTION_INPUT, MOBILENET_INPUT, inceptionV3Like, mobileNetV2WithPoolingHead, seededImages, type SplitModel } from './real-architectures.js';
import { firstExample, gradCamPlusPlusWeights, gradCamWeights, minMax, relu, scoreCamByLoop, weightedSum } from './reference-cams.js';

/*
 * CAM methods on the structures of real Keras applications (MobileNetV2 with a user's
 * `AveragePooling2D(7)` head, InceptionV3's scale-less batch norms and mixed blocks),
 * checked against the formulas evaluated on the model split at the layer: activations
 * from the body, gradients by autodiff through an independent copy of the head.
 */
const registry = createRegistry(gradCamModule, gradCamPlusPlusModule, scoreCamModule);
type Cam = XaiMethod & { layerName: string };

async function heatmap(method: XaiMethod, image: tf.Tensor4D, target: number): Promise<Float32Array> {
  return expectNoLeak(async () => {
    const map = await method.computeHeatmap(image, target);
    const values = (await map.data()) as Float32Array;
    map.dispose();
    return values;
  });
}

/** The three CAMs of `split` at its layer for one image and class, from the split model (no package code). */
async function references(split: SplitModel, image: tf.Tensor4D, target: number): Promise<Record<'gradcam' | 'gradcam++' | 'scorecam', number[]>> {
  const activations = split.body.predict(image) as tf.Tensor4D;
  // Inside tfxai's kernel scope: the head's same-padded average pooling needs the corrected
  // gradient there (stock tfjs divides border windows by the full window size; the correction is
  // checked against float64 loops in packages/wasm-kernels/test/volume-gradients.test.ts).
  const gradients = withTfxaiKernels(() => tf.grad((a: tf.Tensor) => tf.sum(tf.mul(split.head.predict(a) as tf.Tensor, tf.oneHot([target], CLASSES).toFloat())))(activations));
  const [a, g] = [await firstExample(activations), await firstExample(gradients)];
  const scorecam = await scoreCamByLoop(activations, (x) => split.model.predict(x) as tf.Tensor2D, image, target, 'softmax');
  tf.dispose([activations, gradients]);
  return {
    gradcam: minMax(relu(weightedSum(a, gradCamWeights(g)))),
    'gradcam++': minMax(relu(weightedSum(a, gradCamPlusPlusWeights(a, g)))),
    scorecam,
  };
}

/** The predicted class: the one a user explains, with positive evidence somewhere. */
async function predicted(model: tf.LayersModel, image: tf.Tensor4D): Promise<number> {
  const scores = model.predict(image) as tf.Tensor;
  const index = (await scores.argMax(-1).data())[0]!;
  scores.dispose();
  return index;
}

function expectNotConstant(values: ArrayLike<number>, label: string): void {
  const list = Array.from(values);
  expect(Math.max(...list) - Math.min(...list), `${label}: the map is constant`).to.be.above(0.99);
}

describe('CAM methods on real architectures: the automatic layer has a spatial map, and the maps are right', () => {
  forEachBackend(() => {
    for (const nested of [false, true]) {
      it(`MobileNetV2 with an AveragePooling2D(7) head${nested ? ' (body as a nested model)' : ''}: the layer is ${nested ? "'mobilenetv2/out_relu'" : "'out_relu'"}, not the 1x1 pooling, and each map equals its formula`, async () => {
        const split = mobileNetV2WithPoolingHead(nested);
        const image = seededImages(MOBILENET_INPUT);
        try {
          expect(findTargetLayer(split.model).path).to.equal(split.layer);
          const target = await predicted(split.model, image);
          const expected = await references(split, image, target);
          for (const name of ['gradcam', 'gradcam++', 'scorecam'] as const) {
            const method = registry.decoder<CamOptions>(name)(split.model, { resolution: 'feature' }) as Cam;
            expect(method.layerName, name).to.equal(split.layer);
            const values = await heatmap(method, image, target);
            expect(values.length, `${name}: a 7x7 map`).to.equal(49);
            expectNotConstant(values, name);
            expectAllClose(values, expected[name], 2e-4);
          }
        } finally {
          image.dispose();
          split.dispose();
        }
      });
    }

    it('a layerName whose feature map is 1x1 (the pooling head): InvalidOptionError naming the spatial layers', () => {
      const split = mobileNetV2WithPoolingHead(false);
      for (const name of ['gradcam', 'gradcam++', 'scorecam']) {
        expect(() => registry.decoder<CamOptions>(name)(split.model, { layerName: 'head_pool' }), name).to.throw(InvalidOptionError, /layer 'head_pool' gives a 1x1 feature map.*constant.*out_relu/);
      }
      split.dispose();
    });

    it('a model with a free spatial size: an automatic layer that turns out 1x1 for the input is a LayerNotFoundError, not a flat map', async () => {
      const model = tf.sequential({
        layers: [
          tf.layers.conv2d({ name: 'conv', inputShape: [null, null, 2] as unknown as number[], filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }),
          tf.layers.averagePooling2d({ name: 'pool', poolSize: 4 }),
          tf.layers.globalAveragePooling2d({}),
          tf.layers.dense({ units: 2, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) }),
        ],
      });
      const method = registry.decoder('gradcam')(model) as Cam;
      expect(method.layerName, 'size unknown before the model runs').to.equal('pool');
      const small = seededImages([4, 4, 2]);
      const error = await expectNoLeakOnThrow(() => method.computeHeatmap(small, 0));
      expect(error).to.be.instanceOf(LayerNotFoundError);
      expect((error as Error).message).to.match(/automatically found layer 'pool' is 1x1 for images of this size.*constant.*pass layerName/);
      const large = seededImages([8, 8, 2]);
      expectNotConstant(await heatmap(registry.decoder<CamOptions>('gradcam')(model, { resolution: 'feature' }), large, 0), 'a 2x2 pooled map on 8x8');
      tf.dispose([small, large]);
      model.dispose();
    });

    describe('a tf.GraphModel whose global mean is a 1x1 AvgPool node', () => {
      // The hand-built net of graph-model.test.ts (same numbers): class 1's Grad-CAM on 'features' is (10 - 4i - j) / 10.
      const image = () => tf.tensor4d(Array.from({ length: 16 }, (_, n) => n - 6), [1, 4, 4, 1]);

      it("the automatic search passes over the 1x1 'pooled_map' and finds 'features', with the values derived on paper", async () => {
        const model = await handBuiltGraphModel('avg-pool-head');
        const x = image();
        const method = registry.decoder<CamOptions>('gradcam')(model, { resolution: 'feature' }) as Cam;
        const values = await heatmap(method, x, 1);
        expect(method.layerName).to.equal('features');
        expectAllClose(values, [0, 1, 2, 4, 5, 6, 8, 9, 10].map((v) => (10 - v) / 10), 1e-5);
        tf.dispose(x);
        model.dispose();
      });

      it("layerName 'pooled_map' (1x1): InvalidOptionError on the first call, no leak", async () => {
        const model = await handBuiltGraphModel('avg-pool-head');
        const x = image();
        for (const name of ['gradcam', 'gradcam++', 'scorecam']) {
          const error = await expectNoLeakOnThrow(() => registry.decoder<CamOptions>(name)(model, { layerName: 'pooled_map' }).computeHeatmap(x, 1));
          expect(error, name).to.be.instanceOf(InvalidOptionError);
          expect((error as Error).message).to.match(/layer 'pooled_map' is 1x1.*constant/);
        }
        tf.dispose(x);
        model.dispose();
      });
    });

    describe('InceptionV3-like (BatchNormalization with scale: false, mixed blocks)', () => {
      let inception: ReturnType<typeof inceptionV3Like>;
      let image: tf.Tensor4D;
      let target: number;
      before(async () => {
        inception = inceptionV3Like();
        image = seededImages(INCEPTION_INPUT, 1, 13);
        target = await predicted(inception.model, image);
      });
      after(() => {
        image.dispose();
        inception.dispose();
      });

      // Stock tfjs 4.22 cannot record gradients through a batch norm without a scale tensor
      // ("reading 'dtype'" on wasm, "'dataId'" on cpu); @tfxai/wasm-kernels' scoped gradient,
      // imported above, records them inside tfxai's passes.
      for (const split of ['mixed1', 'mixed0'] as const) {
        const automatic = split === 'mixed1';
        for (const name of ['gradcam', 'gradcam++', 'scorecam'] as const) {
          const label = automatic
            ? `${name}: the automatic layer is the last mixed block 'mixed1', and the map equals its formula`
            : `${name}, layerName 'mixed0': through mixed1's scale-less batch norms, the map equals that of the model with each batch norm folded into its convolution`;
          it(label, async function () {
            const expected = await references(inception.splits[split], image, target);
            const method = registry.decoder<CamOptions>(name)(inception.model, { resolution: 'feature', ...(automatic ? {} : { layerName: 'mixed0' }) }) as Cam;
            expect(method.layerName).to.equal(split);
            const values = await heatmap(method, image, target);
            expectNotConstant(values, name);
            expectAllClose(values, expected[name], 2e-4);
          });
        }
      }
    });
  });
});
