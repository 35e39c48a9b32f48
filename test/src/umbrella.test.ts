import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { UnknownMethodError, createRegistry, decoder, defaultRegistry, officialModules, type ModelFunction } from 'tfxai';
import { gradientXInputModule } from 'tfxai-plugin-gradient-x-input';
import { expectAllClose, expectNoLeak, forEachBackend } from '@tfxai/test-utils';

/** F(x) = x . W: for a linear model IG with a zero baseline and Gradient x Input both equal w * x. */
function linearModel(): { model: ModelFunction; weights: tf.Tensor2D; w: number[] } {
  const w = Array.from({ length: 2 * 2 * 3 * 4 }, (_, i) => Math.cos(i));
  const weights = tf.tensor2d(w, [12, 4]);
  return { model: (x) => tf.matMul(x.reshape([x.shape[0], 12]), weights), weights, w };
}

describe('the tfxai umbrella', () => {
  it('decoder("ig") resolves through the default registry, by every AUCMEDI key', () => {
    for (const name of ['ig', 'IntegratedGradients', 'integrated-gradients']) {
      expect(decoder(name)((x: tf.Tensor4D) => x).name).to.equal('integrated-gradients');
    }
    expect(() => decoder('ig-typo-xyz')).to.throw(UnknownMethodError, /Available: .*ig/);
    expect(officialModules.length).to.be.at.least(1);
  });

  it('a plugin from outside packages/ registers through defineMethod and is found by name', () => {
    const registry = createRegistry(...officialModules, gradientXInputModule);
    expect(registry.has('gxi')).to.equal(true);
    expect(registry.names().map((m) => m.name)).to.include.members(['integrated-gradients', 'gradient-x-input']);
    expect(registry.decoder('Gradient_X_Input')((x: tf.Tensor4D) => x).name).to.equal('gradient-x-input');
  });

  forEachBackend(() => {
    it('IG and the plugin agree on a linear model, and both match w * x', async () => {
      const registry = createRegistry(...officialModules, gradientXInputModule);
      const { model, weights, w } = linearModel();
      const x = Array.from({ length: 12 }, (_, i) => i / 7 - 0.5);
      const input = tf.tensor4d(x, [1, 2, 2, 3]);
      const expected = x.map((v, i) => v * w[i * 4 + 1]!);
      for (const name of ['ig', 'gxi']) {
        const values = await expectNoLeak(async () => {
          const { attributions } = await registry.decoder(name)(model).attribute!(input, 1);
          const data = await attributions.data();
          attributions.dispose();
          return data;
        });
        expectAllClose(values, expected, 1e-5);
      }
      tf.dispose([weights, input]);
    });

    it('the plugin takes volumes through the core lifecycle unchanged: w * x on a (1, D, H, W, C) volume, a (D, H, W) map', async () => {
      const registry = createRegistry(...officialModules, gradientXInputModule);
      const { model, weights, w } = linearModel();
      const x = Array.from({ length: 12 }, (_, i) => i / 7 - 0.5);
      const volume = tf.tensor5d(x, [1, 1, 2, 2, 3]);
      const expected = x.map((v, i) => v * w[i * 4 + 1]!);
      const method = registry.decoder('gxi')(model);
      const [values, map] = await expectNoLeak(async () => {
        const { attributions } = await method.attribute!(volume, 1);
        expect(attributions.shape).to.deep.equal([1, 1, 2, 2, 3]);
        const heatmap = await method.computeHeatmap(volume, 1);
        expect(heatmap.shape).to.deep.equal([1, 2, 2]);
        const result = [await attributions.data(), await heatmap.data()];
        tf.dispose([attributions, heatmap]);
        return result;
      });
      expectAllClose(values!, expected, 1e-5);
      // The plugin's heatmap: the signed sum over channels, normalised over the whole volume.
      const sums = [0, 1, 2, 3].map((v) => expected[3 * v]! + expected[3 * v + 1]! + expected[3 * v + 2]!);
      const [lo, hi] = [Math.min(...sums), Math.max(...sums)];
      expectAllClose(map!, sums.map((s) => (s - lo) / (hi - lo + 1e-8)), 1e-5);
      tf.dispose([weights, volume]);
    });
  });

  it('loading a plugin into the default registry makes decoder() find it', () => {
    if (!defaultRegistry().has('gxi')) defaultRegistry().load(gradientXInputModule);
    expect(decoder('gxi')((x: tf.Tensor4D) => x).name).to.equal('gradient-x-input');
  });
});
