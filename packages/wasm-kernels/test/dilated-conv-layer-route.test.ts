import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { forEachBackend } from '@tfxai/test-utils';
import { InvalidOptionError, withLayerCall, withTfxaiKernels } from '@tfxai/core';
import { tfxaiKernelStatus, useTfxaiKernels, type TfxaiKernelMode } from '../src/index.js';
import { FAMILIES } from './families.js';
import { expectRelativeClose, seeded } from './helpers.js';

/**
 * The route an ES-module bundle (the browser) takes for dilated tfjs-layers Conv2D layers: tf.fused
 * is frozen there, so inside tfxai's passes the Conv2D class's call runs the unfused ops instead
 * (dilated-conv-layer-route.ts). In Node tf.fused can be patched, so the existing route (tf.fused
 * swapped inside tfxai's passes) is the reference; `patchFusedOps: false` takes the bundle's route.
 */

const L = tf.layers;
let seed = 500;
const init = () => tf.initializers.glorotUniform({ seed: seed++ });
const bias = () => tf.initializers.randomUniform({ minval: -0.2, maxval: 0.2, seed: seed++ });

/** Dilated Conv2D layers the Dilated family lacks: tanh (applied after the fused op), channels-first, no bias, uneven rates. */
function edgeCaseModel(): tf.LayersModel {
  const input = tf.input({ shape: [16, 16, 3] });
  let h = L.conv2d({ filters: 5, kernelSize: 3, dilationRate: 2, padding: 'same', activation: 'tanh', kernelInitializer: init(), biasInitializer: bias() }).apply(input) as tf.SymbolicTensor;
  h = L.permute({ dims: [3, 1, 2] }).apply(h) as tf.SymbolicTensor;
  h = L.conv2d({ filters: 4, kernelSize: [3, 2], dilationRate: [2, 3], padding: 'valid', dataFormat: 'channelsFirst', useBias: false, kernelInitializer: init() }).apply(h) as tf.SymbolicTensor;
  h = L.permute({ dims: [2, 3, 1] }).apply(h) as tf.SymbolicTensor;
  h = L.conv2d({ filters: 6, kernelSize: 3, dilationRate: [1, 2], padding: 'same', kernelInitializer: init(), biasInitializer: bias() }).apply(h) as tf.SymbolicTensor;
  const scores = L.dense({ units: 4, activation: 'softmax', kernelInitializer: init() }).apply(L.globalAveragePooling2d({}).apply(h)) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: scores });
}

const MODELS: Record<string, () => tf.LayersModel> = {
  'Dilated family (linear and relu dilated conv2d, dilated separable conv)': FAMILIES['Dilated (linear and relu dilated conv2d, dilated separable conv)']!,
  'tanh, channels-first without bias, rates [2, 3] and [1, 2]': edgeCaseModel,
};

interface Gradients {
  input: Float32Array;
  weights: Float32Array[];
}

/** d(scores . [1, -2, 3, 0.5]) / d(input and every trainable weight), inside tfxai's scope; checks for leaks. */
async function tfxaiGradients(model: tf.LayersModel, x: tf.Tensor4D): Promise<Gradients> {
  const before = tf.memory().numTensors;
  const classWeights = tf.tensor1d([1, -2, 3, 0.5]);
  const objective = (input: tf.Tensor) => tf.sum(tf.mul(model.apply(input) as tf.Tensor, classWeights)) as tf.Scalar;
  const inputGradient = withTfxaiKernels(() => tf.grad(objective)(x));
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const { value, grads } = withTfxaiKernels(() => tf.variableGrads(() => objective(x), variables));
  const input = Float32Array.from((await inputGradient.data()) as Float32Array);
  const weights = await Promise.all(variables.map(async (v) => Float32Array.from((await grads[v.name]!.data()) as Float32Array)));
  tf.dispose([classWeights, inputGradient, value, ...Object.values(grads)]);
  expect(tf.memory().numTensors, 'tensors left behind').to.equal(before);
  return { input, weights };
}

const conv2dPrototype = () => Object.getPrototypeOf(L.conv2d({ filters: 1, kernelSize: 1, name: 'tfxai_test_probe' })) as object;
const hasOwnCall = (target: object) => Object.prototype.hasOwnProperty.call(target, 'call');

describe('dilated Conv2D layers routed by their class call (the ES-module route) give the gradients of the tf.fused route', function () {
  after(() => useTfxaiKernels('all'));

  forEachBackend(() => {
    for (const [name, build] of Object.entries(MODELS)) {
      for (const mode of ['all', 'gaps'] as TfxaiKernelMode[]) {
        it(`${name}, mode '${mode}': input and every weight gradient, batch 2`, async () => {
          const model = build();
          const x = tf.tensor4d(seeded([2, 16, 16, 3], 9).values, [2, 16, 16, 3]);
          const viaFused = useTfxaiKernels(mode);
          expect([viaFused.fusedConvRoute, viaFused.dilatedConvLayerRoute]).to.deep.equal([true, false]);
          const reference = await tfxaiGradients(model, x);

          const stockFused = tf.fused.conv2d;
          const viaLayers = useTfxaiKernels(mode, { patchFusedOps: false });
          expect([viaLayers.fusedConvRoute, viaLayers.dilatedConvLayerRoute]).to.deep.equal([false, true]);
          // The layer route leaves tf.fused alone (what a frozen namespace forces), and tfjs alone refuses these layers.
          expect(withTfxaiKernels(() => tf.fused.conv2d)).to.equal(stockFused);
          expect(() => tf.tidy(() => tf.grad((v) => tf.sum(model.apply(v) as tf.Tensor))(x))).to.throw(/dilation rates greater than 1/);
          const routed = await tfxaiGradients(model, x);

          expect(Math.max(...reference.input.map(Math.abs)), 'a gradient that is not all zero').to.be.greaterThan(0);
          if (mode === 'gaps') {
            // Both routes run the same unfused ops then: the same numbers, bit for bit.
            expect(Array.from(routed.input)).to.deep.equal(Array.from(reference.input));
            routed.weights.forEach((w, i) => expect(Array.from(w), model.trainableWeights[i]!.name).to.deep.equal(Array.from(reference.weights[i]!)));
          } else {
            // 'all' runs tfxai's fused kernel and its lazy gradient on the tf.fused route: same sums, other order.
            expectRelativeClose(routed.input, reference.input, 'input gradient');
            routed.weights.forEach((w, i) => expectRelativeClose(w, reference.weights[i]!, `gradient of ${model.trainableWeights[i]!.name}`));
          }
          x.dispose();
          model.dispose();
        });
      }
    }

    it("forward passes are tfjs-layers' own: outside gradient recording the routed call delegates (same bits)", async () => {
      const model = edgeCaseModel();
      const x = tf.tensor4d(seeded([2, 16, 16, 3], 4).values, [2, 16, 16, 3]);
      useTfxaiKernels('all', { patchFusedOps: false });
      const plain = model.predict(x) as tf.Tensor;
      const scoped = withTfxaiKernels(() => model.predict(x) as tf.Tensor);
      expect(Array.from(await scoped.data())).to.deep.equal(Array.from(await plain.data()));
      tf.dispose([plain, scoped, x]);
      model.dispose();
    });

    it("Conv2D's call is in place during tfxai's pass only, and restored after it, also when the pass throws", async () => {
      // 'gaps': both routes run the same unfused ops, so what a failing pass leaves can be compared.
      useTfxaiKernels('gaps', { patchFusedOps: false });
      const prototype = conv2dPrototype();
      const model = MODELS['Dilated family (linear and relu dilated conv2d, dilated separable conv)']!();
      const layer = model.layers.find((l) => l.getClassName() === 'Conv2D')!;
      const stockCall = (layer as unknown as { call: unknown }).call;
      expect(hasOwnCall(prototype), 'before').to.equal(false);
      expect(withTfxaiKernels(() => hasOwnCall(prototype) && (layer as unknown as { call: unknown }).call !== stockCall), 'during').to.equal(true);
      expect(hasOwnCall(prototype), 'after').to.equal(false);
      expect((layer as unknown as { call: unknown }).call).to.equal(stockCall);

      const x = tf.ones([1, 16, 16, 3]);
      const failing = () =>
        withTfxaiKernels(() =>
          tf.tidy(() =>
            tf.grad((v) => {
              const scores = model.apply(v) as tf.Tensor;
              throw new Error(`failed after a forward pass giving ${scores.shape}`);
            })(x),
          ),
        );
      /** Tensors a failing pass leaves: tfjs's tape keeps what it saved for the backward pass when f throws. */
      const leakOf = (pass: () => unknown, message: RegExp) => {
        const before = tf.memory().numTensors;
        expect(pass).to.throw(message);
        return tf.memory().numTensors - before;
      };
      const leak = leakOf(failing, /failed after a forward pass giving 1,4/);
      // tfjs itself throws from inside the pass: a wrong input shape.
      const wrongShape = () => withTfxaiKernels(() => tf.tidy(() => tf.grad((v) => tf.sum(model.apply(v) as tf.Tensor))(tf.ones([1, 16, 16, 2]))));
      expect(leakOf(wrongShape, /Input 0 is incompatible with layer/), 'tensors left by a wrong input shape').to.equal(0);
      expect(hasOwnCall(prototype), 'after the failed passes').to.equal(false);
      expect((layer as unknown as { call: unknown }).call).to.equal(stockCall);
      // The routed layers leave no more behind than tfjs's own failure does on the tf.fused route.
      useTfxaiKernels('gaps');
      expect(leak, 'tensors left by the failing pass: layer route against the tf.fused route').to.equal(leakOf(failing, /failed after a forward pass/));
      x.dispose();
      model.dispose();
    });

    it("a layer's own call patch (withLayerCall, as CAM methods use) delegates to the routed class call, entered inside or outside tfxai's scope", async () => {
      const model = edgeCaseModel();
      const layer = model.layers.find((l) => l.getClassName() === 'Conv2D')!;
      const x = tf.tensor4d(seeded([1, 16, 16, 3], 6).values, [1, 16, 16, 3]);
      const classWeights = tf.tensor1d([1, -2, 3, 0.5]);
      const before = tf.memory().numTensors;
      // The first layer's output doubled: a different model, so a different gradient (tanh is not linear).
      const doubled: Parameters<typeof withLayerCall>[1] = (original, inputs, kwargs) => tf.mul(original(inputs, kwargs) as tf.Tensor, 2);
      const objective = (v: tf.Tensor) => tf.sum(tf.mul(model.apply(v) as tf.Tensor, classWeights));
      const read = async (t: tf.Tensor) => {
        const values = Float32Array.from((await t.data()) as Float32Array);
        t.dispose();
        return values;
      };
      const patchedInside = () => withTfxaiKernels(() => tf.grad((v) => withLayerCall(layer, doubled, () => objective(v)))(x));
      const patchedOutside = () => withLayerCall(layer, doubled, () => withTfxaiKernels(() => tf.grad(objective)(x)));
      useTfxaiKernels('all');
      const reference = await read(patchedInside());
      const unpatched = await read(withTfxaiKernels(() => tf.grad(objective)(x)));
      useTfxaiKernels('all', { patchFusedOps: false });
      const inside = await read(patchedInside());
      const outside = await read(patchedOutside());
      expect(Array.from(outside)).to.deep.equal(Array.from(inside));
      expectRelativeClose(inside, reference, 'doubled first layer: layer route against the tf.fused route');
      expect(Math.max(...reference.map((v, i) => Math.abs(v - 2 * unpatched[i]!)))).to.be.greaterThan(1e-3 * Math.max(...reference.map(Math.abs)));
      expect(tf.memory().numTensors, 'tensors left behind').to.equal(before);
      tf.dispose([x, classWeights]);
      model.dispose();
    });
  });

  it("mode 'off' routes nothing; a patchFusedOps that is not a boolean is a typed error naming the allowed values", () => {
    expect(useTfxaiKernels('off', { patchFusedOps: false }).dilatedConvLayerRoute).to.equal(false);
    expect(withTfxaiKernels(() => hasOwnCall(conv2dPrototype()))).to.equal(false);
    expect(() => useTfxaiKernels('all', { patchFusedOps: 'no' as unknown as boolean })).to.throw(InvalidOptionError, /patchFusedOps.*allowed: true, false/);
  });
});
