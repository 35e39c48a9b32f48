import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { InvalidOptionError, gaussianBlur, gaussianBlur3d, minMaxNormalize, reduceChannels, resizeMap } from '@tfxai/core';
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

    it('gaussianBlur3d equals a direct 3-D convolution with mirrored edges, everywhere', async () => {
      // Slow reference: the full 3-D kernel g(a) g(b) g(c), indices reflected at the edges (-1 -> 1, n -> n - 2).
      const direct = (values: Float32Array, [n, d, h, w, ch]: number[], sigma: number) => {
        const radius = Math.min(Math.ceil(3 * sigma), d - 1, h - 1, w - 1);
        const g = Array.from({ length: 2 * radius + 1 }, (_, i) => Math.exp(-((i - radius) ** 2) / (2 * sigma * sigma)));
        const total = g.reduce((a, b) => a + b);
        const reflect = (i: number, size: number) => (i < 0 ? -i : i >= size ? 2 * (size - 1) - i : i);
        const out = new Float64Array(values.length);
        for (let b = 0; b < n; b++) for (let z = 0; z < d; z++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < ch; c++) {
          let sum = 0;
          for (let dz = -radius; dz <= radius; dz++) for (let dy = -radius; dy <= radius; dy++) for (let dx = -radius; dx <= radius; dx++) {
            const at = ((((b * d + reflect(z + dz, d)) * h + reflect(y + dy, h)) * w + reflect(x + dx, w)) * ch) + c;
            sum += ((g[dz + radius]! * g[dy + radius]! * g[dx + radius]!) / total ** 3) * values[at]!;
          }
          out[((((b * d + z) * h + y) * w + x) * ch) + c] = sum;
        }
        return out;
      };
      const shape = [2, 5, 6, 7, 2];
      const values = Float32Array.from({ length: 2 * 5 * 6 * 7 * 2 }, (_, i) => Math.sin(1.7 * i) + ((i * 7919) % 13) / 13);
      const volumes = tf.tensor5d(values, shape as [number, number, number, number, number]);
      // sigma 0.8: radius 3; sigma 2: radius 6 capped at 4 by the depth.
      for (const sigma of [0.8, 2]) {
        const [blurred] = await expectNoLeak(async () => {
          const t = gaussianBlur3d(volumes, sigma);
          const data = await t.data();
          t.dispose();
          return [data];
        });
        expect(blurred!.length).to.equal(values.length);
        expectAllClose(blurred!, direct(values, shape, sigma), 1e-5);
      }
      // A depth of 1 leaves nothing to reflect: the volume comes back unchanged, as gaussianBlur does for a 1-pixel side.
      const thin = tf.tensor5d(values.slice(0, 6 * 7 * 2), [1, 1, 6, 7, 2]);
      const same = gaussianBlur3d(thin, 1);
      expectAllClose(await same.data(), values.slice(0, 6 * 7 * 2), 0);
      tf.dispose([volumes, thin, same]);
    });
  });
});
