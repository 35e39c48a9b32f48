import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { expectAllClose, expectNoLeak, forEachBackend } from '@tfxai/test-utils';
import { resizeVolume } from '@tfxai/core';

/**
 * Plain trilinear interpolation with half-voxel centres: output voxel o of
 * an axis scaled from n to m samples the input at (o + 0.5) * n / m - 0.5,
 * clamped to [0, n - 1], weighting the two neighbours linearly.
 */
function trilinearReference(values: Float32Array, [d, h, w]: number[], [od, oh, ow]: number[]): Float32Array {
  const sample = (o: number, n: number, m: number): [number, number, number] => {
    const at = Math.min(Math.max((o + 0.5) * (n / m) - 0.5, 0), n - 1);
    const lo = Math.floor(at);
    return [lo, Math.min(lo + 1, n - 1), at - lo];
  };
  const out = new Float32Array(od * oh * ow);
  for (let z = 0; z < od; z++) for (let y = 0; y < oh; y++) for (let x = 0; x < ow; x++) {
    const [z0, z1, fz] = sample(z, d!, od);
    const [y0, y1, fy] = sample(y, h!, oh);
    const [x0, x1, fx] = sample(x, w!, ow);
    let v = 0;
    for (const [zi, wz] of [[z0, 1 - fz], [z1, fz]] as const) for (const [yi, wy] of [[y0, 1 - fy], [y1, fy]] as const) for (const [xi, wx] of [[x0, 1 - fx], [x1, fx]] as const) {
      v += wz * wy * wx * values[(zi * h! + yi) * w! + xi]!;
    }
    out[(z * oh + y) * ow + x] = v;
  }
  return out;
}

forEachBackend(() => {
  describe('resizeVolume', () => {
    const shape = [3, 4, 5];
    const values = Float32Array.from({ length: 60 }, (_, i) => Math.sin(i * 1.3) + i * 0.01);
    for (const size of [[6, 8, 10], [7, 3, 11], [2, 4, 5], [3, 4, 5], [1, 1, 1]] as const) {
      it(`(3, 4, 5) -> (${size}) equals plain trilinear interpolation with half-voxel centres`, async () => {
        const input = tf.tensor3d(values, shape as [number, number, number]);
        await expectNoLeak(async () => resizeVolume(input, size), (resized) => {
          expect(resized.shape).to.deep.equal([...size]);
          expectAllClose(resized.dataSync(), trilinearReference(values, shape, [...size]), 1e-5);
          resized.dispose();
        });
        input.dispose();
      });
    }
    it('a batch (N, D, H, W) resizes each volume on its own', () => {
      const other = values.map((v) => -2 * v);
      const batch = tf.tensor4d([...values, ...other], [2, 3, 4, 5]);
      const resized = resizeVolume(batch, [5, 6, 3]);
      expect(resized.shape).to.deep.equal([2, 5, 6, 3]);
      const data = resized.dataSync();
      expectAllClose(data.slice(0, 90), trilinearReference(values, shape, [5, 6, 3]), 1e-5);
      expectAllClose(data.slice(90), trilinearReference(other, shape, [5, 6, 3]), 1e-5);
      tf.dispose([batch, resized]);
    });
  });
});
