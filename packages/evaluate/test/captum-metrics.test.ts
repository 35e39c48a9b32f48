import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { InvalidInputError, InvalidOptionError } from '@tfxai/core';
import { attributionExplainer, infidelity, maxSensitivity, type ExplainFunction } from '@tfxai/evaluate';
import { decoder } from 'tfxai';
import { expectNoLeak, expectNoLeakOnThrow, forEachBackend } from '@tfxai/test-utils';
import { linearModel, seededValues } from './linear-model.js';

/*
 * Captum's definitions (captum/metrics/_core/infidelity.py, sensitivity.py):
 *   infidelity   = (1/S) sum_s (I_s . R - (f(x) - f(x - I_s)))^2, perturb_func returning (I, x - I)
 *   normalized   = the same with R scaled by beta = sum(d D) / sum(d^2), d = I.R, D = f(x) - f(x - I)
 *   sensitivity  = max_s ||Phi(x) - Phi(x + u_s)||_F / ||Phi(x)||_F
 * On the models below every term has a closed form, computed here in double precision
 * from the perturbations alone, without running the model.
 */

const [H, W, C] = [4, 5, 2];
const D = H * W * C;

/** Deterministic perturbations: sample s of example e is a seeded vector scaled by 0.1 (s + 1). */
const perturbationValues = (e: number, s: number) => Float32Array.from(seededValues(D, 100 + 10 * e + s, -1, 1), (v) => v * 0.1 * (s + 1));
const perturbation = (e: number, s: number) => tf.tensor3d(perturbationValues(e, s), [H, W, C]);
const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((sum, v, i) => sum + v * b[i]!, 0);

forEachBackend(() => {
  describe("Captum's infidelity", () => {
    const xValues = seededValues(2 * D, 1);
    const wValues = seededValues(D, 2, -1, 1);

    it('is 0 for a linear model explained by its weights, with seeded noise or given perturbations', async () => {
      const x = tf.tensor4d(xValues, [2, H, W, C]);
      const w = tf.tensor3d(wValues, [H, W, C]);
      const model = linearModel(w, 0.3);
      // The gradient of a linear model is w: f(x) - f(x - I) = w . I exactly.
      const attributions = tf.stack([w, w]);
      const noisy = await expectNoLeak(() => infidelity(model, x, attributions, 0, { samples: 20, noiseStd: 0.1, batchSize: 7 }));
      const given = await infidelity(model, x, attributions, 0, { samples: 3, perturbation });
      tf.dispose([x, w, attributions]);
      for (const value of [...noisy, ...given]) expect(value).to.be.at.most(1e-9);
    });

    it('equals the hand-computed mean of (delta . I_s)^2 when the attributions are off by delta', async () => {
      const x = tf.tensor4d(xValues, [2, H, W, C]);
      const w = tf.tensor3d(wValues, [H, W, C]);
      const model = linearModel(w, 0.3);
      const delta = seededValues(2 * D, 3, -0.5, 0.5);
      const attributions = tf.add(tf.stack([w, w]), tf.tensor4d(delta, [2, H, W, C]));
      const samples = 4;
      const values = await expectNoLeak(() => infidelity(model, x, attributions, 0, { samples, perturbation, batchSize: 3 }));
      for (let e = 0; e < 2; e++) {
        const deltaE = delta.subarray(e * D, (e + 1) * D);
        const hand = Array.from({ length: samples }, (_, s) => dot(deltaE, perturbationValues(e, s)) ** 2).reduce((a, b) => a + b, 0) / samples;
        expect(values[e]).to.be.closeTo(hand, 1e-4 * hand);
      }
      // Class 1 scores -f: the attributions of class 1 are -w, and the same delta gives the same infidelity.
      const class1 = tf.sub(tf.neg(tf.stack([w, w])), tf.tensor4d(delta, [2, H, W, C]));
      const values1 = await infidelity(model, x, class1, [1, 1], { samples, perturbation });
      expect(values1[0]).to.be.closeTo(values[0]!, 1e-4 * values[0]!);
      // With the default Gaussian noise, E[(delta . I)^2] = sigma^2 |delta|^2: 4000 draws get within a few percent.
      const sigma = 0.05;
      const [expectation] = await infidelity(model, x, attributions, 0, { samples: 4000, noiseStd: sigma, batchSize: 500 });
      const deltaNorm2 = dot(delta.subarray(0, D), delta.subarray(0, D));
      expect(expectation).to.be.closeTo(sigma * sigma * deltaNorm2, 0.08 * sigma * sigma * deltaNorm2);
      tf.dispose([x, w, attributions, class1]);
    });

    it('on f(x) = sum x^2 with R = 2x (the gradient) is mean (I.I)^2, and its normalized form the least-squares residual', async () => {
      const model = (x: tf.Tensor4D) => tf.tidy(() => tf.sum(tf.square(x), [1, 2, 3]).expandDims(1));
      const x = tf.tensor4d(xValues.subarray(0, D), [1, H, W, C]);
      const attributions = tf.mul(x, 2);
      const samples = 3;
      const [plain] = await infidelity(model, x, attributions, 0, { samples, perturbation });
      const [normalized] = await expectNoLeak(() => infidelity(model, x, attributions, 0, { samples, perturbation, normalize: true }));
      tf.dispose([x, attributions]);
      // f(x) - f(x - I) = 2 x.I - I.I, so I.R - (f(x) - f(x - I)) = I.I.
      const perturbations = Array.from({ length: samples }, (_, s) => perturbationValues(0, s));
      const hand = perturbations.map((p) => dot(p, p) ** 2).reduce((a, b) => a + b, 0) / samples;
      expect(plain).to.be.closeTo(hand, 2e-3 * hand);
      // Normalized: min over beta of mean (beta d - Delta)^2 = (sum Delta^2 - (sum d Delta)^2 / sum d^2) / S.
      const xs = xValues.subarray(0, D);
      const d = perturbations.map((p) => dot(p, Float64Array.from(xs, (v) => 2 * v)));
      const delta = perturbations.map((p, s) => d[s]! - dot(p, p));
      const sdd = d.reduce((a, v) => a + v * v, 0);
      const sdD = d.reduce((a, v, s) => a + v * delta[s]!, 0);
      const sDD = delta.reduce((a, v) => a + v * v, 0);
      const least = (sDD - (sdD * sdD) / sdd) / samples;
      expect(normalized).to.be.closeTo(least, 2e-3 * Math.max(least, 1e-3));
      expect(normalized).to.be.at.most(plain! + 1e-9);
    });

    it('checks its arguments', async () => {
      const x = tf.zeros([1, H, W, C]);
      const wrong = tf.zeros([1, H, W, 3]);
      const w = tf.ones([H, W, C]);
      const model = linearModel(w);
      expect(await expectNoLeakOnThrow(() => infidelity(model, x, wrong, 0))).to.be.instanceOf(InvalidInputError);
      expect(await expectNoLeakOnThrow(() => infidelity(model, x, x, 0, { samples: 0 }))).to.be.instanceOf(InvalidOptionError);
      expect(await expectNoLeakOnThrow(() => infidelity(model, x, x, 0, { perturbation: () => tf.zeros([2]) }))).to.be.instanceOf(InvalidInputError);
      tf.dispose([x, wrong, w]);
    });
  });

  describe("Captum's max-sensitivity", () => {
    const xValues = seededValues(2 * D, 7, 0.2, 1);
    const wValues = seededValues(D, 8, -1, 1);

    it('is the hand-computed max_s |w * u_s| / |w * x| for gradient x input of a linear model', async () => {
      const w = tf.tensor3d(wValues, [H, W, C]);
      const x = tf.tensor4d(xValues, [2, H, W, C]);
      // Phi(x) = w * x (gradient x input of a linear model), so Phi(x + u) - Phi(x) = w * u.
      const explain: ExplainFunction = async (images) => tf.mul(images, w);
      const samples = 3;
      const values = await expectNoLeak(() => maxSensitivity(explain, x, [0, 0], { samples, perturbation, batchSize: 2 }));
      for (let e = 0; e < 2; e++) {
        const xe = xValues.subarray(e * D, (e + 1) * D);
        const reference = Math.sqrt(dot(Float64Array.from(xe, (v, i) => v * wValues[i]!), Float64Array.from(xe, (v, i) => v * wValues[i]!)));
        const hand = Math.max(
          ...Array.from({ length: samples }, (_, s) => {
            const wu = Float64Array.from(perturbationValues(e, s), (v, i) => v * wValues[i]!);
            return Math.sqrt(dot(wu, wu)) / reference;
          }),
        );
        expect(values[e]).to.be.closeTo(hand, 1e-5 * hand);
      }
      tf.dispose([w, x]);
    });

    it('on volumes (N, D, H, W, C): the same hand-computed values for gradient x input of a linear 3-D model', async () => {
      const volume = [2, 2, 5, 2]; // D * H * W * C = 40, as the images above
      const w = tf.tensor(wValues, volume);
      const x = tf.tensor(xValues, [2, ...volume]);
      const explain: ExplainFunction = async (images) => tf.mul(images, w);
      const volumePerturbation = (e: number, s: number) => tf.tensor(perturbationValues(e, s), volume);
      const values = await expectNoLeak(() => maxSensitivity(explain, x, [0, 0], { samples: 3, perturbation: volumePerturbation as never }));
      for (let e = 0; e < 2; e++) {
        const wx = Float64Array.from(xValues.subarray(e * D, (e + 1) * D), (v, i) => v * wValues[i]!);
        const hand = Math.max(...[0, 1, 2].map((s) => {
          const wu = Float64Array.from(perturbationValues(e, s), (v, i) => v * wValues[i]!);
          return Math.sqrt(dot(wu, wu)) / Math.sqrt(dot(wx, wx));
        }));
        expect(values[e]).to.be.closeTo(hand, 1e-5 * hand);
      }
      // Infidelity on the same volumes: 0 for the exact attributions (the weights) of the linear 3-D model.
      const exact = tf.stack([w, w]);
      const infidelities = await expectNoLeak(() => infidelity(linearModel(w, 0.3) as never, x, exact, 0, { samples: 3, perturbation: volumePerturbation as never }));
      for (const value of infidelities) expect(value).to.be.at.most(1e-9);
      tf.dispose([w, x, exact]);
    });

    it("is 0 for the saliency of a linear model (the method from the registry), and matches the default noise's scale", async () => {
      const w = tf.tensor3d(wValues, [H, W, C]);
      const x = tf.tensor4d(xValues, [2, H, W, C]);
      const saliency = attributionExplainer(decoder('saliency')(linearModel(w)), 'none');
      const values = await expectNoLeak(() => maxSensitivity(saliency, x, 0, { samples: 4 }));
      for (const value of values) expect(value).to.be.at.most(1e-6);
      // Phi = identity: ||u|| / ||x|| with u ~ U(-r, r)^D, so ||u|| lies in (0, r sqrt(D)] and is near r sqrt(D / 3).
      const identity: ExplainFunction = async (images) => images.clone();
      const radius = 0.02;
      const [value] = await maxSensitivity(identity, x.slice(0, 1), 0, { samples: 10, radius, seed: 3 });
      const xNorm = Math.sqrt(dot(xValues.subarray(0, D), xValues.subarray(0, D)));
      expect(value! * xNorm).to.be.within(0.8 * radius * Math.sqrt(D / 3), radius * Math.sqrt(D));
      tf.dispose([w, x]);
    });
  });
});
