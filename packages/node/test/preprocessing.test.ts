import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { InvalidOptionError } from '@tfxai/core';
import { checkStandardize, convertChannels, preprocessImage, standardizeImage, type StandardizeMode } from '@tfxai/node';
import { expectAllClose, expectNoLeak, forEachBackend } from '@tfxai/test-utils';

// A 1x2 RGB image: pixels (0, 51, 102) and (153, 204, 255).
const PIXELS = [0, 51, 102, 153, 204, 255];
const E = 1e-6;

/** Hand-computed expectations per mode (AUCMEDI's Standardize and Keras' preprocess_input). */
function expected(mode: StandardizeMode): number[] {
  switch (mode) {
    case 'none':
      return PIXELS;
    case 'rescale':
      return PIXELS.map((v) => v / 255);
    case 'minmax':
      return PIXELS.map((v) => (v + E) / (255 + E));
    case 'grayscale':
      // round(255 * (v + e) / (255 + e)) = v for these integers.
      return PIXELS;
    case 'z-score': {
      // mean 127.5; population variance = mean of squared deviations.
      const variance = PIXELS.reduce((a, v) => a + (v - 127.5) ** 2, 0) / 6;
      return PIXELS.map((v) => (v - 127.5 + E) / (Math.sqrt(variance) + E));
    }
    case 'tf':
      return PIXELS.map((v) => v / 127.5 - 1);
    case 'caffe':
      // BGR order, minus (103.939, 116.779, 123.68).
      return [102 - 103.939, 51 - 116.779, 0 - 123.68, 255 - 103.939, 204 - 116.779, 153 - 123.68];
    case 'torch': {
      const mean = [0.485, 0.456, 0.406];
      const std = [0.229, 0.224, 0.225];
      return PIXELS.map((v, i) => (v / 255 - mean[i % 3]!) / std[i % 3]!);
    }
  }
}

describe('preprocessing', () => {
  it('rejects unknown modes and RGB-only modes for 1-channel models with typed errors', () => {
    expect(() => checkStandardize('imagenet' as StandardizeMode, 3)).to.throw(InvalidOptionError, /standardize.*'imagenet'.*allowed: none, rescale, minmax, z-score, grayscale, tf, caffe, torch/);
    expect(() => checkStandardize('caffe', 1)).to.throw(InvalidOptionError, /'caffe' works on RGB input; the model takes 1 channel/);
    expect(checkStandardize('torch', 3)).to.equal('torch');
  });

  forEachBackend(() => {
    for (const mode of ['none', 'rescale', 'minmax', 'grayscale', 'z-score', 'tf', 'caffe', 'torch'] as StandardizeMode[]) {
      it(`standardize '${mode}' equals the hand-computed values`, async () => {
        const image = tf.tensor3d(PIXELS, [1, 2, 3]);
        const shape = await expectNoLeak(
          async () => standardizeImage(image, mode),
          (x) => x.dispose(),
        ).then((x) => x.shape);
        const out = await expectNoLeak(async () => {
          const x = standardizeImage(image, mode);
          const data = await x.data();
          x.dispose();
          return data;
        });
        expect(shape).to.deep.equal([1, 2, 3]);
        expectAllClose(out, expected(mode), 1e-4, 1e-5);
        image.dispose();
      });
    }

    it('grayscale rounds half to even, as numpy.around', async () => {
      // min 0, max 2: 255 * (1 + e) / (2 + e) = 127.50000006... -> 128; exact halves need a span of 2 * 255.
      const image = tf.tensor3d([0, 1, 510], [1, 3, 1]);
      const x = standardizeImage(image, 'grayscale');
      // 255 * (1 + e) / (510 + e) = 0.50000...: rounds to 1 (above half); 0 -> 0; 510 -> 255.
      expect([...(await x.data())]).to.deep.equal([0, 1, 255]);
      tf.dispose([image, x]);
    });

    it('a user function gets the resized, channel-converted image', async () => {
      const image = tf.tensor3d([10, 20, 30, 40], [2, 2, 1]);
      let seen: number[] = [];
      const x = preprocessImage(image, { height: 2, width: 2, channels: 3 }, (im) => {
        seen = im.shape;
        return tf.mul(im, 2);
      });
      expect(seen).to.deep.equal([2, 2, 3]);
      expect([...(await x.data())]).to.deep.equal([20, 20, 20, 40, 40, 40, 60, 60, 60, 80, 80, 80]);
      tf.dispose([image, x]);
    });

    it('converts channels: gray -> RGB repeats, RGB -> gray is the 601 luma', async () => {
      const rgb = tf.tensor3d([100, 50, 200], [1, 1, 3]);
      const gray = convertChannels(rgb, 1);
      expectAllClose(await gray.data(), [0.299 * 100 + 0.587 * 50 + 0.114 * 200], 1e-4);
      const back = convertChannels(gray, 3);
      expect(back.shape).to.deep.equal([1, 1, 3]);
      tf.dispose([rgb, gray, back]);
    });

    it('resizes bilinearly with half-pixel centres to the model size', async () => {
      // 1x2 -> 1x4: half-pixel sampling at x = 0.25, 0.75, 1.25, 1.75 of [0, 100] gives 0, 25, 75, 100.
      const image = tf.tensor3d([0, 100], [1, 2, 1]);
      const values = await expectNoLeak(async () => {
        const x = preprocessImage(image, { height: 1, width: 4, channels: null }, 'none');
        const data = await x.data();
        x.dispose();
        return data;
      });
      expectAllClose(values, [0, 25, 75, 100], 1e-4);
      image.dispose();
    });
  });
});
