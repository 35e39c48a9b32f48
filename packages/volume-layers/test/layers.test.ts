import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { InvalidInputError, InvalidOptionError } from '@tfxai/core';
import { expectAllClose, forEachBackend } from '@tfxai/test-utils';
import { BatchNormalization5D, Cropping3D, GlobalAveragePooling3D, GlobalMaxPooling3D, UpSampling3D, ZeroPadding3D } from '../src/index.js';
import { build, offset, sequenceValues, type Shape5 } from './volume-reference.js';

// Non-cubic, two examples, three channels: index mix-ups between axes show.
const shape: Shape5 = [2, 3, 4, 5, 3];
const firstShape: Shape5 = [2, 3, 3, 4, 5]; // channels first: (N, C, D, H, W)
const values = sequenceValues(shape.reduce((a, b) => a * b, 1), 7);

function apply(layer: tf.layers.Layer, x: tf.Tensor): { data: Float32Array; shape: number[] } {
  const y = layer.apply(x) as tf.Tensor;
  const out = { data: y.dataSync() as Float32Array, shape: y.shape };
  y.dispose();
  return out;
}

forEachBackend(() => {
  let x: tf.Tensor;
  let xFirst: tf.Tensor;
  beforeEach(() => {
    x = tf.tensor(values, shape);
    xFirst = tf.tensor(values, firstShape);
  });
  afterEach(() => {
    x.dispose();
    xFirst.dispose();
  });

  describe('GlobalAveragePooling3D and GlobalMaxPooling3D', () => {
    const reduce = (s: Shape5, i: number[], spatial: number[], pick: (a: number, b: number) => number, init: number, mean: boolean): number => {
      let acc = init;
      let count = 0;
      for (let d = 0; d < s[spatial[0]!]!; d++) for (let h = 0; h < s[spatial[1]!]!; h++) for (let w = 0; w < s[spatial[2]!]!; w++) {
        const idx = [...i];
        idx[spatial[0]!] = d;
        idx[spatial[1]!] = h;
        idx[spatial[2]!] = w;
        acc = pick(acc, values[offset(s, idx)]!);
        count++;
      }
      return mean ? acc / count : acc;
    };
    it('average: the mean over depth, height and width per example and channel (channels last and first)', () => {
      const last = apply(new GlobalAveragePooling3D(), x);
      expect(last.shape).to.deep.equal([2, 3]);
      expectAllClose(last.data, build([2, 3], ([n, c]) => reduce(shape, [n!, 0, 0, 0, c!], [1, 2, 3], (a, b) => a + b, 0, true)), 1e-6);
      const first = apply(new GlobalAveragePooling3D({ dataFormat: 'channelsFirst' }), xFirst);
      expect(first.shape).to.deep.equal([2, 3]);
      expectAllClose(first.data, build([2, 3], ([n, c]) => reduce(firstShape, [n!, c!, 0, 0, 0], [2, 3, 4], (a, b) => a + b, 0, true)), 1e-6);
    });
    it('max: the maximum over depth, height and width; keepdims keeps three axes of length 1', () => {
      const kept = apply(new GlobalMaxPooling3D({ keepdims: true }), x);
      expect(kept.shape).to.deep.equal([2, 1, 1, 1, 3]);
      expectAllClose(kept.data, build([2, 3], ([n, c]) => reduce(shape, [n!, 0, 0, 0, c!], [1, 2, 3], Math.max, -Infinity, false)), 0);
    });
  });

  describe('UpSampling3D', () => {
    it('repeats each voxel size[d], size[h], size[w] times: out[n,d,h,w,c] = in[n,d/sd,h/sh,w/sw,c]', () => {
      const size: [number, number, number] = [1, 2, 3];
      const up = apply(new UpSampling3D({ size }), x);
      const outShape = [2, 3, 8, 15, 3];
      expect(up.shape).to.deep.equal(outShape);
      expectAllClose(up.data, build(outShape, ([n, d, h, w, c]) => values[offset(shape, [n!, Math.floor(d! / 1), Math.floor(h! / 2), Math.floor(w! / 3), c!])]!), 0);
    });
    it('channels first: the channel axis is not repeated', () => {
      const up = apply(new UpSampling3D({ size: 2, dataFormat: 'channelsFirst' }), xFirst);
      const outShape = [2, 3, 6, 8, 10];
      expect(up.shape).to.deep.equal(outShape);
      expectAllClose(up.data, build(outShape, ([n, c, d, h, w]) => values[offset(firstShape, [n!, c!, d! >> 1, h! >> 1, w! >> 1])]!), 0);
    });
  });

  describe('ZeroPadding3D and Cropping3D', () => {
    it('ZeroPadding3D adds zeros before and after each spatial axis, per side', () => {
      const padding: [[number, number], [number, number], [number, number]] = [[1, 0], [0, 2], [1, 1]];
      const padded = apply(new ZeroPadding3D({ padding }), x);
      const outShape = [2, 4, 6, 7, 3];
      expect(padded.shape).to.deep.equal(outShape);
      expectAllClose(padded.data, build(outShape, ([n, d, h, w, c]) => {
        const [sd, sh, sw] = [d! - 1, h!, w! - 1];
        const inside = sd >= 0 && sd < 3 && sh >= 0 && sh < 4 && sw >= 0 && sw < 5;
        return inside ? values[offset(shape, [n!, sd, sh, sw, c!])]! : 0;
      }), 0);
    });
    it('Cropping3D removes voxels before and after each spatial axis, and is the inverse of the padding', () => {
      const cropped = apply(new Cropping3D({ cropping: [[1, 0], [0, 2], [1, 1]] }), x);
      const outShape = [2, 2, 2, 3, 3];
      expect(cropped.shape).to.deep.equal(outShape);
      expectAllClose(cropped.data, build(outShape, ([n, d, h, w, c]) => values[offset(shape, [n!, d! + 1, h!, w! + 1, c!])]!), 0);
      const roundTrip = tf.tidy(() => new Cropping3D({ cropping: [1, 2, 3] }).apply(new ZeroPadding3D({ padding: [1, 2, 3] }).apply(x)) as tf.Tensor);
      expectAllClose(roundTrip.dataSync(), values, 0);
      roundTrip.dispose();
    });
    it('typed errors: a cropping that leaves nothing, a malformed padding or size, an unknown data format', () => {
      expect(() => apply(new Cropping3D({ cropping: [2, 0, 0] }), x)).to.throw(InvalidInputError, /nothing would be left/);
      expect(() => new ZeroPadding3D({ padding: [1, 2] as unknown as number })).to.throw(InvalidOptionError, /ZeroPadding3D.padding/);
      expect(() => new UpSampling3D({ size: 0 })).to.throw(InvalidOptionError, /UpSampling3D.size/);
      expect(() => new GlobalAveragePooling3D({ dataFormat: 'channels_sideways' as 'channelsLast' })).to.throw(InvalidOptionError, /dataFormat/);
    });
  });

  describe('BatchNormalization on 5-D inputs', () => {
    const channels = 3;
    const gamma = [0.5, -1.5, 2];
    const beta = [0.1, 0, -0.3];
    const mean = [0.2, -0.1, 0.05];
    const variance = [0.5, 2, 0.1];
    const epsilon = 1e-3;
    function layerWith(args: object): tf.layers.Layer {
      const layer = new BatchNormalization5D({ epsilon, ...args });
      layer.build([null, 3, 4, 5, channels]);
      const weights = [...((args as { scale?: boolean }).scale === false ? [] : [gamma]), ...((args as { center?: boolean }).center === false ? [] : [beta]), mean, variance];
      layer.setWeights(weights.map((w) => tf.tensor1d(w)));
      return layer;
    }
    const reference = (scale: boolean, center: boolean) => build(shape, ([n, d, h, w, c]) => {
      const normed = (values[offset(shape, [n!, d!, h!, w!, c!])]! - mean[c!]!) / Math.sqrt(variance[c!]! + epsilon);
      return (scale ? gamma[c!]! * normed : normed) + (center ? beta[c!]! : 0);
    });
    it("inference is Keras's gamma * (x - mean) / sqrt(var + eps) + beta, also with scale: false or center: false", () => {
      expectAllClose(apply(layerWith({}), x).data, reference(true, true), 1e-5);
      expectAllClose(apply(layerWith({ scale: false }), x).data, reference(false, true), 1e-5);
      expectAllClose(apply(layerWith({ center: false }), x).data, reference(true, false), 1e-5);
    });
    it('rank 4 inputs go to the stock layer: bit-for-bit the same output', () => {
      const x4 = tf.tensor(values.slice(0, 2 * 4 * 5 * 3), [2, 4, 5, 3]);
      const ours = new BatchNormalization5D({ epsilon });
      const stock = tf.layers.batchNormalization({ epsilon });
      for (const layer of [ours, stock]) {
        layer.build([null, 4, 5, channels]);
        layer.setWeights([gamma, beta, mean, variance].map((w) => tf.tensor1d(w)));
      }
      expect(Array.from(apply(ours, x4).data)).to.deep.equal(Array.from(apply(stock, x4).data));
      x4.dispose();
    });
    it('training: normalises by the batch moments and moves the moving averages by (1 - momentum)', () => {
      const layer = layerWith({ momentum: 0.9, scale: false, center: false });
      const y = layer.apply(x, { training: true }) as tf.Tensor;
      const n = values.length / channels;
      const batchMean = [0, 1, 2].map((c) => values.filter((_, k) => k % channels === c).reduce((a, b) => a + b, 0) / n);
      const batchVar = [0, 1, 2].map((c) => values.filter((_, k) => k % channels === c).reduce((a, b) => a + (b - batchMean[c]!) ** 2, 0) / n);
      expectAllClose(y.dataSync(), Float32Array.from(values, (v, k) => (v - batchMean[k % channels]!) / Math.sqrt(batchVar[k % channels]! + epsilon)), 1e-4);
      const [movingMean, movingVar] = layer.getWeights();
      expectAllClose(movingMean!.dataSync(), mean.map((m, c) => m - (m - batchMean[c]!) * 0.1), 1e-6);
      expectAllClose(movingVar!.dataSync(), variance.map((v, c) => v - (v - batchVar[c]!) * 0.1), 1e-5);
      y.dispose();
    });
  });

  describe('gradients through every layer equal central finite differences', () => {
    const small: Shape5 = [1, 2, 3, 4, 2];
    const smallValues = sequenceValues(48, 3);
    const weight = sequenceValues(400, 11);
    const layers: Array<[string, () => tf.layers.Layer]> = [
      ['GlobalAveragePooling3D', () => new GlobalAveragePooling3D()],
      ['GlobalMaxPooling3D', () => new GlobalMaxPooling3D()],
      ['UpSampling3D', () => new UpSampling3D({ size: [2, 1, 2] })],
      ['ZeroPadding3D', () => new ZeroPadding3D({ padding: 1 })],
      ['Cropping3D', () => new Cropping3D({ cropping: [0, 1, 1] })],
      ['BatchNormalization', () => {
        const bn = new BatchNormalization5D({ scale: false });
        bn.build([null, 2, 3, 4, 2]);
        bn.setWeights([tf.tensor1d([0.3, -0.2]), tf.tensor1d([0.1, 0.4]), tf.tensor1d([1.5, 0.7])]);
        return bn;
      }],
    ];
    for (const [name, make] of layers) {
      it(name, () => {
        const layer = make();
        // A fixed weighted sum of the outputs makes the layer's output a scalar to differentiate.
        const score = (input: tf.Tensor): tf.Scalar => tf.tidy(() => {
          const y = (layer.apply(input) as tf.Tensor).flatten();
          return tf.sum(tf.mul(y, tf.tensor1d(weight.slice(0, y.size)))) as tf.Scalar;
        });
        const xs = tf.tensor(smallValues, small);
        const grad = tf.grad((input: tf.Tensor) => score(input))(xs);
        const h = 1e-2;
        const numeric = Float32Array.from(smallValues, (_, k) => {
          const plus = smallValues.slice();
          const minus = smallValues.slice();
          plus[k]! += h;
          minus[k]! -= h;
          const [p, m] = [plus, minus].map((v) => tf.tidy(() => score(tf.tensor(v, small)).dataSync()[0]!));
          return (p! - m!) / (2 * h);
        });
        expectAllClose(grad.dataSync(), numeric, 2e-3, 1e-3);
        tf.dispose([xs, grad]);
      });
    }
  });
});
