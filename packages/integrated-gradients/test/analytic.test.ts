import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { createRegistry, type ModelFunction } from '@tfxai/core';
import { QUADRATURE_RULES, integratedGradientsModule, type IntegratedGradientsOptions } from '@tfxai/integrated-gradients';
import { expectAllClose, forEachBackend } from '@tfxai/test-utils';

const registry = createRegistry(integratedGradientsModule);
const ig = (model: ModelFunction, options?: IntegratedGradientsOptions) => registry.decoder<IntegratedGradientsOptions>('ig')(model, options);

/** Runs attribute and returns the attributions and deltas as plain numbers. */
async function attributeValues(model: ModelFunction, input: tf.Tensor4D, target: number, options?: IntegratedGradientsOptions) {
  const { attributions, convergenceDelta } = await ig(model, options).attribute!(input, target);
  const values = Array.from(await attributions.data());
  attributions.dispose();
  return { values, delta: convergenceDelta };
}

/** Splits a (N, 1, 1, C) input into its C scalar features, each (N, 1). */
function features(x: tf.Tensor4D): tf.Tensor2D[] {
  return tf.split(x.reshape([x.shape[0], -1]), x.shape[3], 1) as tf.Tensor2D[];
}

describe('Integrated Gradients against analytic results', () => {
  forEachBackend(() => {
    it('linear model: IG = w * (x - b) exactly, for every rule', async () => {
      // F(x) = x . W, with 3 classes over a 2x2x3 input; W and x fixed, b a constant.
      const w = Array.from({ length: 36 }, (_, i) => Math.sin(i + 1));
      const weights = tf.tensor2d(w, [12, 3]);
      const linear: ModelFunction = (x) => tf.matMul(x.reshape([x.shape[0], 12]), weights);
      const xs = Array.from({ length: 12 }, (_, i) => (i % 5) - 1.5);
      const input = tf.tensor4d(xs, [1, 2, 2, 3]);
      for (const rule of QUADRATURE_RULES) {
        const { values, delta } = await attributeValues(linear, input, 2, { rule, numSteps: 3, baseline: 0.25 });
        expectAllClose(values, xs.map((x, i) => w[i * 3 + 2]! * (x - 0.25)), 1e-5);
        expect(Math.abs(delta![0]!), rule).to.be.below(1e-4);
      }
      tf.dispose([weights, input]);
    });

    it("the paper's two toy ReLU models give (1.5, -0.5) at x = (3, 1)", async () => {
      const relu = tf.relu;
      const f1: ModelFunction = (x) => { const [x1, x2] = features(x); return relu(relu(x1!).sub(1).sub(relu(x2!))); };
      const f2: ModelFunction = (x) => { const [x1, x2] = features(x); return relu(relu(x1!.sub(1)).sub(relu(x2!))); };
      const input = tf.tensor4d([3, 1], [1, 1, 1, 2]);
      for (const f of [f1, f2]) {
        const { values, delta } = await attributeValues(f, input, 0, { numSteps: 500 });
        expectAllClose(values, [1.5, -0.5], 0.05);
        expect(Math.abs(delta![0]!)).to.be.below(0.01);
      }
      input.dispose();
    });

    it('separable F = 5 x0 + x1^2 + sin(x2), baseline (0.5, 1, 1), input (1, 2, 3)', async () => {
      const f: ModelFunction = (x) => { const [x0, x1, x2] = features(x); return x0!.mul(5).add(x1!.square()).add(tf.sin(x2!)); };
      const input = tf.tensor4d([1, 2, 3], [1, 1, 1, 3]);
      const baseline = tf.tensor4d([0.5, 1, 1], [1, 1, 1, 3]);
      const expected = [2.5, 3, Math.sin(3) - Math.sin(1)];
      const trapezoid = await attributeValues(f, input, 0, { baseline, numSteps: 50 });
      expectAllClose(trapezoid.values, expected, 1e-3);
      const gauss = await attributeValues(f, input, 0, { baseline, numSteps: 8, rule: 'gauss-legendre' });
      expectAllClose(gauss.values, expected, 1e-5);
      tf.dispose([input, baseline]);
    });

    it('Gauss-Legendre is exact on a polynomial path where Riemann rules are not', async () => {
      // F = x^4 with baseline 0 and x = 2: the gradient along the path is cubic in alpha,
      // which 2 Gauss-Legendre nodes integrate exactly; IG = 2^4 = 16.
      const f: ModelFunction = (x) => x.reshape([x.shape[0], 1]).square().square();
      const input = tf.tensor4d([2], [1, 1, 1, 1]);
      const gauss = await attributeValues(f, input, 0, { rule: 'gauss-legendre', numSteps: 2 });
      expect(gauss.values[0]).to.be.closeTo(16, 1e-4);
      const middle = await attributeValues(f, input, 0, { rule: 'middle', numSteps: 2 });
      expect(Math.abs(middle.values[0]! - 16)).to.be.above(1);
      // F = 3 x^2 + x: linear gradient; a single Gauss-Legendre node (the midpoint) is exact.
      const quadratic: ModelFunction = (x) => { const v = x.reshape([x.shape[0], 1]); return v.square().mul(3).add(v); };
      const one = await attributeValues(quadratic, input, 0, { rule: 'gauss-legendre', numSteps: 1 });
      expect(one.values[0]).to.be.closeTo(14, 1e-4);
      input.dispose();
    });

    it('several baselines average their attributions (completeness holds for the mean)', async () => {
      const f: ModelFunction = (x) => x.reshape([x.shape[0], 2]).square().sum(1, true);
      const input = tf.tensor4d([1, -2], [1, 1, 1, 2]);
      // F = x0^2 + x1^2 is separable: IG_i = x_i^2 - b_i^2 for each baseline.
      const ones = tf.tensor3d([1, 1], [1, 1, 2]);
      const { values, delta } = await attributeValues(f, input, 0, { baseline: [0, 0.5, ones], numSteps: 4 });
      const expected = [0, 1].map((i) => [0, 0.5, 1].reduce((acc, b) => acc + ([1, 4][i]! - b * b) / 3, 0));
      expectAllClose(values, expected, 1e-5);
      expect(Math.abs(delta![0]!)).to.be.below(1e-4);
      tf.dispose([input, ones]);
    });
  });
});
