import * as tf from '@tensorflow/tfjs';
import '@tfxai/wasm-kernels';
import { expect } from 'chai';
import { InvalidInputError, adaptModel, createRegistry, type BaselineSpec } from '@tfxai/core';
import { QUADRATURE_RULES, integratedGradientsModule, quadrature, splitAtFirstLayer, type IntegratedGradientsOptions, type QuadratureRule } from '@tfxai/integrated-gradients';
import { expectAllClose, expectNoLeak, expectNoLeakOnThrow, forEachBackend, seededVolume, testBackends, useBackend, volumeNet, type VolumeNet } from '@tfxai/test-utils';

const registry = createRegistry(integratedGradientsModule);
const ig = (model: tf.LayersModel, options?: IntegratedGradientsOptions) => registry.decoder<IntegratedGradientsOptions>('ig')(model, options);

/** (D, H, W, C) of the test volumes: non-cubic, two channels. */
const SHAPE: [number, number, number, number] = [4, 6, 5, 2];
const VOXELS = SHAPE.reduce((a, b) => a * b, 1);

/** Attributions and deltas as plain numbers; asserts that the call leaks nothing. */
async function attributeValues(model: tf.LayersModel, input: tf.Tensor, target: number | number[], options?: IntegratedGradientsOptions) {
  return expectNoLeak(async () => {
    const { attributions, convergenceDelta } = await ig(model, options).attribute!(input, target);
    const result = { shape: attributions.shape, values: Array.from(await attributions.data()), delta: convergenceDelta };
    attributions.dispose();
    return result;
  });
}

/** Integrated Gradients in float64 on the host: sum_k w_k grad(b + a_k (x - b)) * (x - b), the gradient by the reference's chain rule. */
function hostIntegratedGradients(net: VolumeNet, x: number[], b: number[], target: number, rule: QuadratureRule, steps: number): number[] {
  const { alphas, weights } = quadrature(rule, steps);
  const sum = new Float64Array(x.length);
  alphas.forEach((alpha, k) => {
    const gradient = net.gradient(x.map((xi, i) => b[i]! + alpha * (xi - b[i]!)), target);
    for (let i = 0; i < sum.length; i++) sum[i]! += weights[k]! * gradient[i]!;
  });
  return Array.from(sum, (g, i) => g * (x[i]! - b[i]!));
}

/**
 * A 3-D Gaussian blur in float64 with mirrored ('reflect') edges, from the
 * definition: the kernel exp(-t^2 / 2 sigma^2) over |t| <= ceil(3 sigma), normalised.
 */
function hostBlur3d(values: number[], shape: number[], sigma: number): number[] {
  const [D, H, W, C] = shape as [number, number, number, number];
  const radius = Math.min(Math.ceil(3 * sigma), D - 1, H - 1, W - 1);
  const taps = Array.from({ length: 2 * radius + 1 }, (_, i) => Math.exp(-((i - radius) ** 2) / (2 * sigma * sigma)));
  const total = taps.reduce((a, b) => a + b, 0);
  const reflect = (i: number, n: number) => (i < 0 ? -i : i >= n ? 2 * (n - 1) - i : i);
  let current = values.slice();
  const sizes = [D, H, W];
  for (let axis = 0; axis < 3; axis++) {
    const next = new Array<number>(current.length).fill(0);
    for (let d = 0; d < D; d++) for (let h = 0; h < H; h++) for (let w = 0; w < W; w++) for (let c = 0; c < C; c++) {
      const at = [d, h, w];
      let sum = 0;
      for (let t = -radius; t <= radius; t++) {
        const from = [...at];
        from[axis] = reflect(at[axis]! + t, sizes[axis]!);
        sum += (taps[t + radius]! / total) * current[((from[0]! * H + from[1]!) * W + from[2]!) * C + c]!;
      }
      next[((d * H + h) * W + w) * C + c] = sum;
    }
    current = next;
  }
  return current;
}

describe('Integrated Gradients on volumes (N, D, H, W, C)', () => {
  // A blurred baseline: a constant one makes every max-pool window a tie at alpha = 0, and stock
  // wasm's MaxPool3DGrad sends a tie's gradient to the last maximum where cpu (and 2-D) take the first.
  it('wasm and cpu give the same attributions on a Conv3D + MaxPool3D model', async () => {
    const results: number[][] = [];
    for (const backend of testBackends()) {
      await useBackend(backend);
      const net = volumeNet({ inputShape: SHAPE, filters: 3, pool: [2, 2, 2], hidden: 4, classes: 3 });
      const { tensor } = seededVolume([1, ...SHAPE], 11);
      results.push((await attributeValues(net.model, tensor, 1, { numSteps: 6, baseline: 'blur' })).values);
      net.model.dispose();
      tensor.dispose();
    }
    expect(results.length).to.be.at.least(2);
    const scale = Math.max(...results[0]!.map(Math.abs));
    expect(scale).to.be.above(1e-4);
    for (const other of results.slice(1)) expectAllClose(other, results[0]!, 1e-5 * scale, 1e-4);
  });

  forEachBackend(() => {
    describe('a linear 3-D model (Conv3D with linear activation, flatten, dense): IG = w * (x - b) exactly', () => {
      let net: VolumeNet;
      let x: { values: number[]; tensor: tf.Tensor };
      /** The model's input gradient for class 2, from the float64 reference (constant: the model is linear). */
      let w: Float64Array;
      before(() => {
        net = volumeNet({ inputShape: SHAPE, filters: 3, convActivation: 'linear', classes: 3, outputActivation: 'linear', seed: 5 });
        x = seededVolume(SHAPE, 21, -1, 2);
        w = net.gradient(new Array<number>(VOXELS).fill(0), 2);
      });
      after(() => {
        net.model.dispose();
        x.tensor.dispose();
      });

      /** |IG - w (x - b)| small against max |w (x - b)|, and completeness: delta ~ 0. */
      async function expectLinear(baseline: BaselineSpec | BaselineSpec[], b: number[], options: IntegratedGradientsOptions = {}): Promise<void> {
        const { shape, values, delta } = await attributeValues(net.model, x.tensor, 2, { baseline, numSteps: 5, ...options });
        expect(shape).to.deep.equal([1, ...SHAPE]);
        const expected = x.values.map((xi, i) => w[i]! * (xi - b[i]!));
        const scale = Math.max(...expected.map(Math.abs));
        expect(scale).to.be.above(1e-3);
        expectAllClose(values, expected, 2e-6 * scale + 1e-7, 1e-5);
        expect(Math.abs(delta![0]!)).to.be.below(1e-4 * scale * 10);
      }

      it('every quadrature rule, zeros baseline (the default)', async () => {
        for (const rule of QUADRATURE_RULES) await expectLinear('zeros', new Array<number>(VOXELS).fill(0), { rule });
      });

      it('a constant baseline, and a tensor baseline of one volume (D, H, W, C), (1, D, H, W, C)', async () => {
        await expectLinear(0.25, new Array<number>(VOXELS).fill(0.25));
        const b = seededVolume(SHAPE, 22, -0.5, 0.5);
        await expectLinear(b.tensor, b.values);
        const batched = b.tensor.expandDims(0);
        await expectLinear(batched, b.values);
        tf.dispose([b.tensor, batched]);
      });

      it("'blur' (sigma = shortest side / 16, at least 1) and { type: 'blur', sigma }: the baseline is a 3-D Gaussian blur", async () => {
        await expectLinear('blur', hostBlur3d(x.values, SHAPE, 1));
        await expectLinear({ type: 'blur', sigma: 0.7 }, hostBlur3d(x.values, SHAPE, 0.7));
      });

      it("{ type: 'uniform' }: seeded noise over the input's range, or the given range", async () => {
        const noise = (low: number, high: number, seed: number) => tf.tidy(() => Array.from(tf.randomUniform([1, ...SHAPE], low, high, 'float32', seed).dataSync()));
        const [low, high] = [Math.min(...x.values), Math.max(...x.values)];
        await expectLinear({ type: 'uniform' }, noise(low, high, 0));
        await expectLinear({ type: 'uniform', low: -0.2, high: 0.3, seed: 4 }, noise(-0.2, 0.3, 4));
      });

      it('a list of baselines averages their attributions; chunks of 3 points that split the paths change nothing', async () => {
        const expectedMean = x.values.map((_, i) => (0 + 0.5) / 2);
        await expectLinear([0, 0.5], expectedMean, { internalBatchSize: 3, numSteps: 7, rule: 'gauss-legendre' });
      });
    });

    describe('a Conv3D + MaxPool3D + dense relu/softmax model', () => {
      let net: VolumeNet;
      let volumes: { values: number[]; tensor: tf.Tensor };
      before(() => {
        net = volumeNet({ inputShape: SHAPE, filters: 3, pool: [2, 2, 2], hidden: 4, classes: 3 });
        volumes = seededVolume([2, ...SHAPE], 31);
      });
      after(() => {
        net.model.dispose();
        volumes.tensor.dispose();
      });

      it('equals a float64 host Integrated Gradients (trapezoid, Gauss-Legendre), with a small convergence delta', async () => {
        const first = volumes.values.slice(0, VOXELS);
        const image = tf.tidy(() => tf.slice(volumes.tensor, 0, 1));
        // A non-constant baseline: no max-pool ties anywhere on the path (see the wasm = cpu test).
        const baseline = seededVolume(SHAPE, 41, 0, 0.2);
        for (const rule of ['trapezoid', 'gauss-legendre'] as const) {
          const { values } = await attributeValues(net.model, image, 0, { rule, numSteps: 9, baseline: baseline.tensor });
          const expected = hostIntegratedGradients(net, first, baseline.values, 0, rule, 9);
          const scale = Math.max(...expected.map(Math.abs));
          expect(scale).to.be.above(1e-4);
          expectAllClose(values, expected, 1e-4 * scale, 1e-3);
        }
        const { delta } = await attributeValues(net.model, image, 0, { numSteps: 200 });
        const gap = net.forward(first)[0]! - net.forward(new Array<number>(VOXELS).fill(0))[0]!;
        expect(Math.abs(delta![0]!)).to.be.below(0.02 * Math.abs(gap) + 1e-5);
        tf.dispose([image, baseline.tensor]);
      });

      it('a batch of 2 volumes equals per-example runs; internalBatchSize 1 equals 8', async () => {
        // ('uniform' baselines are drawn for the batch's shape, so they depend on the batch, as in 2-D.)
        const random = seededVolume(SHAPE, 42);
        const options = { numSteps: 6, baseline: [0, random.tensor, 'blur' as const] };
        const batch = await attributeValues(net.model, volumes.tensor, [2, 1], options);
        expect(batch.shape).to.deep.equal([2, ...SHAPE]);
        for (const [i, target] of [2, 1].entries()) {
          const single = tf.tidy(() => tf.slice(volumes.tensor, i, 1));
          const one = await attributeValues(net.model, single, target, { ...options, internalBatchSize: 1 });
          expectAllClose(batch.values.slice(i * VOXELS, (i + 1) * VOXELS), one.values, 1e-7, 1e-4);
          single.dispose();
        }
        random.tensor.dispose();
      });

      it('a single volume (D, H, W, C) is a batch of one', async () => {
        const single = tf.tidy(() => tf.slice(volumes.tensor, 0, 1));
        const unbatched = single.squeeze([0]);
        const a = await attributeValues(net.model, single, 1, { numSteps: 3 });
        const b = await attributeValues(net.model, unbatched, 1, { numSteps: 3 });
        expect(b.shape).to.deep.equal([1, ...SHAPE]);
        expect(b.values).to.deep.equal(a.values);
        tf.dispose([single, unbatched]);
      });

      it('computeHeatmap: (D, H, W) in [0, 1], the signed channel maximum of the attributions min-max normalised', async () => {
        const single = tf.tidy(() => tf.slice(volumes.tensor, 1, 1));
        const { values } = await attributeValues(net.model, single, 0, { numSteps: 5 });
        const heatmap = await expectNoLeak(async () => {
          const map = await ig(net.model, { numSteps: 5 }).computeHeatmap(single as tf.Tensor5D, 0);
          const result = { shape: map.shape, values: Array.from(await map.data()) };
          map.dispose();
          return result;
        });
        expect(heatmap.shape).to.deep.equal(SHAPE.slice(0, 3));
        const reduced = Array.from({ length: VOXELS / 2 }, (_, v) => Math.max(values[2 * v]!, values[2 * v + 1]!));
        const [low, high] = [Math.min(...reduced), Math.max(...reduced)];
        expectAllClose(heatmap.values, reduced.map((r) => (r - low) / (high - low + 1e-8)), 1e-5);
        expect(Math.min(...heatmap.values)).to.equal(0);
        expect(Math.max(...heatmap.values)).to.be.closeTo(1, 1e-6);
        single.dispose();
      });

      it('firstLayerShortcut works for a Conv3D first layer: equal to the plain path', async () => {
        expect(splitAtFirstLayer(adaptModel(net.model))).to.not.equal(undefined);
        const options = { numSteps: 7, baseline: [0.2, { type: 'uniform' as const, seed: 6 }], internalBatchSize: 4 };
        const plain = await attributeValues(net.model, volumes.tensor, [0, 2], options);
        const fast = await attributeValues(net.model, volumes.tensor, [0, 2], { ...options, firstLayerShortcut: true });
        const scale = Math.max(...plain.values.map(Math.abs));
        expect(scale).to.be.above(1e-4);
        expectAllClose(fast.values, plain.values, 1e-5 * scale, 1e-5);
        expect(fast.values).to.not.deep.equal(plain.values.map(() => 0));
      });

      it('a 2-D image given to the volume model: InvalidInputError naming the rank expected, no leak', async () => {
        for (const shape of [[6, 5, 2], [1, 1, 6, 5, 2, 1]]) {
          const image = tf.zeros(shape);
          const error = await expectNoLeakOnThrow(() => ig(net.model, { numSteps: 2 }).computeHeatmap(image, 0));
          expect(error).to.be.instanceOf(InvalidInputError);
          expect((error as Error).message).to.match(/rank 5/).and.match(/D, H, W, C/);
          image.dispose();
        }
      });

      it('a baseline of the wrong shape: InvalidInputError naming the allowed volume shapes', async () => {
        const baseline = tf.zeros([4, 6, 4, 2]);
        const single = tf.tidy(() => tf.slice(volumes.tensor, 0, 1));
        const error = await expectNoLeakOnThrow(() => ig(net.model, { baseline, numSteps: 2 }).attribute!(single, 0));
        expect(error).to.be.instanceOf(InvalidInputError);
        expect((error as Error).message).to.contain('allowed: [4,6,5,2]');
        tf.dispose([baseline, single]);
      });
    });
  });
});
