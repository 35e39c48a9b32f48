import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { InvalidOptionError, gaussianBlur, minMaxNormalize, reduceChannels, resizeMap } from '@tfxai/core';
import { expectAllClose, expectNoLeak, forEachBackend } from '@tfxai/test-utils';

describe('heatmap maths', () => {
  forEachBackend(() => {
    it("minMaxNormalize is AUCMEDI's (h - min) / (max - min + eps), per map", async () => {
      const maps = tf.tensor3d([1, 3, 5, 9, -2, -2, -2, -2], [2, 2, 2]);
      const values = await expectNoLeak(async () => {
        const normalized = minMaxNormalize(maps, 1e-8);
        const data = await normalized.data();
        normalized.dispose();
        return data;
      });
      expectAllClose(values, [0, 2 / (8 + 1e-8), 4 / (8 + 1e-8), 8 / (8 + 1e-8), 0, 0, 0, 0], 1e-7);
      const single = minMaxNormalize(tf.tensor2d([2, 4], [1, 2]), 0.5);
      expectAllClose(await single.data(), [0, 2 / 2.5], 1e-7);
      tf.dispose([maps, single]);
    });

    it('reduceChannels follows each definition', async () => {
      const x = tf.tensor4d([1, -4, 2, -3, 0, 0], [1, 1, 2, 3]);
      const expected: Record<string, number[]> = {
        max: [2, 0],
        sum: [-1, -3],
        'abs-sum': [7, 3],
        l2: [Math.sqrt(21), 3],
      };
      for (const [mode, values] of Object.entries(expected)) {
        const reduced = reduceChannels(x, mode as 'max');
        expectAllClose(await reduced.data(), values, 1e-6);
        reduced.dispose();
      }
      expect(() => reduceChannels(x, 'mean' as never)).to.throw(InvalidOptionError, /allowed: max, sum, abs-sum, l2/);
      x.dispose();
    });

    it('resizeMap resizes bilinearly with half-pixel centres (as OpenCV), one map or a stack', async () => {
      const map = tf.tensor2d([0, 1, 2, 3], [2, 2]);
      const up = resizeMap(map, [4, 4]);
      expect(up.shape).to.deep.equal([4, 4]);
      // Output pixel i samples source position (i + 0.5) / 2 - 0.5 = -0.25, 0.25, 0.75, 1.25, clamped to [0, 1];
      // cv2.resize(np.float32([[0, 1], [2, 3]]), (4, 4)) gives the same first row.
      expectAllClose((await up.data()).slice(0, 4), [0, 0.25, 0.75, 1], 1e-6);
      const stack = resizeMap(tf.stack([map, map]) as tf.Tensor3D, [3, 5]);
      expect(stack.shape).to.deep.equal([2, 3, 5]);
      tf.dispose([map, up, stack]);
    });

    it('gaussianBlur keeps a constant image constant and matches a direct convolution inside', async () => {
      const flat = tf.fill([1, 9, 9, 2], 0.7) as tf.Tensor4D;
      const blurredFlat = gaussianBlur(flat, 1.5);
      expectAllClose(await blurredFlat.data(), new Array(162).fill(0.7), 1e-6);
      // An impulse in the middle of a 9x9 image blurs into the 2-D Gaussian itself.
      const impulse = tf.tensor4d(Array.from({ length: 81 }, (_, i) => (i === 40 ? 1 : 0)), [1, 9, 9, 1]);
      const blurred = await gaussianBlur(impulse, 1).data();
      const g = [-3, -2, -1, 0, 1, 2, 3].map((d) => Math.exp(-(d * d) / 2));
      const total = g.reduce((a, b) => a + b);
      const expected = Array.from({ length: 81 }, (_, i) => {
        const [r, c] = [Math.floor(i / 9) - 4, (i % 9) - 4];
        return Math.abs(r) <= 3 && Math.abs(c) <= 3 ? (g[r + 3]! * g[c + 3]!) / (total * total) : 0;
      });
      expectAllClose(blurred, expected, 1e-6);
      tf.dispose([flat, blurredFlat, impulse]);
    });
  });
});
