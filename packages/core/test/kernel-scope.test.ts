import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { expect } from 'chai';
import {
  TfxaiError,
  insideTfxaiKernels,
  registerMissingKernel,
  registerScopedGradient,
  registerScopedKernel,
  registerScopedPatch,
  unregisterMissingKernel,
  withGradientOverrides,
  withTfxaiKernels,
} from '../src/index.js';

/** A kernel that exists on no backend, so the tests never disturb a real one. */
const FAKE = 'TfxaiScopeTestKernel';
const run = (x: tf.Tensor) => tf.engine().runKernel(FAKE, { x }, {}) as tf.Tensor;

function constantKernel(backendName: string, value: number): tf.KernelConfig {
  return {
    kernelName: FAKE,
    backendName,
    kernelFunc: ({ inputs, backend }) => {
      const x = inputs['x'] as tf.TensorInfo;
      const size = x.shape.reduce((a, b) => a * b, 1);
      return (backend as unknown as { makeTensorInfo(s: number[], d: string, v: Float32Array): tf.TensorInfo }).makeTensorInfo(x.shape, 'float32', new Float32Array(size).fill(value));
    },
  };
}

describe('kernel scope: replacements apply inside withTfxaiKernels only, and are restored exactly', function () {
  before(async () => {
    await tf.setBackend('cpu');
  });
  afterEach(async () => {
    if (tf.getKernel(FAKE, 'cpu')) tf.unregisterKernel(FAKE, 'cpu');
    if (tf.getKernel(FAKE, 'wasm')) tf.unregisterKernel(FAKE, 'wasm');
    await tf.setBackend('cpu');
  });

  it('a scoped kernel replaces the stock one inside the scope; the same stock config object is back after', () => {
    const stock = constantKernel('cpu', 1);
    tf.registerKernel(stock);
    const unregister = registerScopedKernel({ ...constantKernel('cpu', 2), kernelName: FAKE, backendName: 'cpu' });
    try {
      const x = tf.zeros([2]);
      expect(Array.from(run(x).dataSync())).to.deep.equal([1, 1]);
      expect(withTfxaiKernels(() => Array.from(run(x).dataSync()))).to.deep.equal([2, 2]);
      expect(tf.getKernel(FAKE, 'cpu')).to.equal(stock);
      expect(Array.from(run(x).dataSync())).to.deep.equal([1, 1]);
      x.dispose();
    } finally {
      unregister();
    }
  });

  it('"no stock kernel" before -> unregistered after (also when the function throws)', () => {
    const unregister = registerScopedKernel({ ...constantKernel('cpu', 3), kernelName: FAKE, backendName: 'cpu' });
    try {
      expect(withTfxaiKernels(() => tf.getKernel(FAKE, 'cpu') !== undefined)).to.equal(true);
      expect(tf.getKernel(FAKE, 'cpu')).to.equal(undefined);
      expect(() =>
        withTfxaiKernels(() => {
          throw new Error('boom');
        }),
      ).to.throw('boom');
      expect(tf.getKernel(FAKE, 'cpu')).to.equal(undefined);
      expect(insideTfxaiKernels()).to.equal(false);
    } finally {
      unregister();
    }
  });

  it('only on the backend it was registered for', async () => {
    const unregister = registerScopedKernel({ ...constantKernel('wasm', 4), kernelName: FAKE, backendName: 'wasm' });
    try {
      await tf.setBackend('cpu');
      expect(withTfxaiKernels(() => tf.getKernel(FAKE, 'wasm'))).to.equal(undefined);
      await tf.setBackend('wasm');
      expect(withTfxaiKernels(() => tf.getKernel(FAKE, 'wasm')?.backendName)).to.equal('wasm');
      expect(tf.getKernel(FAKE, 'wasm')).to.equal(undefined);
    } finally {
      unregister();
    }
  });

  it('re-entrant: a nested scope leaves the outer one in place; the stock entries come back when the outer one ends', () => {
    const unregister = registerScopedKernel({ ...constantKernel('cpu', 5), kernelName: FAKE, backendName: 'cpu' });
    try {
      withTfxaiKernels(() => {
        const outer = tf.getKernel(FAKE, 'cpu');
        withTfxaiKernels(() => expect(tf.getKernel(FAKE, 'cpu')).to.equal(outer));
        expect(tf.getKernel(FAKE, 'cpu')).to.equal(outer);
        expect(insideTfxaiKernels()).to.equal(true);
      });
      expect(tf.getKernel(FAKE, 'cpu')).to.equal(undefined);
    } finally {
      unregister();
    }
  });

  it('scoped gradients: backend-specific wins over general, on its backend only; the stock gradient object is restored', async () => {
    const stock = tf.getGradient('Square');
    const general: tf.GradConfig = { kernelName: 'Square', inputsToSave: ['x'], gradFunc: (dy) => ({ x: () => tf.mul(dy as tf.Tensor, 10) }) };
    const onWasm: tf.GradConfig = { kernelName: 'Square', inputsToSave: ['x'], gradFunc: (dy) => ({ x: () => tf.mul(dy as tf.Tensor, 20) }) };
    const undo = [registerScopedGradient(general), registerScopedGradient({ ...onWasm, backendName: 'wasm' })];
    const gradientAt3 = () => tf.tidy(() => tf.grad((x) => tf.sum(tf.square(x)))(tf.scalar(3)).dataSync()[0]);
    try {
      await tf.setBackend('cpu');
      expect(gradientAt3()).to.equal(6);
      expect(withTfxaiKernels(gradientAt3)).to.equal(10);
      await tf.setBackend('wasm');
      expect(withTfxaiKernels(gradientAt3)).to.equal(20);
      expect(gradientAt3()).to.equal(6);
      expect(tf.getGradient('Square')).to.equal(stock);
    } finally {
      undo.forEach((u) => u());
    }
    expect(withTfxaiKernels(gradientAt3)).to.equal(6);
  });

  it('withGradientOverrides nests inside the scope and restores the previous gradient (none -> none)', () => {
    const override: tf.GradConfig = { kernelName: 'TfxaiNoSuchKernel', gradFunc: () => ({}) };
    withGradientOverrides([override], () => expect(tf.getGradient('TfxaiNoSuchKernel')).to.equal(override));
    expect(tf.getGradient('TfxaiNoSuchKernel')).to.equal(undefined);
  });

  it('patches apply on entry and are undone on exit, once per outermost scope', () => {
    let applied = 0;
    let undone = 0;
    const unregister = registerScopedPatch({ name: 'test patch', apply: () => (applied++, () => undone++) });
    try {
      withTfxaiKernels(() => withTfxaiKernels(() => expect([applied, undone]).to.deep.equal([1, 0])));
      expect([applied, undone]).to.deep.equal([1, 1]);
    } finally {
      unregister();
    }
    withTfxaiKernels(() => {});
    expect(applied).to.equal(1);
  });

  it('refuses a function that returns a promise (user code could run while kernels are swapped), restoring first', async () => {
    const unregister = registerScopedKernel({ ...constantKernel('cpu', 6), kernelName: FAKE, backendName: 'cpu' });
    try {
      expect(() => withTfxaiKernels(async () => 1)).to.throw(TfxaiError, /synchronous/);
      expect(tf.getKernel(FAKE, 'cpu')).to.equal(undefined);
    } finally {
      unregister();
    }
  });

  it('registerMissingKernel registers for good only where the backend has no kernel of that name', () => {
    const existing = constantKernel('cpu', 7);
    tf.registerKernel(existing);
    expect(registerMissingKernel(constantKernel('cpu', 8))).to.equal(false);
    expect(tf.getKernel(FAKE, 'cpu')).to.equal(existing);
    tf.unregisterKernel(FAKE, 'cpu');
    const gap = constantKernel('cpu', 9);
    expect(registerMissingKernel(gap)).to.equal(true);
    expect(registerMissingKernel(gap)).to.equal(true);
    expect(tf.getKernel(FAKE, 'cpu')).to.equal(gap);
    unregisterMissingKernel(FAKE, 'cpu');
    expect(tf.getKernel(FAKE, 'cpu')).to.equal(undefined);
  });

  it('leaves no tensors behind', () => {
    const before = tf.memory().numTensors;
    withTfxaiKernels(() => tf.tidy(() => tf.grad((x) => tf.sum(tf.square(x)))(tf.ones([3]))).dispose());
    expect(tf.memory().numTensors).to.equal(before);
  });
});
