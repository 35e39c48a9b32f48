import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { InvalidOptionError, adaptModel, createRegistry } from '@tfxai/core';
import { integratedGradientsModule, splitAtFirstLayer, type IntegratedGradientsOptions } from '@tfxai/integrated-gradients';
import { expectAllClose, expectNoLeak, forEachBackend } from '@tfxai/test-utils';

const registry = createRegistry(integratedGradientsModule);

/** A seeded softmax CNN whose first conv has a non-zero bias, 'same' padding and stride 2: every term of the shortcut matters. */
function convFirstCnn(): tf.LayersModel {
  const init = (seed: number) => tf.initializers.glorotUniform({ seed });
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [14, 14, 3], filters: 6, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: init(1), biasInitializer: tf.initializers.randomUniform({ minval: -0.3, maxval: 0.3, seed: 2 }) }),
      tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'valid', activation: 'relu', kernelInitializer: init(3) }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 4, activation: 'softmax', kernelInitializer: init(4) }),
    ],
  });
}

/** Raw attributions with and without the shortcut; the caller owns nothing afterwards. */
async function both(model: tf.LayersModel, image: tf.Tensor4D, options: IntegratedGradientsOptions): Promise<[Float32Array, Float32Array]> {
  const plain = await registry.decoder<IntegratedGradientsOptions>('ig')(model, options).attribute!(image, 2);
  const fast = await registry.decoder<IntegratedGradientsOptions>('ig')(model, { ...options, firstLayerShortcut: true }).attribute!(image, 2);
  const values = [(await plain.attributions.data()) as Float32Array, (await fast.attributions.data()) as Float32Array] as [Float32Array, Float32Array];
  tf.dispose([plain.attributions, fast.attributions]);
  return values;
}

/** |fast - plain| <= 1e-5 x max |plain| element-wise, and the attributions are not all zero. */
function expectSame(fast: Float32Array, plain: Float32Array): void {
  const scale = Math.max(...plain.map(Math.abs));
  expect(scale).to.be.greaterThan(1e-6);
  expectAllClose(fast, plain, 1e-5 * scale, 1e-5);
}

describe('Integrated Gradients: first-layer shortcut (exact through a linear first layer)', () => {
  it('rejects a non-boolean firstLayerShortcut with a typed error', () => {
    expect(() => registry.decoder<IntegratedGradientsOptions>('ig')(convFirstCnn(), { firstLayerShortcut: 'yes' as never })).to.throw(InvalidOptionError, /firstLayerShortcut.*true or false/);
  });

  forEachBackend(() => {
    let model: tf.LayersModel;
    let images: tf.Tensor4D;
    before(() => {
      model = convFirstCnn();
      images = tf.randomUniform([1, 14, 14, 3], 0, 1, 'float32', 5) as tf.Tensor4D;
    });
    after(() => {
      model.dispose();
      images.dispose();
    });

    it('splits a Sequential that starts with a Conv2D', () => {
      expect(splitAtFirstLayer(adaptModel(model))).to.not.equal(undefined);
    });

    it('equals the plain computation to 1e-5 (default path: trapezoid, 50 steps, zero baseline), leaking nothing', async () => {
      const [plain, fast] = await expectNoLeak(() => both(model, images, {}));
      expectSame(fast, plain);
    });

    it('equals it with two non-zero baselines, Gauss-Legendre nodes and chunks that split a baseline\'s points', async () => {
      const [plain, fast] = await expectNoLeak(() => both(model, images, { baseline: [0.4, { type: 'uniform', low: 0, high: 1, seed: 9 }], rule: 'gauss-legendre', numSteps: 13, internalBatchSize: 5 }));
      expectSame(fast, plain);
    });

    it('equals it without multiplying by the inputs (the raw path-averaged gradient)', async () => {
      const [plain, fast] = await expectNoLeak(() => both(model, images, { multiplyByInputs: false, numSteps: 20 }));
      expectSame(fast, plain);
    });

    it('a functional model (not a Sequential) takes the plain path: bit-identical results', async () => {
      const input = tf.input({ shape: [14, 14, 3] });
      const hidden = tf.layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 6 }) }).apply(input) as tf.SymbolicTensor;
      const flat = tf.layers.flatten().apply(hidden) as tf.SymbolicTensor;
      const output = tf.layers.dense({ units: 4, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 7 }) }).apply(flat) as tf.SymbolicTensor;
      const other = tf.model({ inputs: input, outputs: output });
      expect(splitAtFirstLayer(adaptModel(other))).to.equal(undefined);
      const [plain, fast] = await both(other, images, { numSteps: 10 });
      expect(Array.from(fast)).to.deep.equal(Array.from(plain));
      other.dispose();
    });
  });
});
