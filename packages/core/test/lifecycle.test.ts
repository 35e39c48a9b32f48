import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import {
  AttributionMethod,
  InvalidInputError,
  NonFiniteError,
  UnsupportedModelError,
  adaptModel,
  createRegistry,
  defineMethod,
  modelOutput,
  PASS_MEMORY_BUDGET,
  rowsPerPass,
  rowsWithinMemoryBudget,
  targetGradients,
  type AttributionResult,
  type HeatmapSpec,
  type ModelLike,
  type PreparedBatch,
} from '@tfxai/core';
import { expectAllClose, expectNoLeak, expectNoLeakOnThrow, forEachBackend } from '@tfxai/test-utils';

/** The smallest method on the lifecycle: the input gradient (what a plugin writes). */
class InputGradient extends AttributionMethod {
  readonly name = 'input-gradient';
  get heatmapSpec(): HeatmapSpec {
    return { absolute: true, channelReduction: 'max' };
  }
  protected async attributeBatch({ batch, targets, numClasses }: PreparedBatch): Promise<AttributionResult> {
    return { attributions: targetGradients(this.adapter, batch, targets, numClasses) };
  }
}

const registry = createRegistry(defineMethod({ name: 'input-gradient', options: [], create: (model, _options, services) => new InputGradient(model, services) }));
const explain = (model: ModelLike) => registry.decoder('input-gradient')(model);

function image(height: number, width: number, channels = 3, seed = 1): tf.Tensor4D {
  return tf.randomUniform([1, height, width, channels], 0, 1, 'float32', seed) as tf.Tensor4D;
}

/** A small CNN of free spatial size: conv 3 (valid), max pool 2, conv 3 (valid), global average, softmax. */
function freeSizeCnn(): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ name: 'conv1', inputShape: [null, null, 3], filters: 4, kernelSize: 3, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
      tf.layers.maxPooling2d({ name: 'pool', poolSize: 2 }),
      tf.layers.conv2d({ name: 'conv2', filters: 4, kernelSize: 3, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
      tf.layers.globalAveragePooling2d({}),
      tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }),
    ],
  });
}

function fixedSizeCnn(size: number, channels = 3): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [size, size, channels], filters: 2, kernelSize: 3, padding: 'same', kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 2, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 5 }) }),
    ],
  });
}

describe('memory per pass (rowsWithinMemoryBudget, rowsPerPass)', () => {
  it('counts every layer output per example, 16 bytes each, against PASS_MEMORY_BUDGET', () => {
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [null, null, 3], filters: 256, kernelSize: 3, padding: 'same' }),
        tf.layers.globalAveragePooling2d({}),
        tf.layers.dense({ units: 2 }),
      ],
    });
    // input 256*256*3 + conv 256*256*256 + pooled 256 + dense 2 values per example.
    const values = 256 * 256 * 3 + 256 * 256 * 256 + 256 + 2;
    expect(rowsWithinMemoryBudget(adaptModel(model), [256, 256, 3])).to.equal(Math.floor(PASS_MEMORY_BUDGET / (16 * values))).and.to.equal(2);
    expect(rowsWithinMemoryBudget(adaptModel(model), [8, 8, 3])).to.equal(Math.floor(PASS_MEMORY_BUDGET / (16 * (8 * 8 * 3 + 8 * 8 * 256 + 258))));
    expect(rowsWithinMemoryBudget(adaptModel((x: tf.Tensor4D) => x), [8, 8, 3])).to.equal(undefined);
    const prepared = (maxRowsPerPass: number | undefined) => ({ batch: undefined as never, spatialRank: 2 as const, targets: [], numClasses: 2, maxRowsPerPass });
    expect([rowsPerPass(prepared(2), 8), rowsPerPass(prepared(100), 8), rowsPerPass(prepared(undefined), 8), rowsPerPass(prepared(0), 8)]).to.deep.equal([2, 8, 8, 1]);
    model.dispose();
  });
});

describe('the method lifecycle (AttributionMethod, withPreparedBatch)', () => {
  forEachBackend(() => {
    it('computes through the base class: the input gradient equals the analytic one, 2 w_c x, and nothing leaks', async () => {
      // F(x)_c = sum over pixels and channels k of w_kc * x_k^2, so dF_c/dx_k = 2 w_kc x_k.
      const weights = tf.tensor2d([[1, -2], [0.5, 3], [-1, 1]]);
      const model = (x: tf.Tensor4D) => tf.matMul(tf.sum(tf.square(x), [1, 2]) as tf.Tensor2D, weights);
      const x = image(4, 5);
      const pixels = await x.data();
      const values = await expectNoLeak(async () => {
        const { attributions } = await explain(model).attribute!(x, 1);
        const data = await attributions.data();
        attributions.dispose();
        return data;
      });
      const w = [-2, 3, 1];
      expectAllClose(values, Array.from(pixels, (v, i) => 2 * w[i % 3]! * v), 1e-5);
      tf.dispose([weights, x]);
    });

    it('a model whose scores are NaN or Infinity: NonFiniteError from attribute and computeHeatmap, never a NaN map, no leak', async () => {
      const x = image(4, 4);
      for (const bad of [NaN, Infinity]) {
        const model = (b: tf.Tensor4D) => tf.mul(tf.sum(b, [1, 2]), bad) as tf.Tensor2D;
        const method = explain(model);
        const onAttribute = await expectNoLeakOnThrow(() => method.attribute!(x, 0));
        expect(onAttribute).to.be.instanceOf(NonFiniteError);
        expect((onAttribute as Error).message).to.match(/input-gradient: the attributions .* non-finite value.*No map is returned/);
        expect(await expectNoLeakOnThrow(() => method.computeHeatmap(x, 0))).to.be.instanceOf(NonFiniteError);
      }
      x.dispose();
    });

    it('an image whose size differs from the declared input (31x32 for 32x32): InvalidInputError naming expected and got', async () => {
      const model = fixedSizeCnn(32);
      const x = image(31, 32);
      const error = await expectNoLeakOnThrow(() => explain(model).computeHeatmap(x, 0));
      expect(error).to.be.instanceOf(InvalidInputError);
      expect((error as Error).message).to.match(/images of 31x32 do not fit the model, which expects \(H, W, C\) = \(32, 32, 3\); got \(31, 32, 3\)/);
      const gray = image(32, 32, 1);
      const channels = await expectNoLeakOnThrow(() => explain(model).computeHeatmap(gray, 0));
      expect(channels).to.be.instanceOf(InvalidInputError);
      expect((channels as Error).message).to.match(/images have 1 channel\(s\) but the model takes 3/);
      tf.dispose([x, gray]);
      model.dispose();
    });

    it('too small for a free-size model (1x1 to 5x5): InvalidInputError before anything runs; a good image afterwards gives the same numbers', async () => {
      // A model never run yet (an unbuilt Sequential) is checked too.
      const fresh = freeSizeCnn();
      const tiny = image(3, 3);
      expect(await expectNoLeakOnThrow(() => explain(fresh).computeHeatmap(tiny, 1))).to.be.instanceOf(InvalidInputError);
      tf.dispose(tiny);
      fresh.dispose();
      const model = freeSizeCnn();
      const good = image(16, 16);
      const before = await explain(model).computeHeatmap(good, 1);
      const expected = await before.data();
      before.dispose();
      for (const size of [1, 2, 3, 5]) {
        const small = image(size, size);
        const error = await expectNoLeakOnThrow(() => explain(model).computeHeatmap(small, 1));
        expect(error, `${size}x${size}`).to.be.instanceOf(InvalidInputError);
        expect((error as Error).message).to.match(new RegExp(`images of ${size}x${size} are too small for the model: layer '(conv1|pool|conv2)' would have an empty output`));
        small.dispose();
      }
      const after = await explain(model).computeHeatmap(good, 1);
      expect(Array.from(await after.data())).to.deep.equal(Array.from(expected));
      tf.dispose([after, good]);
      model.dispose();
    });

    it('more pixels than MAX_IMAGE_PIXELS: InvalidInputError saying to resize', async () => {
      const model = (b: tf.Tensor4D) => tf.sum(b, [1, 2]) as tf.Tensor2D;
      const x = tf.zeros([1, 1, 4096 * 4096 + 1, 1]);
      const error = await expectNoLeakOnThrow(() => explain(model).attribute!(x, 0));
      expect(error).to.be.instanceOf(InvalidInputError);
      expect((error as Error).message).to.match(/larger than tfxai runs a model on \(16777216 pixels, 4096x4096\).*Resize the images first/);
      x.dispose();
    });

    it('a non-image model, a disposed model: typed errors saying what is supported', async () => {
      const dense = tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 2 })] });
      const x = image(4, 4);
      const rank = await expectNoLeakOnThrow(() => explain(dense).attribute!(x, 0));
      expect(rank).to.be.instanceOf(UnsupportedModelError);
      expect((rank as Error).message).to.match(/input is \(N, 3\), rank 2; tfxai explains classifiers of images, input \(N, H, W, C\) of rank 4, and of volumes, input \(N, D, H, W, C\) of rank 5/);
      dense.dispose();
      const model = fixedSizeCnn(4);
      const method = explain(model);
      model.dispose();
      const disposed = await expectNoLeakOnThrow(() => method.attribute!(x, 0));
      expect(disposed).to.be.instanceOf(UnsupportedModelError);
      expect((disposed as Error).message).to.match(/has been disposed/);
      x.dispose();
    });

    it('two inputs or two outputs: UnsupportedModelError; modelOutput(model, k) explains output k', async () => {
      const a = tf.input({ shape: [4, 4, 3] });
      const b = tf.input({ shape: [4, 4, 3] });
      const twoInputs = tf.model({ inputs: [a, b], outputs: tf.layers.add().apply([tf.layers.globalAveragePooling2d({}).apply(a) as tf.SymbolicTensor, tf.layers.globalAveragePooling2d({}).apply(b) as tf.SymbolicTensor]) as tf.SymbolicTensor });
      expect(() => explain(twoInputs)).to.throw(UnsupportedModelError, /has 2 inputs; tfxai explains image classifiers with one image input/);
      const pooled = tf.layers.globalAveragePooling2d({}).apply(a) as tf.SymbolicTensor;
      const heads = [tf.layers.dense({ units: 2, kernelInitializer: tf.initializers.glorotUniform({ seed: 6 }) }), tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.glorotUniform({ seed: 7 }) })];
      const twoOutputs = tf.model({ inputs: a, outputs: heads.map((h) => h.apply(pooled) as tf.SymbolicTensor) });
      expect(() => explain(twoOutputs)).to.throw(UnsupportedModelError, /has 2 outputs.*modelOutput\(model, index\)/);
      expect(() => modelOutput(twoOutputs, 2)).to.throw(UnsupportedModelError, /output 2 does not exist; the model has 2 outputs/);
      const x = image(4, 4);
      const second = await explain(modelOutput(twoOutputs, 1)).attribute!(x, 2);
      // The gradient of output 1's class 2 is the pooled dense weight spread evenly over the 16 pixels.
      const kernel = await heads[1]!.getWeights()[0]!.data();
      const expected = Array.from({ length: 48 }, (_, i) => kernel[(i % 3) * 3 + 2]! / 16);
      expectAllClose(await second.attributions.data(), expected, 1e-6);
      expect(() => adaptModel(twoOutputs)).to.throw(UnsupportedModelError);
      tf.dispose([x, second.attributions]);
      twoInputs.dispose();
      twoOutputs.dispose();
    });
  });
});
