import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { forEachBackend } from '@tfxai/test-utils';
import { withTfxaiKernels } from '@tfxai/core';
import { useTfxaiKernels } from '../src/index.js';
import { everyDthTap, expectRelativeClose, seeded, spreadFilter } from './helpers.js';

interface Case {
  depthwise: boolean;
  activation: 'linear' | 'relu';
  bias: boolean;
  stride: number;
  dilation: number;
  pad: 'same' | 'valid';
}

const CASES: Case[] = [];
for (const depthwise of [false, true])
  for (const activation of ['linear', 'relu'] as const)
    for (const [stride, dilation] of [[1, 1], [2, 1], [1, 2]] as const)
      for (const pad of ['same', 'valid'] as const) CASES.push({ depthwise, activation, bias: stride === 1, stride, dilation, pad });

const X_SHAPE = [2, 9, 8, 3];
const filterShape = (c: Case) => (c.depthwise ? [3, 3, 3, 2] : [3, 3, 3, 4]);
const outChannels = (c: Case) => (c.depthwise ? 6 : 4);

/** tfjs's fused op as layers and graph models call it. */
function fusedCall(c: Case, x: tf.Tensor, filter: tf.Tensor, bias?: tf.Tensor): tf.Tensor {
  const args = { x: x as tf.Tensor4D, filter: filter as tf.Tensor4D, strides: c.stride, pad: c.pad, dilations: c.dilation, activation: c.activation, ...(bias ? { bias } : {}) };
  return c.depthwise ? tf.fused.depthwiseConv2d(args) : tf.fused.conv2d(args);
}

/** The same function from plain ops at dilation 1 (zero-spread filter): stock tfjs gradients throughout. */
function referenceCall(c: Case, x: tf.Tensor, spread: tf.Tensor, bias?: tf.Tensor): tf.Tensor {
  const conv = c.depthwise
    ? tf.depthwiseConv2d(x as tf.Tensor4D, spread as tf.Tensor4D, c.stride, c.pad)
    : tf.conv2d(x as tf.Tensor4D, spread as tf.Tensor4D, c.stride, c.pad);
  const biased = bias ? tf.add(conv, bias) : conv;
  return c.activation === 'relu' ? tf.relu(biased) : biased;
}

async function readAll(tensors: tf.Tensor[]): Promise<Float32Array[]> {
  return Promise.all(tensors.map(async (t) => Float32Array.from((await t.data()) as Float32Array)));
}

describe('fused conv2d / depthwise conv2d: gradients through the fused kernel', function () {
  after(() => useTfxaiKernels('all'));
  const label = (c: Case) => `${c.depthwise ? 'depthwise' : 'conv2d'} ${c.activation}${c.bias ? ' + bias' : ''}, stride ${c.stride}, dilation ${c.dilation}, ${c.pad}`;

  forEachBackend((backend) => {
    for (const c of CASES) {
      it(`${label(c)}: input, filter and bias gradients equal stock tfjs (cpu) on the unfused equivalent`, async () => {
        const xValues = seeded(X_SHAPE, 3).values;
        const filterValues = seeded(filterShape(c), 4).values;
        const biasValues = seeded([outChannels(c)], 5).values;
        const make = () => ({
          x: tf.tensor4d(xValues, X_SHAPE as [number, number, number, number]),
          filter: tf.tensor4d(filterValues, filterShape(c) as [number, number, number, number]),
          bias: c.bias ? tf.tensor1d(biasValues) : undefined,
        });

        // Reference: stock tfjs on cpu.
        useTfxaiKernels('off');
        await tf.setBackend('cpu');
        const r = make();
        const spread = spreadFilter(r.filter, c.dilation);
        const weights = tf.tidy(() => tf.randomUniform(referenceCall(c, r.x, spread, r.bias).shape as number[], -1, 1, 'float32', 9));
        const referenceInputs = [r.x, spread, ...(r.bias ? [r.bias] : [])];
        const referenceGrads = tf.grads((...t: tf.Tensor[]) => tf.sum(tf.mul(referenceCall(c, t[0]!, t[1]!, t[2]), weights)))(referenceInputs);
        const referenceFilterGrad = everyDthTap(referenceGrads[1] as tf.Tensor4D, c.dilation);
        const expected = await readAll([referenceGrads[0]!, referenceFilterGrad, ...referenceGrads.slice(2)]);
        const weightValues = Float32Array.from((await weights.data()) as Float32Array);
        tf.dispose([...referenceInputs, r.filter, weights, ...referenceGrads, referenceFilterGrad]);

        // tfxai: the fused op, routed to the fused kernel with tfxai's kernel gradient.
        useTfxaiKernels('all');
        await tf.setBackend(backend);
        const before = tf.memory().numTensors;
        const t = make();
        const w = tf.tensor(weightValues, weights.shape);
        const inputs = [t.x, t.filter, ...(t.bias ? [t.bias] : [])];
        const grads = withTfxaiKernels(() => tf.grads((...v: tf.Tensor[]) => tf.sum(tf.mul(fusedCall(c, v[0]!, v[1]!, v[2]), w)))(inputs));
        const actual = await readAll(grads);
        ['input', 'filter', 'bias'].slice(0, actual.length).forEach((name, i) => expectRelativeClose(actual[i]!, expected[i]!, `${label(c)}: ${name} gradient`));
        tf.dispose([...inputs, w, ...grads]);
        expect(tf.memory().numTensors, 'tensors left behind').to.equal(before);
      });
    }

    it('a fused relu follows whatever gradient is registered for Relu (guided backpropagation)', async () => {
      const guided: tf.GradConfig = {
        kernelName: 'Relu',
        inputsToSave: ['x'],
        gradFunc: (dy, saved) => ({ x: () => tf.mul(tf.relu(dy as tf.Tensor), tf.step(saved[0]!)) }),
      };
      const c: Case = { depthwise: false, activation: 'relu', bias: true, stride: 1, dilation: 1, pad: 'same' };
      const gradientWith = async (mode: 'off' | 'all') => {
        useTfxaiKernels(mode);
        await tf.setBackend(mode === 'off' ? 'cpu' : backend);
        const x = tf.tensor4d(seeded(X_SHAPE, 11).values, X_SHAPE as [number, number, number, number]);
        const filter = tf.tensor4d(seeded([3, 3, 3, 4], 12).values, [3, 3, 3, 4]);
        const bias = tf.tensor1d([0.1, -0.1, 0, 0.2]);
        const stock = tf.getGradient('Relu');
        tf.registerGradient(guided);
        try {
          // Upstream weights of both signs: the guided rule drops the negative ones.
          const w = tf.tensor4d(seeded([2, 9, 8, 4], 13).values, [2, 9, 8, 4]);
          const pass = () => tf.grad((v) => tf.sum(tf.mul(fusedCall(c, v, filter, bias), w)))(x);
          const dx = mode === 'all' ? withTfxaiKernels(pass) : pass();
          const values = Float32Array.from((await dx.data()) as Float32Array);
          tf.dispose([dx, w]);
          return values;
        } finally {
          tf.registerGradient(stock);
          tf.dispose([x, filter, bias]);
        }
      };
      const unfusedGuided = await gradientWith('off'); // tfjs: relu unfused while recording -> the Relu kernel
      const fusedGuided = await gradientWith('all');
      expectRelativeClose(fusedGuided, unfusedGuided, 'guided input gradient');
    });

    it('outside gradient recording the fused op is tfjs own (same values, one FusedConv2D kernel)', async () => {
      useTfxaiKernels('all');
      await tf.setBackend(backend);
      const x = tf.tensor4d(seeded(X_SHAPE, 6).values, X_SHAPE as [number, number, number, number]);
      const filter = tf.tensor4d(seeded([3, 3, 3, 4], 7).values, [3, 3, 3, 4]);
      const args = { x, filter, strides: 1, pad: 'same' as const, activation: 'relu' as const, bias: tf.tensor1d([0.1, 0, -0.1, 0.2]) };
      const profile = await tf.profile(() => tf.fused.conv2d(args));
      expect(profile.kernels.map((k) => k.name).filter((name) => !name.endsWith('__op'))).to.deep.equal(['FusedConv2D']);
      const routed = withTfxaiKernels(() => tf.fused.conv2d(args));
      useTfxaiKernels('off');
      const stock = tf.fused.conv2d(args);
      expectRelativeClose((await routed.data()) as Float32Array, (await stock.data()) as Float32Array, 'forward values');
      useTfxaiKernels('all');
      tf.dispose([x, filter, args.bias, routed, stock, profile.result as tf.Tensor]);
    });
  });
});
