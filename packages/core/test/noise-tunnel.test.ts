import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import {
  ClassIndexError,
  InvalidInputError,
  InvalidOptionError,
  NoiseTunnel,
  adaptModel,
  createRegistry,
  defineMethod,
  resolveTargets,
  sampleNoise,
  targetGradients,
  toImageBatch,
  type AttributionResult,
  type ModelFunction,
  type NoiseTunnelOptions,
  type SmoothGradMode,
  type XaiMethod,
} from '@tfxai/core';
import { expectAllClose, expectNoLeak, expectNoLeakOnThrow, forEachBackend, maxAbsDiff, testBackends, useBackend } from '@tfxai/test-utils';

/**
 * The inner method of these tests: gradient x input, `x * dF_t/dx`, evaluated
 * for the whole batch in one backward pass. It records the rows of every call.
 */
class GradientTimesInput implements XaiMethod {
  readonly name = 'gradient-x-input';
  readonly calls: number[] = [];
  constructor(private readonly model: ModelFunction) {}

  async computeHeatmap(): Promise<tf.Tensor2D> {
    throw new Error('not used: the tunnel computes its own heatmap');
  }

  async attribute(images: tf.Tensor, targets: number | readonly number[]): Promise<AttributionResult> {
    const batch = toImageBatch(images, 'images');
    this.calls.push(batch.shape[0]);
    try {
      const adapter = adaptModel(this.model);
      const numClasses = tf.tidy(() => adapter.predict(tf.slice(batch, 0, 1)).shape[1]);
      const classes = resolveTargets(targets, batch.shape[0], numClasses);
      return { attributions: tf.tidy(() => tf.mul(targetGradients(adapter, batch, classes, numClasses), batch) as tf.Tensor4D) };
    } finally {
      batch.dispose();
    }
  }
}

/** F(x) = flatten(x) . W: two classes over 3x3x2 images; W[i][c] = weight(i, c). */
const PIXELS = 18;
const weight = (i: number, c: number) => (c === 0 ? Math.sin(i + 1) : 0.5 - (i % 5) * 0.3);
const weightRows = Array.from({ length: PIXELS }, (_, i) => [weight(i, 0), weight(i, 1)]);
const linearModel: ModelFunction = (x) => tf.matMul(x.reshape([x.shape[0], PIXELS]), tf.tensor2d(weightRows));
const imageValues = (offset: number) => Array.from({ length: PIXELS }, (_, i) => Math.cos(1.7 * i + offset) * 0.8);

async function tunnelValues(inner: XaiMethod, images: tf.Tensor, targets: number | number[], options: NoiseTunnelOptions): Promise<Float32Array> {
  return expectNoLeak(async () => {
    const { attributions } = await new NoiseTunnel(inner, options).attribute(images, targets);
    const values = (await attributions.data()) as Float32Array;
    attributions.dispose();
    return values;
  });
}

/** The noise of samples 0..n-1 as the tunnel draws it, on the host: n arrays of `size` values. */
function hostNoise(shape: number[], seed: number, n: number): Float32Array[] {
  return Array.from({ length: n }, (_, s) => {
    const noise = sampleNoise(shape, seed, s);
    const values = noise.dataSync() as Float32Array;
    noise.dispose();
    return values;
  });
}

/** mean / mean square / population variance of the rows of `samples`, element-wise, in float64. */
function combineOnHost(samples: number[][], mode: SmoothGradMode): number[] {
  const n = samples.length;
  return samples[0]!.map((_, j) => {
    const mean = samples.reduce((sum, row) => sum + row[j]!, 0) / n;
    const meanSquare = samples.reduce((sum, row) => sum + row[j]! ** 2, 0) / n;
    return mode === 'plain' ? mean : mode === 'squared' ? meanSquare : meanSquare - mean * mean;
  });
}

describe('NoiseTunnel (SmoothGrad for any method with attribute())', () => {
  it('the same seed gives the same result on every backend (the noise is drawn on the host)', async () => {
    const results: Float32Array[] = [];
    for (const backend of testBackends()) {
      await useBackend(backend);
      const image = tf.tensor4d(imageValues(0), [1, 3, 3, 2]);
      results.push(await tunnelValues(new GradientTimesInput(linearModel), image, 1, { samples: 5, mode: 'vargrad', seed: 11 }));
      image.dispose();
    }
    expect(results.length).to.be.at.least(2);
    for (const other of results.slice(1)) expectAllClose(other, results[0]!, 1e-7, 1e-4);
  });

  forEachBackend(() => {
    let images: tf.Tensor4D;
    before(() => (images = tf.tensor4d([...imageValues(0), ...imageValues(2)], [2, 3, 3, 2])));
    after(() => images.dispose());

    it('with noiseLevel 0: plain equals the inner method, squared its square, vargrad zero', async () => {
      const inner = new GradientTimesInput(linearModel);
      const direct = await expectNoLeak(async () => {
        const { attributions } = await inner.attribute(images, [0, 1]);
        const values = await attributions.data();
        attributions.dispose();
        return values;
      });
      expect(maxAbsDiff(direct, new Float32Array(direct.length))).to.be.greaterThan(0.1);
      const run = (mode: SmoothGradMode) => tunnelValues(inner, images, [0, 1], { samples: 3, noiseLevel: 0, mode });
      expectAllClose(await run('plain'), direct, 1e-7, 1e-6);
      expectAllClose(await run('squared'), direct.map((a) => a * a), 1e-7, 1e-5);
      expectAllClose(await run('vargrad'), new Float32Array(direct.length), 1e-7);
    });

    it("equals a sample-by-sample reference, and on a linear model each mode's closed-form expectation within 5 standard errors", async () => {
      // Gradient x input of F_c = w_c . x at x + sigma z is w (x + sigma z): plain -> w x,
      // squared -> w^2 (x^2 + sigma^2), vargrad -> w^2 sigma^2 (n - 1) / n.
      const x = imageValues(0);
      const image = tf.tensor4d(x, [1, 3, 3, 2]);
      const [n, noiseLevel, seed, c] = [300, 0.2, 4, 1];
      const sigma = noiseLevel * (Math.max(...x) - Math.min(...x));
      const w = weightRows.map((row) => row[c]!);
      // The reference: the same noise, each sample's attribution written out, combined in float64.
      const noise = hostNoise([1, 3, 3, 2], seed, n);
      const sampleAttributions = noise.map((z) => x.map((xi, i) => w[i]! * (xi + sigma * z[i]!)));
      const inner = new GradientTimesInput(linearModel);
      const standardError = {
        plain: w.map((wi) => (Math.abs(wi) * sigma) / Math.sqrt(n)),
        squared: x.map((xi, i) => Math.sqrt((w[i]! ** 4 * (4 * xi * xi * sigma * sigma + 2 * sigma ** 4)) / n)),
        vargrad: w.map((wi) => (Math.SQRT2 * wi * wi * sigma * sigma) / Math.sqrt(n)),
      };
      const expectation = {
        plain: x.map((xi, i) => w[i]! * xi),
        squared: x.map((xi, i) => w[i]! ** 2 * (xi * xi + sigma * sigma)),
        vargrad: w.map((wi) => (wi * wi * sigma * sigma * (n - 1)) / n),
      };
      for (const mode of ['plain', 'squared', 'vargrad'] as const) {
        const values = await tunnelValues(inner, image, c, { samples: n, noiseLevel, mode, seed, batchSize: 64 });
        expectAllClose(values, combineOnHost(sampleAttributions, mode), 2e-5, 1e-4);
        values.forEach((v, i) => expect(Math.abs(v - expectation[mode][i]!), `${mode}, pixel ${i}: ${v} vs ${expectation[mode][i]}`).to.be.at.most(5 * standardError[mode][i]! + 1e-5));
      }
      image.dispose();
    });

    it('batchSize changes only how the samples are chunked: 1, 3 and 8 give the same result, and a batch equals its examples alone', async () => {
      const inner = new GradientTimesInput(linearModel);
      const options = (batchSize: number): NoiseTunnelOptions => ({ samples: 7, noiseLevel: 0.3, mode: 'vargrad', seed: 2, batchSize });
      const oneByOne = await tunnelValues(inner, images, [1, 0], options(1));
      expectAllClose(await tunnelValues(inner, images, [1, 0], options(3)), oneByOne, 1e-7, 1e-5);
      expectAllClose(await tunnelValues(inner, images, [1, 0], options(8)), oneByOne, 1e-7, 1e-5);
      const second = images.slice(1, 1);
      expectAllClose(await tunnelValues(inner, second, 0, options(8)), oneByOne.slice(oneByOne.length / 2), 1e-7, 1e-5);
      second.dispose();
    });

    it('passes the samples to the inner attribute() in chunks of batchSize rows (default 8), not one by one', async () => {
      const inner = new GradientTimesInput(linearModel);
      await tunnelValues(inner, images, [0, 1], { samples: 20 });
      // Per chunk of samples, one call per example: 8 + 8 + 4 rows for each of the two.
      expect(inner.calls).to.deep.equal([8, 8, 8, 8, 4, 4]);
      inner.calls.length = 0;
      await tunnelValues(inner, images.slice(0, 1), 0, { samples: 5, batchSize: 2 });
      expect(inner.calls).to.deep.equal([2, 2, 1]);
    });

    it('the same seed gives the same result; another seed another', async () => {
      const inner = new GradientTimesInput(linearModel);
      const first = await tunnelValues(inner, images, 1, { samples: 4, seed: 1 });
      expect(maxAbsDiff(first, await tunnelValues(inner, images, 1, { samples: 4, seed: 1 }))).to.equal(0);
      expect(maxAbsDiff(first, await tunnelValues(inner, images, 1, { samples: 4, seed: 2 }))).to.be.greaterThan(1e-4);
    });

    it('computeHeatmap is the min-max normalised channel reduction of the combined attributions', async () => {
      const image = images.slice(0, 1);
      for (const [channelReduction, absolute] of [['max', false], ['sum', false], ['max', true]] as const) {
        const tunnel = new NoiseTunnel(new GradientTimesInput(linearModel), { samples: 3, seed: 5, channelReduction, absolute });
        const attributions = await tunnelValues(tunnel.inner, image, 0, { samples: 3, seed: 5 });
        const reduced = Array.from({ length: 9 }, (_, p) => {
          const [a, b] = [attributions[2 * p]!, attributions[2 * p + 1]!].map((v) => (absolute ? Math.abs(v) : v)) as [number, number];
          return channelReduction === 'max' ? Math.max(a, b) : a + b;
        });
        const [min, max] = [Math.min(...reduced), Math.max(...reduced)];
        const map = await expectNoLeak(async () => {
          const heatmap = await tunnel.computeHeatmap(image, 0);
          expect(heatmap.shape).to.deep.equal([3, 3]);
          const values = await heatmap.data();
          heatmap.dispose();
          return values;
        });
        expectAllClose(map, reduced.map((v) => (v - min) / (max - min + 1e-8)), 1e-5);
      }
      image.dispose();
    });

    it('bad input: typed errors, and no tensor left behind', async () => {
      const tunnel = new NoiseTunnel(new GradientTimesInput(linearModel), { samples: 3 });
      const cases: [string, () => tf.Tensor, 'heatmap' | 'attribute', number | number[], new (...args: never[]) => Error, RegExp][] = [
        ['a batch to computeHeatmap', () => images.clone(), 'heatmap', 0, InvalidInputError, /takes one image.*Use attribute\(\) for batches/],
        ['three targets for two images', () => images.clone(), 'attribute', [0, 1, 0], InvalidInputError, /got 3 targets for a batch of 2/],
        ['class 2 of 2 (checked by the inner method)', () => images.clone(), 'attribute', 2, ClassIndexError, /class index 2 is out of range: the model has 2 classes/],
        ['a NaN pixel', () => tf.fill([1, 3, 3, 2], NaN), 'attribute', 0, InvalidInputError, /images holds NaN/],
        ['rank 2', () => tf.zeros([3, 3]), 'attribute', 0, InvalidInputError, /rank 4 \(N, H, W, C\) or 3 \(H, W, C\)/],
      ];
      for (const [label, makeInput, call, targets, type, message] of cases) {
        const input = makeInput();
        const error = await expectNoLeakOnThrow(() => (call === 'heatmap' ? tunnel.computeHeatmap(input, targets as number) : tunnel.attribute(input, targets)));
        expect(error, label).to.be.instanceOf(type);
        expect((error as Error).message, label).to.match(message);
        input.dispose();
      }
    });
  });

  it('bad options: InvalidOptionError naming the option and what is allowed', () => {
    const inner = new GradientTimesInput(linearModel);
    expect(() => new NoiseTunnel(inner, { samples: 0 })).to.throw(InvalidOptionError, /smoothGrad.samples.*integer >= 1; got 0/);
    expect(() => new NoiseTunnel(inner, { batchSize: 0 })).to.throw(InvalidOptionError, /smoothGrad.batchSize.*integer >= 1; got 0/);
    expect(() => new NoiseTunnel(inner, { noiseLevel: -1 })).to.throw(InvalidOptionError, /smoothGrad.noiseLevel.*finite number >= 0; got -1/);
    expect(() => new NoiseTunnel(inner, { mode: 'mean' as never })).to.throw(InvalidOptionError, /smoothGrad.mode.*got 'mean'; allowed: plain, squared, vargrad/);
    expect(() => new NoiseTunnel(inner, { seed: 0.5 })).to.throw(InvalidOptionError, /smoothGrad.seed.*safe integer; got 0.5/);
    expect(() => new NoiseTunnel(inner, { channelReduction: 'mean' as never })).to.throw(InvalidOptionError, /channelReduction.*allowed: max, sum, abs-sum, l2/);
    expect(() => new NoiseTunnel(inner, { absolute: 1 as never })).to.throw(InvalidOptionError, /'absolute': must be true or false; got 1/);
    expect(() => new NoiseTunnel(inner, { sample: 3 } as never)).to.throw(InvalidOptionError, /'smoothGrad.sample'.*unknown option; allowed: samples, noiseLevel, mode, seed, batchSize/);
    const tunnel = new NoiseTunnel(inner, true);
    expect(tunnel.smoothGrad).to.deep.equal({ samples: 25, noiseLevel: 0.15, mode: 'plain', seed: 0, batchSize: 8 });
    expect(tunnel.channelReduction).to.equal('max');
    expect(tunnel.absolute).to.equal(false);
    expect(tunnel.name).to.equal('gradient-x-input');
  });
});

describe('registry: smoothGrad for every method', () => {
  const model: ModelFunction = (x) => x.reshape([x.shape[0], -1]);
  /** Records the options each method was built with. */
  const built: { name: string; options: unknown }[] = [];
  const probe = (name: string, withAttribute: boolean, nativeSmoothGrad?: boolean) =>
    defineMethod<Record<string, unknown>>({
      name,
      nativeSmoothGrad,
      create: (m, options) => {
        built.push({ name, options });
        const method = withAttribute ? new GradientTimesInput(linearModel) : ({ name, computeHeatmap: async () => tf.zeros([1, 1]) } as unknown as XaiMethod);
        Object.defineProperty(method, 'name', { value: name });
        return method;
      },
    });
  const registry = createRegistry(probe('with-attribute', true), probe('heatmap-only', false), probe('native', true, true));
  beforeEach(() => (built.length = 0));

  it('wraps a method without native SmoothGrad in a NoiseTunnel, without passing smoothGrad on', () => {
    const method = registry.decoder('with-attribute')(model, { smoothGrad: { samples: 3, mode: 'squared', batchSize: 2 }, channelReduction: 'abs-sum', absolute: true, other: 1 });
    expect(method).to.be.instanceOf(NoiseTunnel);
    const tunnel = method as NoiseTunnel;
    expect(tunnel.name).to.equal('with-attribute');
    expect(tunnel.inner).to.be.instanceOf(GradientTimesInput);
    expect(tunnel.smoothGrad).to.deep.equal({ samples: 3, noiseLevel: 0.15, mode: 'squared', seed: 0, batchSize: 2 });
    // The method's own channelReduction and absolute also shape the tunnel's heatmap.
    expect(tunnel.channelReduction).to.equal('abs-sum');
    expect(tunnel.absolute).to.equal(true);
    expect(built).to.deep.equal([{ name: 'with-attribute', options: { channelReduction: 'abs-sum', absolute: true, other: 1 } }]);
  });

  it('smoothGrad true means the defaults; false or undefined give the method itself, without the key', () => {
    expect((registry.decoder('with-attribute')(model, { smoothGrad: true }) as NoiseTunnel).smoothGrad.samples).to.equal(25);
    expect(registry.decoder('with-attribute')(model, { smoothGrad: false })).to.be.instanceOf(GradientTimesInput);
    expect(registry.decoder('with-attribute')(model, { smoothGrad: undefined, other: 2 })).to.be.instanceOf(GradientTimesInput);
    expect(registry.decoder('with-attribute')(model)).to.be.instanceOf(GradientTimesInput);
    expect(built.map((b) => b.options)).to.deep.equal([{}, {}, { other: 2 }, undefined]);
  });

  it('a method that declares nativeSmoothGrad gets the option itself and is not wrapped', () => {
    const options = { smoothGrad: { samples: 3 } };
    const method = registry.decoder('native')(model, options);
    expect(method).to.be.instanceOf(GradientTimesInput);
    expect(built).to.deep.equal([{ name: 'native', options }]);
  });

  it('a method without attribute(): InvalidOptionError on smoothGrad saying why; it still works without smoothGrad', () => {
    expect(() => registry.decoder('heatmap-only')(model, { smoothGrad: true })).to.throw(
      InvalidOptionError,
      /option 'smoothGrad': method 'heatmap-only' has no attribute\(\); SmoothGrad needs raw attributions/,
    );
    expect(registry.decoder('heatmap-only')(model).name).to.equal('heatmap-only');
  });

  it('a bad smoothGrad fails before the method is built', () => {
    expect(() => registry.decoder('with-attribute')(model, { smoothGrad: { samples: -1 } })).to.throw(InvalidOptionError, /smoothGrad.samples/);
    expect(() => registry.decoder('with-attribute')(model, { smoothGrad: 'yes' })).to.throw(InvalidOptionError, /smoothGrad.*must be true, false or \{ samples/);
    expect(built).to.deep.equal([]);
  });

  forEachBackend(() => {
    it('the wrapped method computes through the registry as NoiseTunnel does directly, without leaks', async () => {
      const image = tf.tensor4d(imageValues(1), [1, 3, 3, 2]);
      const options = { samples: 4, noiseLevel: 0.1, seed: 3 };
      const viaRegistry = await expectNoLeak(async () => {
        const { attributions } = await registry.decoder('with-attribute')(model, { smoothGrad: options }).attribute!(image, 1);
        const values = await attributions.data();
        attributions.dispose();
        return values;
      });
      expect(maxAbsDiff(viaRegistry, await tunnelValues(new GradientTimesInput(linearModel), image, 1, options))).to.equal(0);
      image.dispose();
    });
  });
});
