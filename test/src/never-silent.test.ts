import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { InvalidOptionError, TfxaiError, createRegistry, decoder, officialModules, type ModelLike } from 'tfxai';
import { gradientXInputModule } from 'tfxai-plugin-gradient-x-input';
import { expectNoLeakOnThrow, forEachBackend } from '@tfxai/test-utils';
import { tinyCnn } from './tiny-cnn.js';

/**
 * The findings of issue 9 that fall in core, Integrated Gradients and the
 * gradient maps, tried as a user would, through the umbrella's decoder. Only
 * names that existed before the redesign are imported, so the file also runs
 * against the old code (where every case below failed). Grad-CAM and the
 * perturbation methods join these lists as they move onto the core lifecycle.
 */
const GRADIENT_METHODS = ['ig', 'saliency', 'guided-backprop', 'gradient-shap', 'guided-gradcam'];

/** Small option values, so that a passing case stays fast. */
const FAST: Record<string, Record<string, unknown>> = { ig: { numSteps: 4 }, 'gradient-shap': { numSamples: 4 } };

async function expectTyped(action: () => Promise<unknown>, code: string, message: RegExp): Promise<void> {
  const error = await expectNoLeakOnThrow(action);
  expect(error, String(error)).to.be.instanceOf(TfxaiError);
  expect((error as TfxaiError).code).to.equal(code);
  expect((error as Error).message).to.match(message);
}

describe('never a silent wrong heatmap (issue 9: core, IG, gradient maps)', () => {
  describe('misspelt and out-of-range options are refused, naming the closest valid option', () => {
    const model = (x: tf.Tensor4D) => tf.sum(x, [1, 2]) as tf.Tensor2D;
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['ig', { numStep: 20 }, /'options.numStep': unknown option; .*did you mean 'numSteps'/],
      ['ig', { layerName: 'conv1' }, /'options.layerName': method 'integrated-gradients' does not work on a layer/],
      ['ig', { numSteps: 1e9 }, /'numSteps': must be an integer <= 10000; got 1000000000; .*limits: \{ numSteps: 1000000000 \}/],
      ['ig', { internalBatchSize: 1e9 }, /'internalBatchSize': must be an integer <= 1024/],
      ['gradient-shap', { numSample: 20 }, /did you mean 'numSamples'/],
      ['gradient-shap', { numSamples: 1e9 }, /'numSamples': must be an integer <= 10000; got 1000000000/],
      ['gradient-shap', { layerName: 'conv1' }, /does not work on a layer/],
      ['saliency', { layerName: 'conv1' }, /'options.layerName': method 'saliency' does not work on a layer/],
      ['saliency', { absolut: false }, /did you mean 'absolute'/],
      ['guided-backprop', { internalBatchsize: 4 }, /did you mean 'internalBatchSize'/],
      ['guided-gradcam', { layerNam: 'conv1' }, /did you mean 'layerName'/],
      ['ig', { smoothGrad: { sample: 3 } }, /'smoothGrad.sample': unknown option.*did you mean 'samples'/],
    ];
    for (const [name, options, message] of cases) {
      it(`${name} ${JSON.stringify(options)}: InvalidOptionError`, () => {
        expect(() => decoder(name)(model, options)).to.throw(InvalidOptionError, message);
      });
    }

    it('a bound is raised deliberately with limits', () => {
      expect(() => decoder('ig')(model, { numSteps: 20000, limits: { numSteps: 20000 } })).not.to.throw();
    });
  });

  forEachBackend(() => {
    /** The tiny CNN with every weight set to `value`: its scores are NaN (NaN, or Infinity - Infinity in the softmax). */
    function brokenCnn(value: number): tf.LayersModel {
      const model = tinyCnn();
      for (const layer of model.layers) layer.setWeights(layer.getWeights().map((w) => tf.fill(w.shape, value)));
      return model;
    }
    const image = () => tf.randomUniform([1, 6, 6, 3], 0, 1, 'float32', 3);

    for (const value of [NaN, Infinity]) {
      for (const name of GRADIENT_METHODS) {
        it(`${name} on a model whose scores are not finite (weights ${value}): a typed error, not a NaN map`, async () => {
          const model = brokenCnn(value);
          const x = image();
          const method = decoder(name)(model as ModelLike, FAST[name] ?? {});
          await expectTyped(() => method.computeHeatmap(x, 0), 'NON_FINITE_RESULT', /non-finite value.*No map is returned/);
          await expectTyped(() => method.attribute!(x, 0), 'NON_FINITE_RESULT', /non-finite/);
          x.dispose();
          model.dispose();
        });
      }
    }

    it('eps: NaN is refused, not a NaN map', async () => {
      const model = tinyCnn();
      const x = image();
      for (const name of GRADIENT_METHODS) {
        await expectTyped(() => decoder(name)(model, FAST[name] ?? {}).computeHeatmap(x, 0, NaN), 'INVALID_OPTION', /'eps': must be a finite number >= 0; got NaN/);
      }
      x.dispose();
      model.dispose();
    });

    it('an image of another size than the model declares (5x6 for 6x6), a 1-channel image on an RGB model: InvalidInputError naming expected and got', async () => {
      const model = tinyCnn();
      const narrow = tf.zeros([1, 5, 6, 3]);
      const gray = tf.zeros([1, 6, 6, 1]);
      for (const name of ['ig', 'saliency', 'guided-backprop', 'gradient-shap']) {
        await expectTyped(() => decoder(name)(model, FAST[name] ?? {}).computeHeatmap(narrow, 0), 'INVALID_INPUT', /expects \(H, W, C\) = \(6, 6, 3\); got \(5, 6, 3\)/);
        await expectTyped(() => decoder(name)(model, FAST[name] ?? {}).computeHeatmap(gray, 0), 'INVALID_INPUT', /1 channel\(s\) but the model takes 3/);
      }
      tf.dispose([narrow, gray]);
      model.dispose();
    });

    it('a model of free size and a 3x3 image: InvalidInputError before running; the backend still gives the same map afterwards', async () => {
      const model = tf.sequential({
        layers: [
          tf.layers.conv2d({ inputShape: [null, null, 3], filters: 4, kernelSize: 3, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
          tf.layers.maxPooling2d({ poolSize: 2 }),
          tf.layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
          tf.layers.globalAveragePooling2d({}),
          tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }),
        ],
      });
      const good = tf.randomUniform([1, 16, 16, 3], 0, 1, 'float32', 4);
      for (const name of ['ig', 'saliency', 'gradient-shap']) {
        const before = await decoder(name)(model, FAST[name] ?? {}).computeHeatmap(good, 1);
        const expected = Array.from(await before.data());
        before.dispose();
        for (const size of [1, 2, 3]) {
          const small = tf.ones([1, size, size, 3]);
          await expectTyped(() => decoder(name)(model, FAST[name] ?? {}).computeHeatmap(small, 1), 'INVALID_INPUT', /too small for the model/);
          small.dispose();
        }
        const after = await decoder(name)(model, FAST[name] ?? {}).computeHeatmap(good, 1);
        expect(Array.from(await after.data()), name).to.deep.equal(expected);
        after.dispose();
      }
      good.dispose();
      model.dispose();
    });

    it('a non-image model, a model with two inputs, a disposed model: typed errors, no raw tfjs message', async () => {
      const dense = tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 2 })] });
      const x = image();
      await expectTyped(() => decoder('ig')(dense, { numSteps: 4 }).computeHeatmap(x, 0), 'UNSUPPORTED_MODEL', /rank 2; tfxai explains classifiers of images, input \(N, H, W, C\) of rank 4, and of volumes/);
      const a = tf.input({ shape: [6, 6, 3] });
      const b = tf.input({ shape: [6, 6, 3] });
      const pooled = [a, b].map((input) => tf.layers.globalAveragePooling2d({}).apply(input) as tf.SymbolicTensor);
      const twoInputs = tf.model({ inputs: [a, b], outputs: tf.layers.add().apply(pooled) as tf.SymbolicTensor });
      expect(() => decoder('saliency')(twoInputs)).to.throw(TfxaiError, /has 2 inputs/);
      const model = tinyCnn();
      const ig = decoder('ig')(model, { numSteps: 4 });
      model.dispose();
      await expectTyped(() => ig.computeHeatmap(x, 0), 'UNSUPPORTED_MODEL', /disposed/);
      tf.dispose([x]);
      dense.dispose();
      twoInputs.dispose();
    });

    it('a third-party plugin on the core lifecycle gets the same guarantees: options, NaN scores, sizes', async () => {
      const registry = createRegistry(...officialModules, gradientXInputModule);
      const model = brokenCnn(NaN);
      const x = image();
      expect(() => registry.decoder('gxi')(model, { numSteps: 3 })).to.throw(InvalidOptionError, /'options.numSteps': unknown option; allowed: absolute, smoothGrad$/);
      await expectTyped(() => registry.decoder('gxi')(model).computeHeatmap(x, 0), 'NON_FINITE_RESULT', /gradient-x-input: .*non-finite/);
      const narrow = tf.zeros([1, 5, 6, 3]);
      await expectTyped(() => registry.decoder('gxi')(model).attribute!(narrow, 0), 'INVALID_INPUT', /expects \(H, W, C\) = \(6, 6, 3\)/);
      tf.dispose([x, narrow]);
      model.dispose();
    });

    it('an image larger than 4096x4096 pixels: InvalidInputError saying to resize', async () => {
      const wide = tf.zeros([1, 2, 4096 * 4096, 1]);
      await expectTyped(() => decoder('saliency')((x: tf.Tensor4D) => tf.sum(x, [1, 2]) as tf.Tensor2D).computeHeatmap(wide, 0), 'INVALID_INPUT', /Resize the images first/);
      wide.dispose();
    });
  });
});
