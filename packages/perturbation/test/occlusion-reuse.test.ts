import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { adaptModel, createRegistry } from '@tfxai/core';
import { ActivationReuse, OcclusionSensitivity, occlusionModule, windowSpans, type OcclusionOptions } from '@tfxai/perturbation';
import { expectAllClose, expectNoLeak, forEachBackend } from '@tfxai/test-utils';

const registry = createRegistry(occlusionModule);
const occlusion = (model: tf.LayersModel, options?: OcclusionOptions) => registry.decoder<OcclusionOptions>('occlusion')(model, options) as OcclusionSensitivity;

/**
 * A seeded softmax CNN over 18x22x3 whose layers exercise every geometry the reuse handles:
 * 'same' and 'valid' convolutions, stride 2, dilation 2, max-pooling 'valid' and 'same' (3x3,
 * stride 2: padded with -Infinity), non-zero biases, pointwise layers (batch norm, activation),
 * then Flatten and Dense, where the reuse stops.
 */
function geometryCnn(): tf.LayersModel {
  const init = (seed: number) => tf.initializers.glorotUniform({ seed });
  const bias = (seed: number) => tf.initializers.randomUniform({ minval: -0.2, maxval: 0.2, seed });
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [18, 22, 3], filters: 5, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(1), biasInitializer: bias(2) }),
      tf.layers.batchNormalization({ gammaInitializer: tf.initializers.randomUniform({ minval: 0.5, maxval: 1.5, seed: 3 }), movingMeanInitializer: bias(4), movingVarianceInitializer: tf.initializers.randomUniform({ minval: 0.5, maxval: 1.5, seed: 5 }) }),
      tf.layers.conv2d({ filters: 6, kernelSize: 3, strides: 2, padding: 'same', kernelInitializer: init(6), biasInitializer: bias(7) }),
      tf.layers.activation({ activation: 'elu' }),
      tf.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same' }),
      tf.layers.conv2d({ filters: 6, kernelSize: 2, dilationRate: 2, padding: 'same', activation: 'relu', kernelInitializer: init(8), biasInitializer: bias(9) }),
      tf.layers.conv2d({ filters: 4, kernelSize: 2, padding: 'valid', activation: 'tanh', kernelInitializer: init(10) }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 4, activation: 'softmax', kernelInitializer: init(11) }),
    ],
  });
}

/** A VGG-like CNN on 32x32 (3x3 'same' convs and 2x2 pools, as bench/models.mjs): a small patch stays small for several layers. */
function vggLike(): tf.LayersModel {
  const init = (seed: number) => tf.initializers.glorotUniform({ seed });
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [32, 32, 3], filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(1), biasInitializer: 'ones' }),
      tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(2) }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(3) }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: init(4) }),
    ],
  });
}

/** The sensitivity maps with and without reuse (the caller owns nothing afterwards), checked for leaks. */
async function both(model: tf.LayersModel, image: tf.Tensor4D, classIndex: number, options: OcclusionOptions): Promise<[Float32Array, Float32Array]> {
  const plainMap = await occlusion(model, options).sensitivityMap(image, classIndex);
  const plain = (await plainMap.data()) as Float32Array;
  plainMap.dispose();
  const reused = await expectNoLeak(async () => {
    const map = await occlusion(model, { ...options, reuseActivations: true }).sensitivityMap(image, classIndex);
    const values = (await map.data()) as Float32Array;
    map.dispose();
    return values;
  });
  return [reused, plain];
}

/** |reused - plain| <= 1e-5 x max |plain| element-wise (plus 1e-6 absolute), on a map that is not constant. */
function expectSame(reused: Float32Array, plain: Float32Array): void {
  const scale = Math.max(...plain.map(Math.abs));
  expect(Math.max(...plain) - Math.min(...plain), 'the map varies').to.be.greaterThan(1e-6);
  expectAllClose(reused, plain, 1e-5 * scale + 1e-6, 1e-5);
}

describe('Occlusion: reuse of the unoccluded activations (exact to float rounding)', () => {
  forEachBackend(() => {
    let geometry: tf.LayersModel;
    let vgg: tf.LayersModel;
    let image: tf.Tensor4D;
    let square: tf.Tensor4D;
    before(() => {
      geometry = geometryCnn();
      vgg = vggLike();
      image = tf.randomUniform([1, 18, 22, 3], 0, 1, 'float32', 21) as tf.Tensor4D;
      square = tf.randomUniform([1, 32, 32, 3], 0, 1, 'float32', 22) as tf.Tensor4D;
    });
    after(() => tf.dispose([geometry, vgg, image, square] as unknown as tf.Tensor[]));

    const cases: [string, OcclusionOptions][] = [
      ['patch 4, stride 3, clipped edge windows, mean fill, drop', { patchSize: 4, stride: 3, score: 'drop' }],
      ['patch [5, 3], stride [2, 3], shifted edge windows, blur fill, batch 7', { patchSize: [5, 3], stride: [2, 3], edgeWindows: 'shift', fill: 'blur', batchSize: 7 }],
      ['patch 9 (half the image): the reuse stops at the first layer', { patchSize: 9, stride: 4, fill: 0.5 }],
    ];
    for (const [label, options] of cases) {
      it(`equals the plain computation on every layer geometry: ${label}`, async () => {
        const [reused, plain] = await both(geometry, image, 2, options);
        expectSame(reused, plain);
      });
    }

    it('equals the plain computation on a VGG-like model (AUCMEDI-style patch 4 at 32x32, constant fill)', async () => {
      const [reused, plain] = await both(vgg, square, 1, { patchSize: 4, fill: 0.3, score: 'drop' });
      expectSame(reused, plain);
    });

    it('computes only the changed regions: on the VGG-like model, a quarter or less of the multiply-adds', async () => {
      const adapter = adaptModel(vgg);
      const background = tf.fill([1, 32, 32, 3], 0.3) as tf.Tensor4D;
      const spans = windowSpans(32, 4, 4, 'clip');
      const windows = spans.flatMap((row) => spans.map((col) => [row, col] as [typeof row, typeof col]));
      const reuse = ActivationReuse.plan(adapter, square)!;
      const scores = await reuse.scores(background, windows, 32, 1, 3);
      reuse.dispose();
      // The same scores as the model on the occluded images, built here by hand.
      const expected = tf.tidy(() => {
        const masks = windows.map(([row, col]) => tf.pad(tf.ones([row.end - row.start, col.end - col.start, 3]), [[row.start, 32 - row.end], [col.start, 32 - col.end], [0, 0]]));
        const occluded = tf.add(tf.mul(square, tf.sub(1, tf.stack(masks))), tf.mul(tf.stack(masks), 0.3));
        return (vgg.predict(occluded) as tf.Tensor2D).slice([0, 1], [windows.length, 1]).reshape([-1]);
      });
      expectAllClose(Float32Array.from(scores), (await expected.data()) as Float32Array, 1e-6, 1e-5);
      tf.dispose([expected, background]);
      expect(reuse.savings.plain).to.be.greaterThan(0);
      expect(reuse.savings.spent / reuse.savings.plain).to.be.below(0.25);
    });

    it('ignores the option for a model it cannot reuse (functional model): the plain result', async () => {
      const input = tf.input({ shape: [18, 22, 3] });
      const output = geometry.apply(input) as tf.SymbolicTensor;
      const functional = tf.model({ inputs: input, outputs: output });
      expect(ActivationReuse.plan(adaptModel(functional), image)).to.equal(undefined);
      const [reused, plain] = await both(functional, image, 0, { patchSize: 4 });
      expect(Array.from(reused)).to.deep.equal(Array.from(plain));
    });
  });
});
