import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { decoder } from 'tfxai';
import { expectAllClose, expectNoLeak, forEachBackend, inceptionV3Like, squeezeExciteLike, uNetLike } from '@tfxai/test-utils';

const METHODS: Array<[string, object | undefined]> = [
  ['saliency', undefined],
  ['guided-backprop', undefined],
  ['ig', { numSteps: 8 }],
  ['grad-cam', undefined],
];

async function attributions(name: string, model: tf.LayersModel, images: tf.Tensor4D, targets: number | number[], options?: object): Promise<Float32Array> {
  return expectNoLeak(async () => {
    const { attributions: map } = await decoder(name)(model, options).attribute!(images, targets);
    const values = Float32Array.from((await map.data()) as Float32Array);
    map.dispose();
    return values;
  });
}

const maxAbs = (values: Float32Array) => values.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

describe('gradient methods on Keras-like models users convert', function () {
  this.timeout(300000);

  forEachBackend(() => {
    for (const [name, options] of METHODS) {
      it(`${name} on an InceptionV3-like model (BatchNormalization scale: false) equals the same model with scale = ones`, async () => {
        const model = inceptionV3Like({ seed: 6 });
        const twin = inceptionV3Like({ seed: 6, unitScaleTwin: true });
        const image = tf.randomUniform([1, 32, 32, 3], 0, 1, 'float32', 9) as tf.Tensor4D;
        const actual = await attributions(name, model, image, 2, options);
        const expected = await attributions(name, twin, image, 2, options);
        expect(actual.every(Number.isFinite), 'finite').to.equal(true);
        expect(maxAbs(expected), 'a map that is not all zero').to.be.greaterThan(0);
        expectAllClose(actual, expected, 1e-4 * maxAbs(expected), 1e-4);
        tf.dispose(image);
        model.dispose();
        twin.dispose();
      });
    }

    for (const [label, build] of [['U-Net-like (UpSampling2D)', uNetLike], ['squeeze-excite', squeezeExciteLike]] as const) {
      it(`saliency of a batch of 3 on a ${label} model equals each image's own map`, async () => {
        const model = build({ seed: 2 });
        const images = tf.randomUniform([3, 32, 32, 3], 0, 1, 'float32', 4) as tf.Tensor4D;
        const targets = [0, 3, 1];
        const batched = await attributions('saliency', model, images, targets);
        const size = batched.length / 3;
        for (let i = 0; i < 3; i++) {
          const one = tf.slice(images, i, 1);
          const own = await attributions('saliency', model, one, targets[i]!);
          const row = batched.subarray(i * size, (i + 1) * size);
          expect(maxAbs(own)).to.be.greaterThan(0);
          expectAllClose(row, own, 1e-6 * maxAbs(own), 1e-6);
          one.dispose();
        }
        tf.dispose(images);
        model.dispose();
      });
    }
  });
});
