import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { forEachBackend } from '@tfxai/test-utils';
import { withTfxaiKernels } from '@tfxai/core';
import { restoreFusedMatMul } from '../src/fused-matmul-route.js';
import { tfxaiKernelStatus, useTfxaiKernels } from '../src/index.js';
import { expectRelativeClose, seeded } from './helpers.js';

type Activation = 'linear' | 'relu';

/** tfjs's own tf.fused.matMul, taken before any tfxai pass ran (the route is only swapped in inside one). */
const SHIPPED_MATMUL = tf.fused.matMul;

const read = async (t: tf.Tensor) => Float32Array.from((await t.data()) as Float32Array);

/** The kernels a synchronous pass runs (tf.profile's result object is shared between calls: copied at once). */
async function kernelNames(pass: () => tf.Tensor | tf.Tensor[]): Promise<string[]> {
  const profile = await tf.profile(pass);
  const names = profile.kernels.map((k) => k.name);
  tf.dispose(profile.result as tf.Tensor | tf.Tensor[]);
  return names;
}
const count = (names: string[], name: string) => names.filter((n) => n === name).length;

/** Same length and the same float32 bits at every index. */
function expectBitIdentical(actual: Float32Array, expected: Float32Array, label: string): void {
  expect(actual.length, `${label}: length`).to.equal(expected.length);
  const a = new Uint32Array(actual.buffer);
  const e = new Uint32Array(expected.buffer);
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== e[i]) expect.fail(`${label}: element ${i}: got ${actual[i]}, expected ${expected[i]} (tfjs as shipped)`);
  }
}

interface MatMulCase {
  activation: Activation;
  transposeA: boolean;
  transposeB: boolean;
  bias: boolean;
  /** Leading batch dimensions of a and b ([] for rank 2). */
  batch: number[];
}

const ROWS = 5;
const INNER = 7;
const COLUMNS = 4;

/**
 * A slow float64 reference for d(sum(w * act(a.b + bias)))/d(a, b, bias) in the case's layout:
 * g = w where the pre-activation is > 0 (relu) or everywhere (linear); da = g.b^T, db = a^T.g,
 * dbias = g summed over every row of every batch.
 */
function naiveGradients(c: MatMulCase, a: Float32Array, b: Float32Array, bias: Float32Array, w: Float32Array): Float64Array[] {
  const batches = c.batch.reduce((p, d) => p * d, 1);
  const aAt = (n: number, i: number, k: number) => a[n * ROWS * INNER + (c.transposeA ? k * ROWS + i : i * INNER + k)]!;
  const bAt = (n: number, k: number, j: number) => b[n * INNER * COLUMNS + (c.transposeB ? j * INNER + k : k * COLUMNS + j)]!;
  const da = new Float64Array(a.length);
  const db = new Float64Array(b.length);
  const dbias = new Float64Array(COLUMNS);
  for (let n = 0; n < batches; n++) {
    for (let i = 0; i < ROWS; i++) {
      for (let j = 0; j < COLUMNS; j++) {
        let pre = c.bias ? bias[j]! : 0;
        for (let k = 0; k < INNER; k++) pre += aAt(n, i, k) * bAt(n, k, j);
        const g = c.activation === 'relu' && pre <= 0 ? 0 : w[(n * ROWS + i) * COLUMNS + j]!;
        dbias[j] += g;
        for (let k = 0; k < INNER; k++) {
          da[n * ROWS * INNER + (c.transposeA ? k * ROWS + i : i * INNER + k)] += g * bAt(n, k, j);
          db[n * INNER * COLUMNS + (c.transposeB ? j * INNER + k : k * COLUMNS + j)] += g * aAt(n, i, k);
        }
      }
    }
  }
  return c.bias ? [da, db, dbias] : [da, db];
}

describe('tf.fused.matMul (Dense) inside tfxai passes: the _FusedMatMul kernel with lazy gradients', function () {
  before(() => useTfxaiKernels('all'));
  after(() => useTfxaiKernels('all'));

  forEachBackend((backend) => {
    for (const activation of ['linear', 'relu'] as const)
      for (const batch of [[], [2]])
        for (const bias of [true, false]) {
          it(`${activation}${bias ? ' + bias' : ''}, rank ${batch.length + 2}, every transposeA/transposeB: gradients of a, b and bias equal tfjs as shipped bit for bit`, async () => {
            for (const transposeA of [false, true])
              for (const transposeB of [false, true]) {
                const c: MatMulCase = { activation, transposeA, transposeB, bias, batch };
                const label = `${backend} ${activation} transposeA=${transposeA} transposeB=${transposeB} bias=${bias} rank ${batch.length + 2}`;
                const aShape = [...batch, ...(transposeA ? [INNER, ROWS] : [ROWS, INNER])];
                const bShape = [...batch, ...(transposeB ? [COLUMNS, INNER] : [INNER, COLUMNS])];
                const host = { a: seeded(aShape, 1).values, b: seeded(bShape, 2).values, bias: seeded([COLUMNS], 3).values, w: seeded([...batch, ROWS, COLUMNS], 4).values };
                const before = tf.memory().numTensors;
                const a = tf.tensor(host.a, aShape);
                const b = tf.tensor(host.b, bShape);
                const biasTensor = tf.tensor1d(host.bias);
                const w = tf.tensor(host.w, [...batch, ROWS, COLUMNS]);
                const inputs = bias ? [a, b, biasTensor] : [a, b];
                const call = (x: tf.Tensor, y: tf.Tensor, z?: tf.Tensor) => tf.fused.matMul({ a: x, b: y, transposeA, transposeB, activation, ...(z ? { bias: z } : {}) });
                const objective = (...t: tf.Tensor[]) => tf.sum(tf.mul(call(t[0]!, t[1]!, t[2]), w));

                const shipped = tf.grads(objective)(inputs);
                const routed = withTfxaiKernels(() => tf.grads(objective)(inputs));
                const expected = await Promise.all(shipped.map(read));
                const actual = await Promise.all(routed.map(read));
                ['a', 'b', 'bias'].slice(0, inputs.length).forEach((name, i) => expectBitIdentical(actual[i]!, expected[i]!, `${label}: gradient of ${name}`));
                naiveGradients(c, host.a, host.b, host.bias, host.w).forEach((reference, i) => expectRelativeClose(actual[i]!, reference, `${label}: gradient ${i} against the float64 reference`));

                // Which path ran inside the pass: the kernel under its name (no tfjs closure, no unfused relu),
                // except relu + bias batched or transposed, left to tfjs (the wasm kernel misplaces the bias there).
                const inside = await kernelNames(() => withTfxaiKernels(() => tf.grads(objective)(inputs)));
                const leftToTfjs = activation === 'relu' && bias && (batch.length > 0 || transposeA || transposeB);
                expect(inside.includes('_FusedMatMul'), `${label}: _FusedMatMul ran`).to.equal(!leftToTfjs);
                expect(inside.includes('fusedMatMul__op') || inside.includes('Relu'), `${label}: tfjs's closure or unfused relu ran`).to.equal(leftToTfjs);

                tf.dispose([a, b, biasTensor, w, ...shipped, ...routed]);
                expect(tf.memory().numTensors, `${label}: tensors left behind`).to.equal(before);
              }
          });
        }

    /** A Dense layer with seeded weights, built on the current backend. */
    function denseLayer(activation: Activation, useBias: boolean): tf.Sequential {
      const model = tf.sequential({ layers: [tf.layers.dense({ units: 6, activation, useBias, inputShape: [9] })] });
      model.setWeights(model.getWeights().map((v, i) => tf.tensor(seeded(v.shape, 20 + i).values, v.shape)));
      return model;
    }

    /** conv (relu) -> flatten -> dense (softmax): the Dense runs linear through tf.fused.matMul, softmax on its own. */
    function convFlattenDense(): tf.Sequential {
      const model = tf.sequential({
        layers: [
          tf.layers.conv2d({ filters: 3, kernelSize: 3, activation: 'relu', inputShape: [6, 6, 2] }),
          tf.layers.flatten(),
          tf.layers.dense({ units: 4, activation: 'softmax' }),
        ],
      });
      model.setWeights(model.getWeights().map((v, i) => tf.tensor(seeded(v.shape, 30 + i).values, v.shape)));
      return model;
    }

    /**
     * What the routed pass is compared with: tfjs as shipped (outside tfxai's pass), or, where other
     * tfxai kernels change the last bits (the conv layer's gradient on wasm), tfxai's pass with only
     * the matmul route taken out.
     */
    type Reference = 'tfjs as shipped' | 'tfxai without the matmul route';
    const MODELS: Array<[string, () => tf.Sequential, number[], Reference]> = [
      ['Dense linear + bias', () => denseLayer('linear', true), [3, 9], 'tfjs as shipped'],
      ['Dense linear, no bias', () => denseLayer('linear', false), [3, 9], 'tfjs as shipped'],
      ['Dense relu + bias', () => denseLayer('relu', true), [3, 9], 'tfjs as shipped'],
      ['Dense relu, no bias', () => denseLayer('relu', false), [3, 9], 'tfjs as shipped'],
      ['Sequential conv -> flatten -> dense(softmax)', convFlattenDense, [2, 6, 6, 2], 'tfxai without the matmul route'],
    ];
    const referencePass = <T>(reference: Reference, pass: () => T): T =>
      reference === 'tfjs as shipped' ? pass() : withTfxaiKernels(() => (restoreFusedMatMul(), pass()));

    for (const [name, build, inputShape, reference] of MODELS) {
      it(`${name}: input and weight gradients inside tfxai's pass equal ${reference} bit for bit; the input gradient runs one BatchMatMul instead of two`, async () => {
        const model = build();
        const x = tf.tensor(seeded(inputShape, 40).values, inputShape);
        const outputs = model.outputs[0]!.shape[1] as number;
        const weighting = tf.tensor1d(seeded([outputs], 41).values);
        const objective = (input: tf.Tensor) => tf.sum(tf.mul(model.apply(input) as tf.Tensor, weighting)) as tf.Scalar;
        const variables = model.trainableWeights.map((v) => v.read() as tf.Variable);
        const before = tf.memory().numTensors;

        const gradients = async (routed: boolean) => {
          const scope = <T>(pass: () => T): T => (routed ? withTfxaiKernels(pass) : referencePass(reference, pass));
          const input = scope(() => tf.grad(objective)(x));
          const { value, grads } = scope(() => tf.variableGrads(() => objective(x), variables));
          const values = [await read(input), ...(await Promise.all(variables.map((v) => read(grads[v.name]!))))];
          tf.dispose([input, value, ...Object.values(grads)]);
          return values;
        };
        const expected = await gradients(false);
        const routed = await gradients(true);
        expect(Math.max(...expected[0]!.map(Math.abs)), 'an input gradient that is not all zero').to.be.greaterThan(0);
        routed.forEach((values, i) => expectBitIdentical(values, expected[i]!, `${backend} ${name}: gradient of ${i === 0 ? 'the input' : variables[i - 1]!.name} (against ${reference})`));

        // The saliency case: only the input gradient. tfjs's closure also computes the kernel's (input^T . dy).
        const shippedNames = await kernelNames(() => referencePass(reference, () => tf.grad(objective)(x)));
        const routedNames = await kernelNames(() => withTfxaiKernels(() => tf.grad(objective)(x)));
        // Linear: the fused kernel forward, then tfjs's closure runs both matmuls backward. relu: tfjs runs
        // the unfused ops while recording (matmul, add, relu forward; the lazy matmul gradient backward).
        expect(count(shippedNames, 'BatchMatMul'), `${name}: BatchMatMul kernels, ${reference}`).to.equal(2);
        expect(count(routedNames, 'BatchMatMul'), `${name}: BatchMatMul kernels inside tfxai's pass`).to.equal(1);
        expect(count(routedNames, '_FusedMatMul'), `${name}: the forward pass runs the fused kernel`).to.equal(1);

        expect(tf.memory().numTensors, `${name}: tensors left behind`).to.equal(before);
        tf.dispose([x, weighting]);
        model.dispose();
      });
    }

    it('a fused relu follows whatever gradient is registered for Relu (guided backpropagation), as the unfused Relu does as shipped', async () => {
      const guided: tf.GradConfig = {
        kernelName: 'Relu',
        inputsToSave: ['x'],
        gradFunc: (dy, saved) => ({ x: () => tf.mul(tf.relu(dy as tf.Tensor), tf.step(saved[0]!)) }),
      };
      const model = denseLayer('relu', true);
      const x = tf.tensor2d(seeded([3, 9], 50).values, [3, 9]);
      // Upstream weights of both signs: the guided rule drops the negative ones.
      const weighting = tf.tensor1d(seeded([6], 51).values);
      const stock = tf.getGradient('Relu');
      tf.registerGradient(guided);
      try {
        const pass = () => tf.grad((v) => tf.sum(tf.mul(model.apply(v) as tf.Tensor, weighting)))(x);
        const shipped = pass();
        const routed = withTfxaiKernels(pass);
        const plain = (tf.registerGradient(stock), withTfxaiKernels(pass));
        const [guidedShipped, guidedRouted, unguided] = await Promise.all([shipped, routed, plain].map(read));
        expectBitIdentical(guidedRouted!, guidedShipped!, `${backend}: guided input gradient`);
        expect(Array.from(unguided!), 'the guided rule changed something (a test that can fail)').to.not.deep.equal(Array.from(guidedRouted!));
        tf.dispose([shipped, routed, plain]);
      } finally {
        tf.registerGradient(stock);
        tf.dispose([x, weighting]);
        model.dispose();
      }
    });

    it('calls the route does not take run tfjs own op inside the pass (elu, leakyrelu, relu + bias with a transpose, no gradient recorded)', async () => {
      const a = tf.tensor2d(seeded([3, 5], 60).values, [3, 5]);
      const b = tf.tensor2d(seeded([5, 4], 61).values, [5, 4]);
      const bT = tf.transpose(b);
    const bias = tf.tensor1d(seeded([4], 62).values);
      const before = tf.memory().numTensors;
      const cases: Array<[string, (x: tf.Tensor) => tf.Tensor, string]> = [
        ['elu', (x) => tf.fused.matMul({ a: x, b, activation: 'elu' }), 'Elu'],
        ['relu + bias, b transposed', (x) => tf.fused.matMul({ a: x, b: bT, bias, transposeB: true, activation: 'relu' }), 'Relu'],
        ['leakyrelu', (x) => tf.fused.matMul({ a: x, b, bias, activation: 'leakyrelu', leakyreluAlpha: 0.1 }), 'LeakyRelu'],
      ];
      for (const [label, call, marker] of cases) {
        const pass = () => tf.grad((x) => tf.sum(call(x)))(a);
        const names = await kernelNames(() => withTfxaiKernels(pass));
        expect(names, `${label}: tfjs's path`).to.include(marker);
        expect(names, `${label}: not the route`).to.not.include('_FusedMatMul');
        const [shipped, routed] = await Promise.all([pass(), withTfxaiKernels(pass)].map(async (t) => read(t).finally(() => t.dispose())));
        expectBitIdentical(routed!, shipped!, `${backend} ${label}: gradient`);
      }
      // No gradient recorded: tfjs's fused op, one kernel.
      const forward = await kernelNames(() => withTfxaiKernels(() => tf.fused.matMul({ a, b, activation: 'relu' })));
      expect(forward.filter((n) => !n.endsWith('__op'))).to.deep.equal(['Reshape', 'Reshape', '_FusedMatMul', 'Reshape']);
      expect(tf.memory().numTensors, 'tensors left behind').to.equal(before);
      tf.dispose([a, b, bT, bias]);
    });
  });

  it("outside tfxai's passes tf.fused.matMul is tfjs's own function object; inside, in mode 'all' only, the route", async () => {
    await tf.setBackend('cpu');
    let inside: unknown;
    useTfxaiKernels('all');
    withTfxaiKernels(() => (inside = tf.fused.matMul));
    expect(inside).to.be.a('function').and.not.equal(SHIPPED_MATMUL);
    expect(tf.fused.matMul).to.equal(SHIPPED_MATMUL);
    // Restored even when the pass throws.
    expect(() => withTfxaiKernels(() => { throw new Error('inside the pass'); })).to.throw('inside the pass');
    expect(tf.fused.matMul).to.equal(SHIPPED_MATMUL);
    for (const mode of ['gaps', 'off'] as const) {
      useTfxaiKernels(mode);
      withTfxaiKernels(() => (inside = tf.fused.matMul));
      expect(inside, mode).to.equal(SHIPPED_MATMUL);
    }
    useTfxaiKernels('all', { patchFusedOps: false });
    withTfxaiKernels(() => (inside = tf.fused.matMul));
    expect(inside, 'patchFusedOps: false').to.equal(SHIPPED_MATMUL);
    useTfxaiKernels('all');
  });

  it("registration status reports the route in mode 'all' only", () => {
    expect(useTfxaiKernels('all').fusedMatMulRoute).to.equal(true);
    expect(tfxaiKernelStatus().fusedMatMulRoute).to.equal(true);
    expect(useTfxaiKernels('gaps').fusedMatMulRoute).to.equal(false);
    expect(useTfxaiKernels('off').fusedMatMulRoute).to.equal(false);
    expect(useTfxaiKernels('all', { patchFusedOps: false }).fusedMatMulRoute).to.equal(false);
    useTfxaiKernels('all');
  });

  it('why relu + bias batched or transposed is left to tfjs: the wasm _FusedMatMul kernel adds the bias to the wrong entries there', async () => {
    await tf.setBackend('wasm');
    const biasValues = [10, 20, 30, 40];
    const bias = tf.tensor1d(biasValues);
    /** Whether entry (.., i, j) of the fused kernel's output is product (.., i, j) + bias j. */
    const biasRight = async (batch: number, transposeB: boolean) => {
      const a = tf.tensor3d(seeded([batch, 3, 5], 70).values, [batch, 3, 5]);
      const b = tf.tensor(seeded([batch, 4, 5], 71).values, transposeB ? [batch, 4, 5] : [batch, 5, 4]);
      const fused = tf.engine().runKernel('_FusedMatMul', { a, b, bias }, { transposeA: false, transposeB, activation: 'linear', leakyreluAlpha: 0.2 }) as tf.Tensor;
      const product = tf.matMul(a, b, false, transposeB);
      const [fusedValues, productValues] = await Promise.all([fused, product].map(read));
      tf.dispose([a, b, fused, product]);
      return Array.from(fusedValues).every((v, i) => Math.abs(v - productValues[i]! - biasValues[i % 4]!) < 1e-4);
    };
    expect(await biasRight(1, false), 'batch 1, nothing transposed (Dense)').to.equal(true);
    expect(await biasRight(1, true), 'b transposed (tfjs-backend-wasm 4.22)').to.equal(false);
    expect(await biasRight(2, false), 'batch 2 (tfjs-backend-wasm 4.22)').to.equal(false);
    bias.dispose();
  });
});
