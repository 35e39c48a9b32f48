import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { convGeometry, useTfxaiKernels, type ConvPadding } from '../src/index.js';
import { expectRelativeClose, runKernelOn, seeded, type HostTensor } from './helpers.js';

// Every tfxai wasm kernel against the cpu backend's kernel of the same name, over a grid.
const PADDINGS: ConvPadding[] = ['same', 'valid', 1, [[0, 0], [2, 0], [1, 2], [0, 0]]];
const padLabel = (pad: ConvPadding) => JSON.stringify(pad);

async function expectKernelMatchesCpu(kernelName: string, inputs: Record<string, HostTensor>, attrs: object, label: string): Promise<void> {
  const expected = await runKernelOn('cpu', kernelName, inputs, attrs);
  const actual = await runKernelOn('wasm', kernelName, inputs, attrs, true);
  expect(actual.shape, `${label}: shape`).to.deep.equal(expected.shape);
  expectRelativeClose(actual.values, expected.values, label);
}

/**
 * The (kh, kw, ...) filter spread to ((kh-1)d+1, (kw-1)d+1, ...) with zeros between taps: a
 * convolution at dilation d equals one with this filter at dilation 1. The cpu
 * backend's depthwise backprop kernels ignore dilation (tfjs never calls them with
 * one), so dilated cases are checked against them on this filter instead.
 */
function dilateFilter(filter: HostTensor, d: number): HostTensor {
  const [kh, kw, c, m] = filter.shape as [number, number, number, number];
  const [eh, ew] = [(kh - 1) * d + 1, (kw - 1) * d + 1];
  const values = new Float32Array(eh * ew * c * m);
  for (let r = 0; r < kh; r++)
    for (let q = 0; q < kw; q++)
      for (let i = 0; i < c * m; i++) values[((r * d) * ew + q * d) * c * m + i] = filter.values[(r * kw + q) * c * m + i]!;
  return { values, shape: [eh, ew, c, m], dtype: 'float32' };
}

/** Every d-th tap of a gradient taken with respect to a dilated filter: the gradient of the original taps. */
function undilateFilter(values: Float32Array, shape: number[], d: number): Float32Array {
  const [eh, ew, c, m] = shape as [number, number, number, number];
  const [kh, kw] = [(eh - 1) / d + 1, (ew - 1) / d + 1];
  const out = new Float32Array(kh * kw * c * m);
  for (let r = 0; r < kh; r++)
    for (let q = 0; q < kw; q++)
      for (let i = 0; i < c * m; i++) out[(r * kw + q) * c * m + i] = values[((r * d) * ew + q * d) * c * m + i]!;
  return out;
}

/** The conv2d grid both backprop kernels are checked over: odd and even inputs, kernel sizes and strides 1-3, every padding; cases with an empty output are left out. */
function* conv2dGrid() {
  for (const [inH, inW] of [[7, 6], [8, 8]] as const) {
    for (const k of [1, 2, 3]) {
      for (const stride of [1, 2, 3]) {
        for (const pad of PADDINGS) {
          const filterShape = [k, k, 3, 4];
          const g = convGeometry([2, inH, inW, 3], filterShape, stride, 1, pad, undefined, false);
          if (g.outHeight > 0 && g.outWidth > 0) yield { inH, inW, k, stride, pad, filterShape, g };
        }
      }
    }
  }
}

describe('tfxai wasm kernels equal the cpu kernels', function () {
  before(async () => {
    useTfxaiKernels('all');
    await tf.setBackend('wasm');
    await tf.ready();
  });

  it('Conv2DBackpropInput over kernel sizes, strides, paddings, odd shapes', async () => {
    let cases = 0;
    for (const { inH, inW, k, stride, pad, filterShape, g } of conv2dGrid()) {
      const inputs = { dy: seeded([2, g.outHeight, g.outWidth, 4], cases + 1), filter: seeded(filterShape, cases + 2) };
      const attrs = { strides: stride, pad, dataFormat: 'NHWC', inputShape: [2, inH, inW, 3] };
      await expectKernelMatchesCpu('Conv2DBackpropInput', inputs, attrs, `in ${inH}x${inW} k${k} s${stride} pad ${padLabel(pad)}`);
      cases++;
    }
    expect(cases).to.be.greaterThan(60);
  });

  it('Conv2DBackpropFilter over kernel sizes, strides, paddings, odd shapes', async () => {
    let cases = 0;
    for (const { inH, inW, k, stride, pad, filterShape, g } of conv2dGrid()) {
      const inputs = { x: seeded([2, inH, inW, 3], cases + 3), dy: seeded([2, g.outHeight, g.outWidth, 4], cases + 4) };
      const attrs = { strides: stride, pad, dataFormat: 'NHWC', filterShape };
      await expectKernelMatchesCpu('Conv2DBackpropFilter', inputs, attrs, `in ${inH}x${inW} k${k} s${stride} pad ${padLabel(pad)}`);
      cases++;
    }
    expect(cases).to.be.greaterThan(60);
  });

  // Depthwise: channel multipliers 1 and 2, strides or dilations (tfjs allows one of them > 1).
  const depthwiseGrid: { k: number; stride: number; dilation: number }[] = [
    { k: 3, stride: 1, dilation: 1 },
    { k: 3, stride: 2, dilation: 1 },
    { k: 2, stride: 3, dilation: 1 },
    { k: 1, stride: 2, dilation: 1 },
    { k: 3, stride: 1, dilation: 2 },
    { k: 2, stride: 1, dilation: 3 },
  ];

  /** Every depthwise case of the grid on a (2, 9, 8, 3) input whose output is not empty; `index` counts them. */
  function* depthwiseCases() {
    let index = 0;
    for (const { k, stride, dilation } of depthwiseGrid) {
      for (const multiplier of [1, 2]) {
        for (const pad of PADDINGS) {
          const filterShape = [k, k, 3, multiplier];
          const g = convGeometry([2, 9, 8, 3], filterShape, stride, dilation, pad, undefined, true);
          if (g.outHeight <= 0 || g.outWidth <= 0) continue;
          const dyShape = [2, g.outHeight, g.outWidth, 3 * multiplier];
          yield { index: index++, k, stride, dilation, multiplier, pad, filterShape, dyShape, label: `k${k} s${stride} d${dilation} m${multiplier} pad ${padLabel(pad)}` };
        }
      }
    }
  }

  it('DepthwiseConv2dNativeBackpropInput over strides, dilations, paddings, channel multipliers', async () => {
    let cases = 0;
    for (const { index, stride, dilation, pad, filterShape, dyShape, label } of depthwiseCases()) {
      const inputs = { dy: seeded(dyShape, index + 5), filter: seeded(filterShape, index + 6) };
      const attrs = { strides: stride, dilations: dilation, pad, inputShape: [2, 9, 8, 3] };
      if (dilation === 1) {
        await expectKernelMatchesCpu('DepthwiseConv2dNativeBackpropInput', inputs, attrs, label);
      } else {
        const expected = await runKernelOn('cpu', 'DepthwiseConv2dNativeBackpropInput', { dy: inputs.dy, filter: dilateFilter(inputs.filter, dilation) }, { ...attrs, dilations: 1 });
        const actual = await runKernelOn('wasm', 'DepthwiseConv2dNativeBackpropInput', inputs, attrs, true);
        expectRelativeClose(actual.values, expected.values, label);
      }
      cases++;
    }
    expect(cases).to.be.greaterThan(40);
  });

  it('DepthwiseConv2dNativeBackpropFilter over strides, dilations, paddings, channel multipliers', async () => {
    let cases = 0;
    for (const { index, k, stride, dilation, multiplier, pad, filterShape, dyShape, label } of depthwiseCases()) {
      const inputs = { x: seeded([2, 9, 8, 3], index + 7), dy: seeded(dyShape, index + 8) };
      const attrs = { strides: stride, dilations: dilation, pad, filterShape };
      if (dilation === 1) {
        await expectKernelMatchesCpu('DepthwiseConv2dNativeBackpropFilter', inputs, attrs, label);
      } else {
        const dilatedShape = [(k - 1) * dilation + 1, (k - 1) * dilation + 1, 3, multiplier];
        const expected = await runKernelOn('cpu', 'DepthwiseConv2dNativeBackpropFilter', inputs, { ...attrs, dilations: 1, filterShape: dilatedShape });
        const actual = await runKernelOn('wasm', 'DepthwiseConv2dNativeBackpropFilter', inputs, attrs, true);
        expect(actual.shape, label).to.deep.equal(filterShape);
        expectRelativeClose(actual.values, undilateFilter(expected.values, dilatedShape, dilation), label);
      }
      cases++;
    }
    expect(cases).to.be.greaterThan(40);
  });

  it('MaxPoolGrad over pool sizes, strides, paddings, with many ties (first maximum wins, as on cpu)', async () => {
    let cases = 0;
    for (const size of [2, 3]) {
      for (const stride of [1, 2, 3]) {
        for (const pad of ['same', 'valid', 1] as const) {
          if (typeof pad === 'number' && pad >= size) continue;
          // Integer values in [-2, 2]: most windows hold several equal maxima.
          const x = seeded([2, 7, 8, 3], cases + 9, true);
          await tf.setBackend('cpu');
          const y = tf.tidy(() => tf.maxPool(tf.tensor4d(x.values, x.shape as [number, number, number, number]), size, stride, pad));
          const output: HostTensor = { values: (await y.data()) as Float32Array, shape: [...y.shape], dtype: 'float32' };
          y.dispose();
          const inputs = { dy: seeded(output.shape, cases + 10), input: x, output };
          await expectKernelMatchesCpu('MaxPoolGrad', inputs, { filterSize: size, strides: stride, pad }, `pool ${size} s${stride} pad ${pad}`);
          cases++;
        }
      }
    }
    expect(cases).to.be.greaterThan(14);
  });

  it('MaxPoolGrad 2x2 stride 2 (the non-overlapping fast path): bit for bit the cpu kernel, even and odd sizes, ties, negative zero', async () => {
    for (const [shape, pad] of [[[3, 8, 10, 5], 'valid'], [[2, 8, 6, 16], 'same'], [[2, 9, 7, 4], 'valid'], [[1, 2, 2, 1], 'valid']] as const) {
      const label = `${JSON.stringify(shape)} ${pad}`;
      const x = seeded([...shape], shape[1] * shape[3], true);
      await tf.setBackend('cpu');
      const y = tf.tidy(() => tf.maxPool(tf.tensor4d(x.values, [...shape]), 2, 2, pad));
      const output: HostTensor = { values: (await y.data()) as Float32Array, shape: [...y.shape], dtype: 'float32' };
      y.dispose();
      const dy = seeded(output.shape, 5);
      dy.values[0] = -0;
      const inputs = { dy, input: x, output };
      const attrs = { filterSize: 2, strides: 2, pad };
      const expected = await runKernelOn('cpu', 'MaxPoolGrad', inputs, attrs);
      const actual = await runKernelOn('wasm', 'MaxPoolGrad', inputs, attrs, true);
      expect(Array.from(new Uint32Array(actual.values.buffer)), label).to.deep.equal(Array.from(new Uint32Array(expected.values.buffer)));
    }
  });

  it('MaxPoolGrad gives nothing to -Infinity and NaN, as on cpu', async () => {
    const x = seeded([1, 4, 4, 2], 21);
    x.values[0] = Number.NEGATIVE_INFINITY;
    x.values[3] = Number.NaN;
    for (let i = 8; i < 16; i += 2) x.values[i] = Number.NEGATIVE_INFINITY; // one window all -Infinity in channel 0
    x.values[10] = Number.NEGATIVE_INFINITY;
    const output: HostTensor = { values: new Float32Array(8), shape: [1, 2, 2, 2], dtype: 'float32' };
    const inputs = { dy: seeded([1, 2, 2, 2], 22), input: x, output };
    await expectKernelMatchesCpu('MaxPoolGrad', inputs, { filterSize: 2, strides: 2, pad: 'valid' }, 'non-finite inputs');
  });

  it('UnsortedSegmentSum with repeated and out-of-range ids', async () => {
    const x = seeded([6, 5, 3], 31);
    const ids: HostTensor = { values: Int32Array.from([2, 0, 2, 5, -1, 0]), shape: [6], dtype: 'int32' };
    await expectKernelMatchesCpu('UnsortedSegmentSum', { x, segmentIds: ids }, { numSegments: 4 }, 'segments');
  });
});
