import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { InvalidOptionError, withTfxaiKernels } from '@tfxai/core';
import { kernelModeFromEnvironment, registerTfxaiKernels, tfxaiKernelStatus, unregisterTfxaiKernels, useTfxaiKernels } from '../src/index.js';
import { seeded } from './helpers.js';

const GAPS = ['Conv2DBackpropFilter', 'DepthwiseConv2dNativeBackpropInput', 'DepthwiseConv2dNativeBackpropFilter', 'UnsortedSegmentSum'];
const REPLACED = ['Conv2DBackpropInput', 'MaxPoolGrad', 'Identity', 'Cast'];

/** The kernel registered now for wasm, inside tfxai's kernel scope or outside it. */
const wasmKernel = (name: string, inTfxaiScope: boolean) => (inTfxaiScope ? withTfxaiKernels(() => tf.getKernel(name, 'wasm')) : tf.getKernel(name, 'wasm'));

function dilatedGradient(inTfxaiScope = true): Promise<Float32Array> {
  const pass = () => tf.tidy(() => tf.grad((x) => tf.sum(tf.conv2d(x as tf.Tensor4D, tf.ones([3, 3, 2, 2]), 1, 'same', 'NHWC', 2)))(tf.ones([1, 6, 6, 2])));
  const gradient = inTfxaiScope ? withTfxaiKernels(pass) : pass();
  return gradient.data().finally(() => gradient.dispose()) as Promise<Float32Array>;
}

describe('registering and switching tfxai kernels', function () {
  before(async () => {
    await tf.setBackend('wasm');
    await tf.ready();
  });
  after(() => useTfxaiKernels('all'));

  it("'off' restores tfjs as shipped: the wasm gaps are back, stock kernels and gradients in place", async () => {
    useTfxaiKernels('all');
    const tfxaiConvInput = wasmKernel('Conv2DBackpropInput', true).kernelFunc;
    useTfxaiKernels(false);
    for (const name of GAPS) expect(tf.getKernel(name, 'wasm'), name).to.equal(undefined);
    expect(wasmKernel('Conv2DBackpropInput', true).kernelFunc).to.not.equal(tfxaiConvInput);
    expect(wasmKernel('Conv2DBackpropInput', true)).to.equal(wasmKernel('Conv2DBackpropInput', false));
    expect(() => tf.tidy(() => tf.grad((x) => tf.sum(tf.depthwiseConv2d(x as tf.Tensor4D, tf.ones([3, 3, 2, 1]), 1, 'same')))(tf.ones([1, 5, 5, 2])))).to.throw(
      /DepthwiseConv2dNativeBackpropInput/,
    );
    expect(() => dilatedGradient()).to.throw(/dilation/);
    expect(tfxaiKernelStatus().mode).to.equal('off');
    expect(tfxaiKernelStatus().kernels.every((k) => !k.active)).to.equal(true);
  });

  it("'all' fills every gap for good, replaces the faster kernels and accepts dilated gradients inside tfxai's scope only", async () => {
    const status = useTfxaiKernels(true);
    expect(status.mode).to.equal('all');
    for (const name of [...GAPS, ...REPLACED]) expect(status.kernels.find((k) => k.kernelName === name)?.active, name).to.equal(true);
    expect(status.kernels.filter((k) => k.stockExists).map((k) => k.kernelName)).to.have.members(REPLACED);
    expect(status.dilatedGradients).to.equal(true);
    expect(status.fusedConvRoute).to.equal(true);
    expect(status.fusedMatMulRoute).to.equal(true);
    expect(status.fasterGradients).to.equal(true);
    // All-ones input and filter: each input pixel receives one 1 per in-bounds output tap that reads it.
    const gradient = await dilatedGradient();
    expect(gradient[0]).to.equal(2 * 4); // corner (0,0): taps (0,0),(0,1),(1,0),(1,1) reach outputs (0,0),(0,2),(2,0),(2,2); x 2 output channels
    // Outside tfxai's calls: the gaps stay filled, every working kernel and gradient is tfjs's own.
    for (const name of GAPS) expect(tf.getKernel(name, 'wasm'), name).to.not.equal(undefined);
    for (const name of REPLACED) expect(wasmKernel(name, false).kernelFunc, name).to.not.equal(wasmKernel(name, true).kernelFunc);
    expect(() => dilatedGradient(false)).to.throw(/dilation/);
  });

  it("'gaps' fills the gaps only and keeps the stock kernels tfjs has", () => {
    const stockConvInput = (useTfxaiKernels('off'), tf.getKernel('Conv2DBackpropInput', 'wasm').kernelFunc);
    const status = useTfxaiKernels('gaps');
    expect(wasmKernel('Conv2DBackpropInput', true).kernelFunc).to.equal(stockConvInput);
    expect(status.kernels.filter((k) => k.active).map((k) => k.kernelName)).to.have.members(GAPS);
    expect(status.fasterGradients).to.equal(false);
    expect(status.fusedMatMulRoute).to.equal(false);
  });

  it('registering twice, or unregistering twice, is harmless', () => {
    registerTfxaiKernels('all');
    registerTfxaiKernels('all');
    expect(tfxaiKernelStatus().kernels.filter((k) => k.active)).to.have.length(GAPS.length + REPLACED.length);
    unregisterTfxaiKernels();
    unregisterTfxaiKernels();
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).to.equal(undefined);
    expect(tf.getKernel('MaxPoolGrad', 'wasm')).to.not.equal(undefined);
  });

  it('the stock kernels still work after a round trip (their setup ran)', async () => {
    useTfxaiKernels('all');
    useTfxaiKernels('off');
    const x = tf.tensor4d(seeded([1, 4, 4, 1], 3).values, [1, 4, 4, 1]);
    const gradient = tf.grad((v) => tf.sum(tf.maxPool(v as tf.Tensor4D, 2, 2, 'valid')))(x);
    expect(Array.from(await gradient.data()).reduce((a, b) => a + b)).to.be.greaterThan(0);
    tf.dispose([x, gradient]);
    useTfxaiKernels('all');
  });

  it('the stock wasm MaxPoolGrad misroutes windows whose values are all negative (why tfxai replaces it)', async () => {
    // One 2x2 window, all negative, maximum at the last position: the whole gradient belongs there.
    const x = tf.tensor4d([-0.7, -0.6, -1.4, -0.3], [1, 2, 2, 1]);
    const y = tf.tensor4d([-0.3], [1, 1, 1, 1]);
    const dy = tf.tensor4d([1], [1, 1, 1, 1]);
    const gradientWith = async (mode: 'off' | 'all') => {
      useTfxaiKernels(mode);
      const dx = withTfxaiKernels(() => tf.engine().runKernel('MaxPoolGrad', { dy, input: x, output: y }, { filterSize: 2, strides: 2, pad: 'valid' }) as tf.Tensor);
      const values = Array.from(await dx.data());
      dx.dispose();
      return values;
    };
    expect(await gradientWith('all')).to.deep.equal([0, 0, 0, 1]);
    expect(await gradientWith('off')).to.not.deep.equal([0, 0, 0, 1]);
    tf.dispose([x, y, dy]);
    useTfxaiKernels('all');
  });

  it('kernel runs leave no wasm memory behind (engine tensors and backend buffers)', () => {
    useTfxaiKernels('all');
    const backend = tf.backend() as unknown as { numDataIds(): number };
    const x = tf.tensor4d(seeded([2, 9, 9, 4], 1).values, [2, 9, 9, 4]);
    const [tensorsBefore, buffersBefore] = [tf.memory().numTensors, backend.numDataIds()];
    const grads = tf.grads((input, filter) => tf.sum(tf.depthwiseConv2d(tf.conv2d(input as tf.Tensor4D, filter as tf.Tensor4D, 2, 'same'), tf.ones([3, 3, 3, 2]), 1, 'same', 'NHWC', 2)));
    tf.dispose(withTfxaiKernels(() => grads([x, tf.ones([3, 3, 4, 3])])));
    tf.dispose(tf.grad((v) => tf.sum(tf.gather(v, [0, 2, 2], 3)))(x));
    expect(tf.memory().numTensors).to.be.at.most(tensorsBefore + 1); // the tf.ones filter passed in
    expect(backend.numDataIds()).to.be.at.most(buffersBefore + 1);
    x.dispose();
  });

  it('TFXAI_KERNELS selects the mode; anything else is an InvalidOptionError naming the allowed values', () => {
    const saved = process.env['TFXAI_KERNELS'];
    try {
      for (const [value, mode] of [[undefined, 'all'], ['on', 'all'], ['off', 'off'], ['OFF', 'off'], ['gaps', 'gaps'], ['0', 'off']] as const) {
        if (value === undefined) delete process.env['TFXAI_KERNELS'];
        else process.env['TFXAI_KERNELS'] = value;
        expect(kernelModeFromEnvironment(), String(value)).to.equal(mode);
      }
      process.env['TFXAI_KERNELS'] = 'fast';
      expect(() => kernelModeFromEnvironment()).to.throw(InvalidOptionError, /allowed: on \(= all\), all, gaps, off/);
      expect(() => registerTfxaiKernels('fast' as 'all')).to.throw(InvalidOptionError, /allowed: all, gaps, off/);
    } finally {
      if (saved === undefined) delete process.env['TFXAI_KERNELS'];
      else process.env['TFXAI_KERNELS'] = saved;
    }
  });
});
